"""`ActivityRegularization`: adds an L1/L2 penalty on its inputs to the losses."""

from __future__ import annotations

from lamina import regularizers
from lamina.layers.layer import Layer


class ActivityRegularization(Layer):
    """The identity, with an `L1L2(l1, l2)` activity regularizer on its output.

    As in Keras 3, the penalty added to `losses` is divided by the batch size.

    Args:
        l1: L1 factor (>= 0).
        l2: L2 factor (>= 0).

    Example:
        >>> layer = ActivityRegularization(l2=0.01)
        >>> _ = layer(ops.ones((2, 3)))
        >>> len(layer.losses)
        1
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base_config = super().get_config()
        base_config.pop("activity_regularizer", None)
        return {**base_config, "l1": self.l1, "l2": self.l2}
