"""`StackedRNNCells`: several recurrent cells run as one, each feeding the next."""

from __future__ import annotations

import inspect

from lamina import ops
from lamina.layers.layer import Layer
from lamina_rnn.layers._nest import flatten, is_nested

__all__ = ["StackedRNNCells"]


def _cell_output_size(cell) -> int:
    if getattr(cell, "output_size", None) is not None:
        return cell.output_size
    if isinstance(cell.state_size, (list, tuple)):
        return cell.state_size[0]
    return cell.state_size


class StackedRNNCells(Layer):
    """Wrapper allowing a stack of RNN cells to behave as a single cell.

    Args:
        cells: list of RNN cells; the output of each is the input of the next.

    Example:
        >>> cells = [LSTMCell(8), LSTMCell(4)]
        >>> RNN(StackedRNNCells(cells))(ops.ones((2, 5, 3))).shape
        (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(
                    "StackedRNNCells: all cells must have a `call` method. "
                    f"Received cell without a `call` method: {cell}"
                )
            if getattr(cell, "state_size", None) is None:
                raise ValueError(
                    "StackedRNNCells: all cells must have a `state_size` attribute. "
                    f"Received cell without a `state_size`: {cell}"
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return _cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        initial_states = []
        for cell in self.cells:
            get_initial_state_fn = getattr(cell, "get_initial_state", None)
            if get_initial_state_fn is not None:
                initial_states.append(get_initial_state_fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                initial_states.append(
                    ops.zeros((batch_size, cell.state_size), dtype=self.compute_dtype)
                )
            else:
                initial_states.append(
                    [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in cell.state_size]
                )
        return initial_states

    def call(self, inputs, states, training=False, **kwargs):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            state_is_list = is_nested(cell_states)
            cell_states = list(cell_states) if state_is_list else [cell_states]
            call_kwargs = dict(kwargs)
            if "training" in inspect.signature(cell.call).parameters:
                call_kwargs["training"] = training
            inputs, cell_states = cell(inputs, cell_states, **call_kwargs)
            cell_states = flatten(cell_states) if is_nested(cell_states) else [cell_states]
            if len(cell_states) == 1 and not state_is_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        return inputs, new_states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
            input_shape = (flatten(input_shape)[0], _cell_output_size(cell))

    def get_config(self):
        from lamina.saving import serialize_keras_object

        cells = [serialize_keras_object(cell) for cell in self.cells]
        return {**super().get_config(), "cells": cells}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving import deserialize_keras_object

        config = dict(config)
        cells = [
            deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")
        ]
        return cls(cells, **config)
