"""`LeakyReLU`: `x` for `x >= 0`, `negative_slope * x` otherwise."""

from __future__ import annotations

import warnings

from lamina import activations
from lamina.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit.

    Args:
        negative_slope: float >= 0, the slope for negative inputs (default 0.3).

    Example:
        >>> LeakyReLU(0.5)(ops.convert_to_tensor([-2.0, 1.0])).numpy()
        array([-1.,  1.], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2
            )
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                f"value. Expected a float. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}
