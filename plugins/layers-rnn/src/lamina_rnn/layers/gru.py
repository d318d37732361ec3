"""`GRUCell` and `GRU`: gated recurrent unit (Cho et al. 2014), Keras's gate order."""

from __future__ import annotations

from lamina import ops
from lamina_rnn.layers._cell_base import GatedCellBase, weight_args
from lamina_rnn.layers._fused import can_fuse, dropped_sequences
from lamina_rnn.layers._nest import is_nested
from lamina_rnn.layers._recurrent_layer import CellLayer, cell_kwargs
from lamina_rnn.layers.lstm import check_use_cudnn
from lamina_rnn.ops.gru_sequence import gru_sequence

__all__ = ["GRU", "GRUCell"]


class GRUCell(GatedCellBase):
    """Cell of `GRU`. Gates in the kernels' columns: update (z), reset (r), candidate (h).

    Args:
        units: positive int, dimensionality of the output space.
        activation: activation of the candidate (default tanh).
        recurrent_activation: activation of the gates (default sigmoid).
        use_bias: whether to add biases: `(2, 3 * units)` (input and recurrent) when
            `reset_after`, else `(3 * units,)`.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout, recurrent_dropout: fractions of inputs / recurrent state to drop.
        reset_after: apply the reset gate after the recurrent matmul (True, Keras's
            and cuDNN's convention) or before it (False).
        seed: random seed for dropout.

    Example:
        >>> RNN(GRUCell(4))(ops.ones((2, 5, 3))).shape
        (2, 4)
    """

    _gates = 3

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        reset_after=True,
        seed=None,
        **kwargs,
    ):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(
            units,
            activation,
            recurrent_activation,
            use_bias,
            weight_args(locals()),
            dropout,
            recurrent_dropout,
            seed,
            **kwargs,
        )
        self.implementation = 1 if self.recurrent_dropout != 0.0 else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.reset_after = reset_after
        self.state_size = self.units
        self.output_size = self.units

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        h_tm1 = states[0] if is_nested(states) else states
        units = self.units
        input_bias, recurrent_bias = None, None
        if self.use_bias:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias = self.bias
        xs, hs = self._dropped(inputs, h_tm1, training)
        kernels = ops.split(self.kernel, 3, axis=1)
        recurrent = ops.split(self.recurrent_kernel, 3, axis=1)
        x_z, x_r, x_h = (ops.matmul(x, k) for x, k in zip(xs, kernels))
        if input_bias is not None:
            x_z, x_r, x_h = (x + b for x, b in zip((x_z, x_r, x_h), ops.split(input_bias, 3)))
        rec_z = ops.matmul(hs[0], recurrent[0])
        rec_r = ops.matmul(hs[1], recurrent[1])
        if recurrent_bias is not None:
            rec_z = rec_z + recurrent_bias[:units]
            rec_r = rec_r + recurrent_bias[units : 2 * units]
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            rec_h = ops.matmul(hs[2], recurrent[2])
            if recurrent_bias is not None:
                rec_h = rec_h + recurrent_bias[2 * units :]
            rec_h = r * rec_h
        else:
            rec_h = ops.matmul(r * hs[2], recurrent[2])
        hh = self.activation(x_h + rec_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if is_nested(states) else h)

    def _dropped(self, inputs, h_tm1, training):
        """The inputs and previous state seen by each gate, after dropout."""
        if self.implementation == 1:
            xs, hs = [inputs] * 3, [h_tm1] * 3
            if training and 0.0 < self.dropout < 1.0:
                xs = [inputs * m for m in self.get_dropout_mask(inputs)]
            if training and 0.0 < self.recurrent_dropout < 1.0:
                hs = [h_tm1 * m for m in self.get_recurrent_dropout_mask(h_tm1)]
            return xs, hs
        if training and 0.0 < self.dropout < 1.0:
            inputs = inputs * self.get_dropout_mask(inputs)
        return [inputs] * 3, [h_tm1] * 3

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]


class GRU(CellLayer):
    """Gated Recurrent Unit layer.

    With the default activations and no recurrent dropout the whole sequence runs as
    one fused primitive; otherwise `GRUCell` is stepped through time.

    Args:
        units: positive int, dimensionality of the output space.
        activation, recurrent_activation, use_bias, initializers, regularizers,
            constraints, dropout, recurrent_dropout, seed, reset_after: those of
            `GRUCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: see `RNN`.
        use_cudnn: accepted for Keras's signature; True raises (no cuDNN in lamina).

    Example:
        >>> GRU(4, return_sequences=True)(ops.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    _cell_attributes = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "kernel_constraint",
        "recurrent_constraint",
        "bias_constraint",
        "dropout",
        "recurrent_dropout",
        "reset_after",
    )

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        reset_after=True,
        use_cudnn="auto",
        **kwargs,
    ):
        check_use_cudnn("GRU", use_cudnn)
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            reset_after=reset_after,
            seed=seed,
            name="gru_cell",
            implementation=kwargs.pop("implementation", 2),
            **weight_args(locals()),
            **cell_kwargs(kwargs),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.use_cudnn = use_cudnn

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if not can_fuse(self, mask):
            return super().inner_loop(sequences, initial_state, mask, training=training)
        outputs, h = gru_sequence(
            dropped_sequences(self.cell, sequences, training),
            initial_state[0],
            self.cell.kernel,
            self.cell.recurrent_kernel,
            self.cell.bias,
            mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            reset_after=self.reset_after,
        )
        return h, outputs, [h]

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}
