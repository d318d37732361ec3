"""`Conv1D`, `Conv2D`, `Conv3D` (and the `Convolution*D` aliases)."""

from lamina_conv.layers.convolutional.base_conv import BaseConv


class Conv1D(BaseConv):
    """1D convolution over a temporal signal: inputs `(batch, steps, channels)`.

    `activation(conv(inputs, kernel) + bias)`, kernel of shape
    `(*kernel_size, channels // groups, filters)`.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or 1-tuple, the window size.
        strides: int or 1-tuple; `strides > 1` excludes `dilation_rate > 1`.
        padding: `"valid"`, `"same"` or `"causal"` (output[t] sees only inputs[:t + 1]).
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or 1-tuple, for dilated (atrous) convolution.
        groups: positive int dividing the input channels and `filters`.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example:
        >>> Conv1D(8, 3)(ops.ones((4, 10, 3))).shape
        (4, 8, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
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
            data_format,
            dilation_rate,
            groups,
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


class Conv2D(BaseConv):
    """2D convolution over images: inputs `(batch, rows, cols, channels)`.

    `activation(conv(inputs, kernel) + bias)`, kernel of shape
    `(*kernel_size, channels // groups, filters)`.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 2 ints, the window size.
        strides: int or tuple of 2 ints; `strides > 1` excludes `dilation_rate > 1`.
        padding: `"valid"` or `"same"` (Keras's "same": the extra row/column at the end).
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of 2 ints, for dilated (atrous) convolution.
        groups: positive int dividing the input channels and `filters`.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example:
        >>> Conv2D(8, 3)(ops.ones((4, 10, 10, 3))).shape
        (4, 8, 8, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        groups=1,
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
            data_format,
            dilation_rate,
            groups,
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


class Conv3D(BaseConv):
    """3D convolution over volumes: inputs `(batch, d1, d2, d3, channels)`.

    `activation(conv(inputs, kernel) + bias)`, kernel of shape
    `(*kernel_size, channels // groups, filters)`.

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 3 ints, the window size.
        strides: int or tuple of 3 ints; `strides > 1` excludes `dilation_rate > 1`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of 3 ints, for dilated (atrous) convolution.
        groups: positive int dividing the input channels and `filters`.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers of the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.

    Example:
        >>> Conv3D(8, 3)(ops.ones((2, 5, 5, 5, 3))).shape
        (2, 3, 3, 3, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1, 1),
        groups=1,
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
            data_format,
            dilation_rate,
            groups,
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


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
