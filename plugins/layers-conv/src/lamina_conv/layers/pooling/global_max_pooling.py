"""`GlobalMaxPooling1D/2D/3D` (and the `GlobalMaxPool*D` aliases)."""

from lamina import ops
from lamina_conv.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Global max pooling over temporal data: inputs `(batch, steps, channels)`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        keepdims: keep the spatial axes with length 1 (the output is then of rank 3).

    Example:
        >>> GlobalMaxPooling1D()(ops.ones((2, 5, 3))).shape
        (2, 3)
    """

    _reduce = staticmethod(ops.max)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global max pooling over spatial data: inputs `(batch, rows, cols, channels)`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        keepdims: keep the spatial axes with length 1 (the output is then of rank 4).

    Example:
        >>> GlobalMaxPooling2D()(ops.ones((2, 4, 4, 3))).shape
        (2, 3)
    """

    _reduce = staticmethod(ops.max)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Global max pooling over volumetric data: inputs `(batch, d1, d2, d3, channels)`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        keepdims: keep the spatial axes with length 1 (the output is then of rank 5).

    Example:
        >>> GlobalMaxPooling3D()(ops.ones((2, 3, 3, 3, 3))).shape
        (2, 3)
    """

    _reduce = staticmethod(ops.max)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D
