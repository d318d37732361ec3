"""`BaseConvTranspose`: N-D transposed convolution with a `(*kernel_size, filters, in)`
kernel (the gradient of a convolution with respect to its input)."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina_conv import ops as conv_ops
from lamina_conv.layers._arguments import check_positive_int, standardize_tuple
from lamina_conv.layers._shapes import conv_transpose_output_shape
from lamina_conv.layers.convolutional.conv_base import ConvBase


class BaseConvTranspose(ConvBase):
    """Shared base of Conv1D/2D/3DTranspose (see `ConvBase` for the window arguments).

    Args:
        rank: the number of spatial axes.
        filters: positive int, the number of output channels.
        output_padding: None (inferred) or an int / `rank` ints, each strictly less
            than the stride: extra rows at the end of the output.
        kernel_initializer, kernel_regularizer, kernel_constraint: for the kernel.
    """

    def __init__(
        self,
        rank,
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
            **kwargs,
        )
        owner = type(self).__name__
        check_positive_int(filters, "filters", owner)
        self.filters = filters
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = standardize_tuple(
                output_padding, rank, "output_padding", owner, allow_zero=True
            )
            for axis, (pad, stride) in enumerate(zip(self.output_padding, self.strides)):
                if pad >= stride:
                    raise ValueError(
                        f"{owner}: each value of `output_padding` must be strictly less "
                        f"than the matching stride; at axis {axis} it is {pad} for a "
                        f"stride of {stride}. Received: output_padding="
                        f"{self.output_padding}, strides={self.strides}."
                    )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, self.filters, channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs):
        outputs = conv_ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        return conv_transpose_output_shape(
            input_shape,
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.output_padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self):
        window = self._window_config()
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": window.pop("kernel_size"),
            "strides": window.pop("strides"),
            "padding": window.pop("padding"),
            "output_padding": self.output_padding,
            **window,
            **self._output_config(),
            **self._regularization_config("kernel"),
        }
