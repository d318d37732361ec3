"""What SimpleRNN, LSTM and GRU share: the cell's attributes seen from the layer, config."""

from __future__ import annotations

from lamina import regularizers
from lamina.layers.input_spec import InputSpec
from lamina_rnn.layers.rnn import RNN


def _cell_property(name: str) -> property:
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's `{name}`.")


class CellLayer(RNN):
    """An RNN over one built-in cell whose arguments are also the layer's.

    Subclasses list in `_cell_attributes` the cell attributes the layer exposes.
    """

    _cell_attributes: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls._cell_attributes:
            setattr(cls, name, _cell_property(name))

    def __init__(self, cell, **kwargs):
        super().__init__(cell, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, mask=mask, training=training, initial_state=initial_state)

    def get_config(self):
        base_config = super().get_config()
        del base_config["cell"]
        config = {
            **self.cell._weights_config(),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.cell.seed,
        }
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def cell_kwargs(kwargs: dict) -> dict:
    """The layer keyword arguments Keras forwards to the cell it creates."""
    return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}
