"""`MaxPooling1D/2D/3D` (and the `MaxPool*D` aliases)."""

from lamina_conv.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Max pooling over temporal data: inputs `(batch, steps, channels)`.

    Each output element is the maximum of one window of the input.

    Args:
        pool_size: int or 1-tuple, the window size.
        strides: int or 1-tuple, or None for `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        name: the layer's name.

    Example:
        >>> MaxPooling1D()(ops.ones((2, 6, 3))).shape
        (2, 3, 3)
    """

    def __init__(
        self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=1,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )


class MaxPooling2D(BasePooling):
    """Max pooling over spatial data: inputs `(batch, rows, cols, channels)`.

    Each output element is the maximum of one window of the input.

    Args:
        pool_size: int or tuple of 2 ints, the window size.
        strides: int or tuple of 2 ints, or None for `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        name: the layer's name.

    Example:
        >>> MaxPooling2D()(ops.ones((2, 6, 6, 3))).shape
        (2, 3, 3, 3)
    """

    def __init__(
        self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=2,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )


class MaxPooling3D(BasePooling):
    """Max pooling over volumetric data: inputs `(batch, d1, d2, d3, channels)`.

    Each output element is the maximum of one window of the input.

    Args:
        pool_size: int or tuple of 3 ints, the window size.
        strides: int or tuple of 3 ints, or None for `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        name: the layer's name.

    Example:
        >>> MaxPooling3D()(ops.ones((2, 4, 4, 4, 3))).shape
        (2, 2, 2, 2, 3)
    """

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            pool_size,
            strides,
            pool_dimensions=3,
            pool_mode="max",
            padding=padding,
            data_format=data_format,
            name=name,
            **kwargs,
        )


MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
MaxPool3D = MaxPooling3D
