"""`AdaptiveAveragePooling1D/2D/3D` and `AdaptiveMaxPooling1D/2D/3D`."""

from lamina_conv.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Adaptive average pooling to a fixed output size: inputs `(batch, steps, channels)`.

    The windows are computed from the input and output sizes (PyTorch's rule), so any
    input size gives the same output size.

    Args:
        output_size: an int or 1-tuple, the output's spatial size.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> AdaptiveAveragePooling1D(4)(ops.ones((2, 10, 3))).shape
        (2, 4, 3)
    """

    _op_name = "adaptive_average_pool"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(1, output_size, data_format, **kwargs)


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Adaptive average pooling to a fixed output size: inputs `(batch, rows, cols, channels)`.

    The windows are computed from the input and output sizes (PyTorch's rule), so any
    input size gives the same output size.

    Args:
        output_size: an int or 2 ints, the output's spatial size.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> AdaptiveAveragePooling2D((4, 3))(ops.ones((2, 10, 9, 3))).shape
        (2, 4, 3, 3)
    """

    _op_name = "adaptive_average_pool"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(2, output_size, data_format, **kwargs)


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Adaptive average pooling to a fixed output size: inputs `(batch, d1, d2, d3, channels)`.

    The windows are computed from the input and output sizes (PyTorch's rule), so any
    input size gives the same output size.

    Args:
        output_size: an int or 3 ints, the output's spatial size.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> AdaptiveAveragePooling3D(2)(ops.ones((2, 6, 6, 6, 3))).shape
        (2, 2, 2, 2, 3)
    """

    _op_name = "adaptive_average_pool"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(3, output_size, data_format, **kwargs)


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """Adaptive max pooling to a fixed output size: inputs `(batch, steps, channels)`.

    The windows are computed from the input and output sizes (PyTorch's rule), so any
    input size gives the same output size.

    Args:
        output_size: an int or 1-tuple, the output's spatial size.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> AdaptiveMaxPooling1D(4)(ops.ones((2, 10, 3))).shape
        (2, 4, 3)
    """

    _op_name = "adaptive_max_pool"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(1, output_size, data_format, **kwargs)


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """Adaptive max pooling to a fixed output size: inputs `(batch, rows, cols, channels)`.

    The windows are computed from the input and output sizes (PyTorch's rule), so any
    input size gives the same output size.

    Args:
        output_size: an int or 2 ints, the output's spatial size.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> AdaptiveMaxPooling2D((4, 3))(ops.ones((2, 10, 9, 3))).shape
        (2, 4, 3, 3)
    """

    _op_name = "adaptive_max_pool"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(2, output_size, data_format, **kwargs)


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """Adaptive max pooling to a fixed output size: inputs `(batch, d1, d2, d3, channels)`.

    The windows are computed from the input and output sizes (PyTorch's rule), so any
    input size gives the same output size.

    Args:
        output_size: an int or 3 ints, the output's spatial size.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> AdaptiveMaxPooling3D(2)(ops.ones((2, 6, 6, 6, 3))).shape
        (2, 2, 2, 2, 3)
    """

    _op_name = "adaptive_max_pool"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(3, output_size, data_format, **kwargs)
