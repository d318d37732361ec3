"""`ConvBase`: the arguments and steps every convolution layer shares.

Window arguments (kernel_size, strides, padding, data_format, dilation_rate), the
bias, the activation, and the `InputSpec` on the channel axis. The four families
(`BaseConv`, `BaseConvTranspose`, `BaseDepthwiseConv`, `BaseSeparableConv`) add their
kernels and the op they run.
"""

from __future__ import annotations

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina_conv.layers._arguments import standardize_padding, standardize_tuple
from lamina_conv.layers._shapes import channel_axis


class ConvBase(Layer):
    """Shared base of the convolution layers (not used directly).

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        kernel_size, strides, dilation_rate: an int or `rank` ints.
        padding: `"valid"` or `"same"` (`"causal"` where `allow_causal`).
        data_format: `"channels_last"`, `"channels_first"` or None (the configured one).
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        bias_initializer, bias_regularizer, bias_constraint: for the bias.
        activity_regularizer: a regularizer of the outputs.
        allow_causal: whether `padding="causal"` is accepted.
        check_strided_dilation: refuse `strides > 1` together with `dilation_rate > 1`.
    """

    def __init__(
        self,
        rank,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        bias_initializer="zeros",
        bias_regularizer=None,
        activity_regularizer=None,
        bias_constraint=None,
        allow_causal=False,
        check_strided_dilation=True,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        owner = type(self).__name__
        self.rank = rank
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size", owner)
        self.strides = standardize_tuple(strides, rank, "strides", owner)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate", owner)
        self.padding = standardize_padding(padding, owner, allow_causal=allow_causal)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if check_strided_dilation and max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{owner}: `strides > 1` is not supported together with "
                f"`dilation_rate > 1`. Received: strides={self.strides}, "
                f"dilation_rate={self.dilation_rate}."
            )

    def _input_channels(self, input_shape) -> int:
        """The channel count of `input_shape`; sets the InputSpec that pins it."""
        axis = channel_axis(self.data_format)
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__}: the channel dimension of the inputs must be "
                f"defined (data_format={self.data_format!r}). Received: "
                f"input_shape={tuple(input_shape)}."
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={axis: channels})
        return channels

    def _add_bias(self, units: int) -> None:
        """Create `self.bias` of shape `(units,)`, or set it to None without `use_bias`."""
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _finish(self, outputs):
        """Add the bias along the channel axis, then apply the activation."""
        if self.bias is not None:
            bias = self.bias
            if self.data_format == "channels_first":
                bias = ops.reshape(bias, (-1,) + (1,) * self.rank)
            outputs = ops.add(outputs, bias)
        if self.activation is activations.linear:
            return outputs
        return self.activation(outputs)

    def _window_config(self) -> dict:
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        }

    def _output_config(self) -> dict:
        return {
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
        }

    def _regularization_config(self, *kernels: str) -> dict:
        """The initializer, regularizer and constraint entries of the named kernels and
        the bias, in Keras's key order (initializers, regularizers, constraints)."""
        prefixes = (*kernels, "bias")
        config = {
            f"{p}_initializer": initializers.serialize(getattr(self, f"{p}_initializer"))
            for p in prefixes
        }
        for p in prefixes:
            config[f"{p}_regularizer"] = regularizers.serialize(getattr(self, f"{p}_regularizer"))
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        for p in prefixes:
            config[f"{p}_constraint"] = constraints.serialize(getattr(self, f"{p}_constraint"))
        return config
