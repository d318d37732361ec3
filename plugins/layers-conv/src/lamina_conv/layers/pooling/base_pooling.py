"""`BasePooling`: max or average over sliding windows of the spatial axes."""

from __future__ import annotations

from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina_conv import ops as conv_ops
from lamina_conv.layers._arguments import standardize_padding, standardize_tuple
from lamina_conv.layers._shapes import pooling_output_shape

_POOL_OPS = {"max": "max_pool", "average": "average_pool"}


class BasePooling(Layer):
    """Shared base of the MaxPooling and AveragePooling layers (built at construction).

    Args:
        pool_size: int or `pool_dimensions` ints, the window size.
        strides: int, `pool_dimensions` ints, or None (= `pool_size`).
        pool_dimensions: the number of spatial axes (1, 2 or 3).
        pool_mode: `"max"` or `"average"`.
        padding: `"valid"` or `"same"` (average pooling over "same" windows counts
            only the real, unpadded elements, as Keras).
        data_format: `"channels_last"` or `"channels_first"`; None for the configured one.
    """

    def __init__(
        self,
        pool_size,
        strides,
        pool_dimensions,
        pool_mode="max",
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        owner = type(self).__name__
        if pool_mode not in _POOL_OPS:
            raise ValueError(
                f"{owner}: `pool_mode` must be 'max' or 'average'. Received: {pool_mode!r}."
            )
        self.pool_size = standardize_tuple(pool_size, pool_dimensions, "pool_size", owner)
        strides = pool_size if strides is None else strides
        self.strides = standardize_tuple(strides, pool_dimensions, "strides", owner)
        self.pool_mode = pool_mode
        self.padding = standardize_padding(padding, owner)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._pool = getattr(conv_ops, _POOL_OPS[pool_mode])
        self.built = True  # no weights: built at construction, as Keras

    def call(self, inputs):
        return self._pool(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        return pooling_output_shape(
            type(self).__name__,
            input_shape,
            self.pool_size,
            self.strides,
            self.padding,
            self.data_format,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
