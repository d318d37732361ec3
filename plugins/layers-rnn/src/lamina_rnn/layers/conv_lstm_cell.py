"""`ConvLSTMCell`: one step of a convolutional LSTM (gates i, f, c, o as in Keras)."""

from __future__ import annotations

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina.random import SeedGenerator
from lamina_rnn.layers.conv_arguments import (
    conv_output_length,
    standardize_padding,
    standardize_tuple,
)
from lamina_rnn.layers.dropout_rnn_cell import DropoutRNNCell

__all__ = ["ConvLSTMCell"]


class ConvLSTMCell(Layer, DropoutRNNCell):
    """Cell of the ConvLSTM layers: LSTM gates computed by convolutions.

    The kernel `(*kernel_size, channels, 4 * filters)` and the recurrent kernel
    `(*kernel_size, filters, 4 * filters)` hold the gates in Keras's order i, f, c, o.
    The recurrent convolution always has stride 1 and "same" padding.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or `rank` ints.
        strides: an int or `rank` ints (not with `dilation_rate` > 1).
        padding: "valid" or "same" (case-insensitive).
        data_format: "channels_last" or "channels_first"; None uses
            `lamina.config.image_data_format()`.
        dilation_rate: an int or `rank` ints.
        activation: the cell and output activation (default tanh).
        recurrent_activation: the gates' activation (default sigmoid).
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        unit_forget_bias: add 1 to the forget gate's bias at initialization.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped (one mask per gate, per sequence).
        recurrent_dropout: fraction of the recurrent state dropped.
        seed: the dropout seed.

    Example:
        >>> cell = ConvLSTMCell(rank=2, filters=4, kernel_size=3, padding="same")
        >>> layer = lamina.layers.RNN(cell)
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
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if rank not in (1, 2, 3):
            raise ValueError(
                f"{owner}: rank {rank} convolutions are not implemented; expected 1, 2 or 3. "
                f"Received: rank={rank}"
            )
        if not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0:
            raise ValueError(
                f"{owner}: `filters` must be a positive integer. Received: filters={filters!r}"
            )
        self.seed = seed
        self.seed_generator = SeedGenerator(seed=seed)
        self.rank = rank
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size", owner)
        self.strides = standardize_tuple(strides, rank, "strides", owner, allow_zero=True)
        self.padding = standardize_padding(padding, owner)
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate", owner)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please "
                "provide `strides=1` or `dilation_rate=1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.dropout_mask_count = 4
        self.input_spec = InputSpec(ndim=rank + 2)
        # Two states (h, c) whose shapes depend on the input's spatial shape, so their sizes
        # are "custom" (-1, as Keras) and get_initial_state makes them. Keras stores a bare
        # -1; the list tells lamina's RNN how many state tensors to expect.
        self.state_size = [-1, -1]

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        if self.data_format == "channels_first":
            channel_axis, self.spatial_dims = 1, inputs_shape[2:]
        else:
            channel_axis, self.spatial_dims = -1, inputs_shape[1:-1]
        if None in self.spatial_dims:
            raise ValueError(
                "ConvLSTM layers only support static input shapes for the spatial dimension. "
                f"Received invalid input shape: input_shape={inputs_shape}"
            )
        if inputs_shape[channel_axis] is None:
            raise ValueError(
                "The channel dimension of the inputs (last axis) should be defined. Found "
                f"None. Full input shape received: input_shape={inputs_shape}"
            )
        self.input_spec = InputSpec(ndim=self.rank + 3, shape=(None, *inputs_shape[1:]))
        self.input_dim = inputs_shape[channel_axis]
        self.kernel_shape = (*self.kernel_size, self.input_dim, self.filters * 4)
        self.kernel = self.add_weight(
            shape=self.kernel_shape,
            initializer=self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(*self.kernel_size, self.filters, self.filters * 4),
            initializer=self.recurrent_initializer,
            name="recurrent_kernel",
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.filters * 4,),
                name="bias",
                initializer=self._forget_bias_initializer
                if self.unit_forget_bias
                else self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _forget_bias_initializer(self, shape, dtype=None):
        """`bias_initializer`, with ones for the forget gate (`unit_forget_bias`)."""
        filters = self.filters
        return ops.concatenate(
            [
                self.bias_initializer((filters,), dtype=dtype),
                initializers.get("ones")((filters,), dtype=dtype),
                self.bias_initializer((filters * 2,), dtype=dtype),
            ]
        )

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        x_i, x_f, x_c, x_o = self._gate_convs(
            inputs,
            self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None,
            self.kernel,
            self.bias,
            self.strides,
            self.padding,
            self.dilation_rate,
        )
        h_i, h_f, h_c, h_o = self._gate_convs(
            h_tm1,
            self.get_recurrent_dropout_mask(h_tm1)
            if training and 0.0 < self.recurrent_dropout < 1.0
            else None,
            self.recurrent_kernel,
            None,
            1,
            "same",
            1,
        )
        i = self.recurrent_activation(x_i + h_i)
        f = self.recurrent_activation(x_f + h_f)
        c = f * c_tm1 + i * self.activation(x_c + h_c)
        o = self.recurrent_activation(x_o + h_o)
        h = o * self.activation(c)
        return h, [h, c]

    def _gate_convs(self, x, dropout_masks, kernel, bias, strides, padding, dilation_rate):
        """The four gates' convolutions of `x` (i, f, c, o), with bias when given."""
        channel_axis = -1 if self.data_format == "channels_last" else 1

        def conv(inputs, weights):
            return ops.conv(
                inputs,
                weights,
                strides=strides,
                padding=padding,
                data_format=self.data_format,
                dilation_rate=dilation_rate,
            )

        if dropout_masks is None:
            # The four gates see the same input: one convolution with all 4 * filters.
            gates = ops.split(conv(x, kernel), 4, axis=channel_axis)
        else:
            kernels = ops.split(kernel, 4, axis=self.rank + 1)
            gates = [conv(x * m, k) for m, k in zip(dropout_masks, kernels)]
        if bias is None:
            return gates
        bias_shape = (
            (1,) * (self.rank + 1) + (self.filters,)
            if self.data_format == "channels_last"
            else (1, self.filters) + (1,) * self.rank
        )
        return [g + ops.reshape(b, bias_shape) for g, b in zip(gates, ops.split(bias, 4))]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        spatial = inputs_shape[2:] if self.data_format == "channels_first" else inputs_shape[1:-1]
        out_spatial = tuple(
            conv_output_length(n, k, s, self.padding, d)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )
        if self.data_format == "channels_first":
            shape = (inputs_shape[0], self.filters, *out_spatial)
        else:
            shape = (inputs_shape[0], *out_spatial, self.filters)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        """Zero `h` and `c` of the shape of one step's output."""
        if self.data_format == "channels_last":
            input_shape = (batch_size, *self.spatial_dims, self.input_dim)
        else:
            input_shape = (batch_size, self.input_dim, *self.spatial_dims)
        state_shape = self.compute_output_shape(input_shape)[0]
        return [
            ops.zeros(state_shape, dtype=self.compute_dtype),
            ops.zeros(state_shape, dtype=self.compute_dtype),
        ]

    def get_config(self):
        config = {
            "rank": self.rank,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
