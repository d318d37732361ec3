"""`ZeroPadding1D/2D/3D`: zeros added before and after each spatial axis."""

from __future__ import annotations

from lamina import ops
from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina_conv.layers._arguments import standardize_pairs, standardize_tuple
from lamina_conv.layers._shapes import spatial_axes


class BaseZeroPadding(Layer):
    """Shared base of the ZeroPadding layers.

    Args:
        pairs: one `(before, after)` pair per spatial axis.
        data_format: `"channels_last"` or `"channels_first"`; None for the configured one.
    """

    def __init__(self, pairs, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self._pairs = pairs
        self._axes = spatial_axes(len(pairs), self.data_format)
        self.input_spec = InputSpec(ndim=len(pairs) + 2)

    def call(self, inputs):
        pad_width = [(0, 0)] * (len(self._pairs) + 2)
        for axis, pair in zip(self._axes, self._pairs):
            pad_width[axis] = pair
        return ops.pad(inputs, pad_width)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, (before, after) in zip(self._axes, self._pairs):
            if shape[axis] is not None:
                shape[axis] += before + after
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding1D(BaseZeroPadding):
    """Pad the steps axis of `(batch, steps, features)` inputs with zeros.

    Args:
        padding: int (both sides) or tuple of 2 ints `(before, after)`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> ZeroPadding1D((1, 2))(ops.ones((2, 3, 4))).shape
        (2, 6, 4)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        padding = standardize_tuple(padding, 2, "padding", "ZeroPadding1D", allow_zero=True)
        super().__init__((padding,), data_format, **kwargs)
        self.padding = padding


class ZeroPadding2D(BaseZeroPadding):
    """Pad the rows and columns of images with zeros.

    Args:
        padding: int, tuple of 2 ints (symmetric rows, columns), or
            `((top, bottom), (left, right))`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> ZeroPadding2D(((1, 0), (2, 2)))(ops.ones((1, 3, 3, 2))).shape
        (1, 4, 7, 2)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        padding = standardize_pairs(padding, 2, "padding", "ZeroPadding2D")
        super().__init__(padding, data_format, **kwargs)
        self.padding = padding


class ZeroPadding3D(BaseZeroPadding):
    """Pad the three spatial axes of volumes with zeros.

    Args:
        padding: int, tuple of 3 ints (symmetric per axis), or 3 `(before, after)` pairs.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> ZeroPadding3D(1)(ops.ones((1, 2, 2, 2, 3))).shape
        (1, 4, 4, 4, 3)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        padding = standardize_pairs(padding, 3, "padding", "ZeroPadding3D")
        super().__init__(padding, data_format, **kwargs)
        self.padding = padding
