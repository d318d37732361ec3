"""`Activation`: applies an activation function."""

from __future__ import annotations

from lamina import activations
from lamina.layers.layer import Layer


class Activation(Layer):
    """Applies `activation` to its input.

    Args:
        activation: an activation function or its name (e.g. `"relu"`).

    Example:
        >>> Activation("relu")(ops.convert_to_tensor([-1.0, 2.0])).numpy()
        array([0., 2.], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {"activation": activations.serialize(self.activation)}
        return {**super().get_config(), **config}
