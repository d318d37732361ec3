"""`SimpleRNNCell` and `SimpleRNN`: the fully connected recurrent layer."""

from __future__ import annotations

from lamina import ops
from lamina_rnn.layers._cell_base import GatedCellBase, weight_args
from lamina_rnn.layers._nest import is_nested
from lamina_rnn.layers._recurrent_layer import CellLayer, cell_kwargs

__all__ = ["SimpleRNN", "SimpleRNNCell"]


class SimpleRNNCell(GatedCellBase):
    """Cell of `SimpleRNN`: `output = activation(x @ kernel + h @ recurrent_kernel + bias)`.

    Args:
        units: positive int, dimensionality of the output space.
        activation: activation function (default tanh; None means linear).
        use_bias: whether to add a bias vector.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs to drop (same mask at every step).
        recurrent_dropout: fraction of the recurrent state to drop.
        seed: random seed for dropout.

    Example:
        >>> RNN(SimpleRNNCell(4))(ops.ones((2, 5, 3))).shape
        (2, 4)
    """

    _has_recurrent_activation = False

    def __init__(
        self,
        units,
        activation="tanh",
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
        seed=None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation,
            None,
            use_bias,
            weight_args(locals()),
            dropout,
            recurrent_dropout,
            seed,
            **kwargs,
        )
        self.state_size = self.units
        self.output_size = self.units

    def call(self, sequence, states, training=False):
        prev_output = states[0] if is_nested(states) else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_dp_mask = self.get_recurrent_dropout_mask(prev_output)
        if training and dp_mask is not None:
            sequence = sequence * dp_mask
        h = ops.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        if training and rec_dp_mask is not None:
            prev_output = prev_output * rec_dp_mask
        output = h + ops.matmul(prev_output, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, ([output] if is_nested(states) else output)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]


class SimpleRNN(CellLayer):
    """Fully connected RNN where the output is fed back as the next input.

    Args:
        units: positive int, dimensionality of the output space.
        activation, use_bias, initializers, regularizers, constraints, dropout,
            recurrent_dropout, seed: those of `SimpleRNNCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: see `RNN`.

    Example:
        >>> SimpleRNN(4, return_sequences=True)(ops.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    _cell_attributes = (
        "units",
        "activation",
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
    )

    def __init__(
        self,
        units,
        activation="tanh",
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
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        seed=None,
        **kwargs,
    ):
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            name="simple_rnn_cell",
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
