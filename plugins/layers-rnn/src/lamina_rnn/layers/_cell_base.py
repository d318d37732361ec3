"""What SimpleRNNCell, LSTMCell and GRUCell share: arguments, weights and config."""

from __future__ import annotations

from lamina import activations, constraints, initializers, random, regularizers
from lamina.layers.layer import Layer
from lamina_rnn.layers.dropout_rnn_cell import DropoutRNNCell

_WEIGHT_ARGS = (
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
)
_GETTERS = {"initializer": initializers, "regularizer": regularizers, "constraint": constraints}


def _module_of(arg: str):
    return _GETTERS[arg.rsplit("_", 1)[1]]


class GatedCellBase(Layer, DropoutRNNCell):
    """A cell with `kernel (input_dim, gates*units)`, `recurrent_kernel` and `bias`.

    Subclasses set `_gates` and implement `call`; they may override `_bias_shape` and
    `_bias_initializer`.
    """

    _gates = 1
    _has_recurrent_activation = True

    def __init__(
        self,
        units,
        activation,
        recurrent_activation,
        use_bias,
        weight_args,
        dropout,
        recurrent_dropout,
        seed,
        **kwargs,
    ):
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"{type(self).__name__}: received an invalid value for argument `units`, "
                f"expected a positive integer, got {units!r}."
            )
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        if self._has_recurrent_activation:
            self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        for arg in _WEIGHT_ARGS:
            setattr(self, arg, _module_of(arg).get(weight_args[arg]))
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed=seed)

    def _bias_shape(self):
        return (self.units * self._gates,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        gates_units = self.units * self._gates
        self.kernel = self.add_weight(
            shape=(input_shape[-1], gates_units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, gates_units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(),
                name="bias",
                initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None

    def _weights_config(self) -> dict:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
        }
        if self._has_recurrent_activation:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        config["use_bias"] = self.use_bias
        for arg in _WEIGHT_ARGS:
            config[arg] = _module_of(arg).serialize(getattr(self, arg))
        return config

    def get_config(self):
        config = {
            **self._weights_config(),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


def weight_args(local_vars: dict) -> dict:
    """The initializer/regularizer/constraint arguments out of a constructor's locals()."""
    return {arg: local_vars[arg] for arg in _WEIGHT_ARGS}
