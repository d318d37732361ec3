"""`Identity`: returns its inputs unchanged."""

from __future__ import annotations

from lamina.layers.layer import Layer


class Identity(Layer):
    """A placeholder layer that returns its input (any nested structure) as is.

    Example:
        >>> Identity()(ops.ones((2,))).shape
        (2,)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
