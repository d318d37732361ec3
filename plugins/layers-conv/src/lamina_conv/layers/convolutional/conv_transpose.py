"""`Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose` (and `Convolution*DTranspose`)."""

from lamina_conv.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """Transposed 1D convolution: inputs `(batch, steps, channels)`.

    Kernel of shape `(*kernel_size, filters, channels)`, as Keras.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or 1-tuple, the window size.
        strides: int or 1-tuple; `strides > 1` excludes `dilation_rate > 1`.
        padding: `"valid"` or `"same"`.
        output_padding: None (inferred) or int or 1-tuple, each less than its stride.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or 1-tuple.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example:
        >>> Conv1DTranspose(8, 3)(ops.ones((4, 5, 3))).shape
        (4, 7, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            1,
            filters,
            kernel_size,
            strides,
            padding,
            output_padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            activity_regularizer,
            kernel_constraint,
            bias_constraint,
            **kwargs,
        )


class Conv2DTranspose(BaseConvTranspose):
    """Transposed 2D convolution ("deconvolution"): inputs `(batch, rows, cols, channels)`.

    Kernel of shape `(*kernel_size, filters, channels)`, as Keras.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 2 ints, the window size.
        strides: int or tuple of 2 ints; `strides > 1` excludes `dilation_rate > 1`.
        padding: `"valid"` or `"same"`.
        output_padding: None (inferred) or int or tuple of 2 ints, each less than its stride.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of 2 ints.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example:
        >>> Conv2DTranspose(8, 3, strides=2, padding="same")(ops.ones((4, 5, 5, 3))).shape
        (4, 10, 10, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            2,
            filters,
            kernel_size,
            strides,
            padding,
            output_padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            activity_regularizer,
            kernel_constraint,
            bias_constraint,
            **kwargs,
        )


class Conv3DTranspose(BaseConvTranspose):
    """Transposed 3D convolution: inputs `(batch, d1, d2, d3, channels)`.

    Kernel of shape `(*kernel_size, filters, channels)`, as Keras.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 3 ints, the window size.
        strides: int or tuple of 3 ints; `strides > 1` excludes `dilation_rate > 1`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        output_padding: None (inferred) or int or tuple of 3 ints, each less than its stride.
        dilation_rate: int or tuple of 3 ints.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example:
        >>> Conv3DTranspose(8, 3)(ops.ones((2, 3, 3, 3, 4))).shape
        (2, 5, 5, 5, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        output_padding=None,
        dilation_rate=(1, 1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            3,
            filters,
            kernel_size,
            strides,
            padding,
            output_padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            kernel_initializer,
            bias_initializer,
            kernel_regularizer,
            bias_regularizer,
            activity_regularizer,
            kernel_constraint,
            bias_constraint,
            **kwargs,
        )


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
