"""`BaseDepthwiseConv`: each input channel convolved with its own `depth_multiplier`
filters; kernel `(*kernel_size, channels, depth_multiplier)`, named "kernel" as Keras."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina_conv import ops as conv_ops
from lamina_conv.layers._arguments import check_positive_int
from lamina_conv.layers._shapes import channel_axis, conv_output_shape
from lamina_conv.layers.convolutional.conv_base import ConvBase


class BaseDepthwiseConv(ConvBase):
    """Shared base of DepthwiseConv1D/2D (see `ConvBase` for the window arguments).

    Args:
        rank: the number of spatial axes.
        depth_multiplier: positive int, output channels per input channel.
        depthwise_initializer, depthwise_regularizer, depthwise_constraint: for the kernel.
    """

    def __init__(
        self,
        rank,
        depth_multiplier,
        kernel_size,
        strides=1,
        padding="valid",
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
            rank,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            check_strided_dilation=False,
            **kwargs,
        )
        check_positive_int(depth_multiplier, "depth_multiplier", type(self).__name__)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)  # validates the spatial sizes
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def call(self, inputs):
        outputs = conv_ops.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        channels = input_shape[channel_axis(self.data_format)]
        filters = None if channels is None else channels * self.depth_multiplier
        return conv_output_shape(
            type(self).__name__,
            input_shape,
            filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._window_config(),
            **self._output_config(),
            **self._regularization_config("depthwise"),
        }
