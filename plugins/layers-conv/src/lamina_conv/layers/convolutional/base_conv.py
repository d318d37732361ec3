"""`BaseConv`: N-D convolution (cross-correlation) with a `(*kernel_size, in // groups,
filters)` kernel, optional groups, bias and activation."""

from __future__ import annotations

from lamina import activations, constraints, initializers, ops, regularizers
from lamina_conv import ops as conv_ops
from lamina_conv.layers._arguments import check_positive_int
from lamina_conv.layers._shapes import conv_output_shape, spatial_axes
from lamina_conv.layers.convolutional.conv_base import ConvBase
from lamina_conv.ops._fused_conv import conv_bias_activation

# The stock activations `conv_bias_activation` runs fused, by identity.
_FUSED = {id(activations.relu): "relu", id(activations.linear): "linear"}


class BaseConv(ConvBase):
    """Shared base of Conv1D/2D/3D (see `ConvBase` for the window arguments).

    Args:
        rank: the number of spatial axes.
        filters: positive int, the number of output channels.
        groups: positive int dividing both the input channels and `filters`; each
            group of input channels is convolved with `filters // groups` filters.
        kernel_initializer, kernel_regularizer, kernel_constraint: for the kernel.
    """

    def __init__(
        self,
        rank,
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
        lora_rank=None,
        lora_alpha=None,
        **kwargs,
    ):
        owner = type(self).__name__
        if lora_rank:
            raise ValueError(
                f"{owner}: LoRA (`lora_rank`) is not supported by lamina. "
                f"Received: lora_rank={lora_rank}, lora_alpha={lora_alpha}."
            )
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
            allow_causal=rank == 1,
            **kwargs,
        )
        check_positive_int(filters, "filters", owner)
        check_positive_int(groups, "groups", owner)
        if filters % groups:
            raise ValueError(
                f"{owner}: the number of filters must be evenly divisible by the number "
                f"of groups. Received: filters={filters}, groups={groups}."
            )
        self.filters = filters
        self.groups = groups
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__}: the number of input channels must be evenly "
                f"divisible by the number of groups. Received: groups={self.groups}, "
                f"input_shape={tuple(input_shape)} ({channels} channels)."
            )
        self.compute_output_shape(input_shape)  # validates the spatial sizes
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs):
        padding = self.padding
        if padding == "causal":
            # Causal: pad only the start of the time axis, then a valid convolution.
            pad_width = [[0, 0] for _ in range(self.rank + 2)]
            pad_width[spatial_axes(1, self.data_format)[0]][0] = self.dilation_rate[0] * (
                self.kernel_size[0] - 1
            )
            inputs = ops.pad(inputs, pad_width)
            padding = "valid"
        window = {
            "strides": self.strides,
            "padding": padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        }
        fused = _FUSED.get(id(self.activation))
        if fused is not None:  # one primitive: conv, bias and activation in place
            return conv_bias_activation(inputs, self.kernel, self.bias, activation=fused, **window)
        return self._finish(conv_ops.conv(inputs, self.kernel, **window))

    def compute_output_shape(self, input_shape):
        return conv_output_shape(
            type(self).__name__,
            input_shape,
            self.filters,
            self.kernel_size,
            self.strides,
            self.padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._window_config(),
            "groups": self.groups,
            **self._output_config(),
            **self._regularization_config("kernel"),
        }
