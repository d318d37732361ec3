"""`LSTMCell` and `LSTM`: long short-term memory (Hochreiter 1997), Keras's gate order."""

from __future__ import annotations

from lamina import initializers, ops
from lamina_rnn.layers._cell_base import GatedCellBase, weight_args
from lamina_rnn.layers._fused import can_fuse, dropped_sequences
from lamina_rnn.layers._recurrent_layer import CellLayer, cell_kwargs
from lamina_rnn.ops.lstm_sequence import lstm_sequence

__all__ = ["LSTM", "LSTMCell"]


class LSTMCell(GatedCellBase):
    """Cell of `LSTM`. Gates in the kernels' columns: input, forget, cell, output.

    Args:
        units: positive int, dimensionality of the output space.
        activation: activation of the cell candidate and output (default tanh).
        recurrent_activation: activation of the gates (default sigmoid).
        use_bias: whether to add a bias vector `(4 * units,)`.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        unit_forget_bias: add 1 to the forget gate's bias at initialization.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout, recurrent_dropout: fractions of inputs / recurrent state to drop.
        seed: random seed for dropout.

    Example:
        >>> RNN(LSTMCell(4))(ops.ones((2, 5, 3))).shape
        (2, 4)
    """

    _gates = 4

    def __init__(
        self,
        units,
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
            self.dropout_mask_count = 4
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, base = self.units, self.bias_initializer

        def bias_initializer(_, *args, **kwargs):
            return ops.concatenate(
                [
                    base((units,), *args, **kwargs),
                    initializers.get("ones")((units,), *args, **kwargs),
                    base((units * 2,), *args, **kwargs),
                ]
            )

        return bias_initializer

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        if self.implementation == 1:
            z = self._split_projections(inputs, h_tm1, training)
        else:
            if training and 0.0 < self.dropout < 1.0:
                inputs = inputs * self.get_dropout_mask(inputs)
            z = ops.matmul(inputs, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)
            if self.use_bias:
                z = z + self.bias
            z = ops.split(z, 4, axis=1)
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = f * c_tm1 + i * self.activation(z[2])
        o = self.recurrent_activation(z[3])
        h = o * self.activation(c)
        return h, [h, c]

    def _split_projections(self, inputs, h_tm1, training):
        """Keras's implementation 1: one matmul per gate, each with its own dropout mask."""
        if training and 0.0 < self.dropout < 1.0:
            xs = [inputs * m for m in self.get_dropout_mask(inputs)]
        else:
            xs = [inputs] * 4
        if training and 0.0 < self.recurrent_dropout < 1.0:
            hs = [h_tm1 * m for m in self.get_recurrent_dropout_mask(h_tm1)]
        else:
            hs = [h_tm1] * 4
        kernels = ops.split(self.kernel, 4, axis=1)
        recurrent = ops.split(self.recurrent_kernel, 4, axis=1)
        biases = ops.split(self.bias, 4, axis=0) if self.use_bias else [None] * 4
        z = []
        for x, k, h, r, b in zip(xs, kernels, hs, recurrent, biases):
            x = ops.matmul(x, k)
            if b is not None:
                x = x + b
            z.append(x + ops.matmul(h, r))
        return z

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]


class LSTM(CellLayer):
    """Long Short-Term Memory layer.

    With the default activations and no recurrent dropout the whole sequence runs as
    one fused primitive (one input GEMM, one recurrent GEMM per step, hand-written
    backward through time); otherwise `LSTMCell` is stepped through time.

    Args:
        units: positive int, dimensionality of the output space.
        activation, recurrent_activation, use_bias, initializers, unit_forget_bias,
            regularizers, constraints, dropout, recurrent_dropout, seed: those of
            `LSTMCell`.
        activity_regularizer: regularizer of the layer's output.
        return_sequences, return_state, go_backwards, stateful, unroll: see `RNN`.
        use_cudnn: accepted for Keras's signature ("auto", True or False); lamina has no
            cuDNN path, so True raises.

    Example:
        >>> out, h, c = LSTM(4, return_sequences=True, return_state=True)(ops.ones((2, 5, 3)))
        >>> out.shape, h.shape, c.shape
        ((2, 5, 4), (2, 4), (2, 4))
    """

    _cell_attributes = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "unit_forget_bias",
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
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
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
        use_cudnn="auto",
        **kwargs,
    ):
        check_use_cudnn("LSTM", use_cudnn)
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            unit_forget_bias=unit_forget_bias,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            name="lstm_cell",
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
        outputs, h, c = lstm_sequence(
            dropped_sequences(self.cell, sequences, training),
            initial_state[0],
            initial_state[1],
            self.cell.kernel,
            self.cell.recurrent_kernel,
            self.cell.bias,
            mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
        )
        return h, outputs, [h, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


def check_use_cudnn(layer: str, use_cudnn) -> None:
    """Keras's `use_cudnn` values; True cannot be honoured (no cuDNN in lamina)."""
    if use_cudnn not in ("auto", True, False):
        raise ValueError(
            f"{layer}: invalid value for argument `use_cudnn`. Expected one of "
            f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn!r}"
        )
    if use_cudnn is True:
        raise ValueError(
            f"{layer}: use_cudnn=True was specified, but lamina has no cuDNN "
            "implementation. Pass use_cudnn='auto' (the fused lamina kernel is used "
            "when the configuration allows it)."
        )
