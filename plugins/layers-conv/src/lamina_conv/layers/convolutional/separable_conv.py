"""`SeparableConv1D`, `SeparableConv2D` (and the `SeparableConvolution*D` aliases)."""

from lamina_conv.layers.convolutional.base_separable_conv import BaseSeparableConv


class SeparableConv1D(BaseSeparableConv):
    """Depthwise-separable 1D convolution: inputs `(batch, steps, channels)`.

    A depthwise convolution (kernel `(*kernel_size, channels, depth_multiplier)`)
    followed by a pointwise one (kernel `(1, channels * depth_multiplier, filters)`).

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or 1-tuple, the depthwise window size.
        strides: int or 1-tuple.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or 1-tuple.
        depth_multiplier: positive int, depthwise output channels per input channel.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
            activity_regularizer: regularizers.
        depthwise_constraint, pointwise_constraint, bias_constraint: constraints.

    Example:
        >>> SeparableConv1D(8, 3)(ops.ones((4, 10, 3))).shape
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
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            1,
            depth_multiplier,
            filters,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            depthwise_initializer,
            pointwise_initializer,
            bias_initializer,
            depthwise_regularizer,
            pointwise_regularizer,
            bias_regularizer,
            activity_regularizer,
            depthwise_constraint,
            pointwise_constraint,
            bias_constraint,
            **kwargs,
        )


class SeparableConv2D(BaseSeparableConv):
    """Depthwise-separable 2D convolution: inputs `(batch, rows, cols, channels)`.

    A depthwise convolution (kernel `(*kernel_size, channels, depth_multiplier)`)
    followed by a pointwise one (kernel `(1, 1, channels * depth_multiplier, filters)`).

    Args:
        filters: positive int, the number of output channels.
        kernel_size: int or tuple of 2 ints, the depthwise window size.
        strides: int or tuple of 2 ints.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of 2 ints.
        depth_multiplier: positive int, depthwise output channels per input channel.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer, pointwise_initializer, bias_initializer: initializers.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer,
            activity_regularizer: regularizers.
        depthwise_constraint, pointwise_constraint, bias_constraint: constraints.

    Example:
        >>> SeparableConv2D(8, 3)(ops.ones((4, 10, 10, 3))).shape
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
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(
            2,
            depth_multiplier,
            filters,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            activation,
            use_bias,
            depthwise_initializer,
            pointwise_initializer,
            bias_initializer,
            depthwise_regularizer,
            pointwise_regularizer,
            bias_regularizer,
            activity_regularizer,
            depthwise_constraint,
            pointwise_constraint,
            bias_constraint,
            **kwargs,
        )


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
