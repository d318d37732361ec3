"""`DepthwiseConv1D`, `DepthwiseConv2D`."""

from lamina_conv.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """Depthwise 1D convolution: inputs `(batch, steps, channels)`.

    Each input channel is convolved with its own `depth_multiplier` filters; the
    outputs are concatenated (`channels * depth_multiplier` channels). Kernel of shape
    `(*kernel_size, channels, depth_multiplier)`.

    Args:
        kernel_size: int or 1-tuple, the window size.
        strides: int or 1-tuple.
        padding: `"valid"` or `"same"`.
        depth_multiplier: positive int, output channels per input channel.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or 1-tuple.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer, bias_initializer: initializers of the weights.
        depthwise_regularizer, bias_regularizer, activity_regularizer: regularizers.
        depthwise_constraint, bias_constraint: constraints.

    Example:
        >>> DepthwiseConv1D(3, depth_multiplier=2)(ops.ones((4, 10, 3))).shape
        (4, 8, 6)
    """

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            1,
            depth_multiplier,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            depthwise_initializer,
            bias_initializer,
            depthwise_regularizer,
            bias_regularizer,
            activity_regularizer,
            depthwise_constraint,
            bias_constraint,
            **kwargs,
        )


class DepthwiseConv2D(BaseDepthwiseConv):
    """Depthwise 2D convolution: inputs `(batch, rows, cols, channels)`.

    Each input channel is convolved with its own `depth_multiplier` filters; the
    outputs are concatenated (`channels * depth_multiplier` channels). Kernel of shape
    `(*kernel_size, channels, depth_multiplier)`.

    Args:
        kernel_size: int or tuple of 2 ints, the window size.
        strides: int or tuple of 2 ints.
        padding: `"valid"` or `"same"`.
        depth_multiplier: positive int, output channels per input channel.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of 2 ints.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer, bias_initializer: initializers of the weights.
        depthwise_regularizer, bias_regularizer, activity_regularizer: regularizers.
        depthwise_constraint, bias_constraint: constraints.

    Example:
        >>> DepthwiseConv2D(3, depth_multiplier=2)(ops.ones((4, 10, 10, 3))).shape
        (4, 8, 8, 6)
    """

    def __init__(
        self,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            2,
            depth_multiplier,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            depthwise_initializer,
            bias_initializer,
            depthwise_regularizer,
            bias_regularizer,
            activity_regularizer,
            depthwise_constraint,
            bias_constraint,
            **kwargs,
        )
