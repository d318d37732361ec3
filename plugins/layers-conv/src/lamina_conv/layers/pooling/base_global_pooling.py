"""`BaseGlobalPooling`: a reduction (max or mean) over every spatial axis."""

from __future__ import annotations

from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina_conv.layers._shapes import channel_axis, spatial_axes


class BaseGlobalPooling(Layer):
    """Shared base of the global pooling layers (built at construction).

    Subclasses set `_reduce` to `ops.max` or `ops.mean`.

    Args:
        pool_dimensions: the number of spatial axes (1, 2 or 3).
        data_format: `"channels_last"` or `"channels_first"`; None for the configured one.
        keepdims: keep the reduced spatial axes with length 1.
    """

    _reduce = None

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._axes = spatial_axes(pool_dimensions, self.data_format)
        self.built = True  # no weights: built at construction, as Keras

    def call(self, inputs):
        return self._reduce(inputs, axis=self._axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels = input_shape[channel_axis(self.data_format)]
        if not self.keepdims:
            return (input_shape[0], channels)
        ones = (1,) * len(self._axes)
        if self.data_format == "channels_last":
            return (input_shape[0], *ones, channels)
        return (input_shape[0], channels, *ones)

    def get_config(self):
        return {
            **super().get_config(),
            "data_format": self.data_format,
            "keepdims": self.keepdims,
        }
