"""`ELU`: exponential linear unit."""

from __future__ import annotations

from lamina import activations
from lamina.layers.layer import Layer


class ELU(Layer):
    """`x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: scale of the negative part (default 1.0).

    Example:
        >>> ELU()(ops.convert_to_tensor([0.0, 1.0])).numpy()
        array([0., 1.], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
