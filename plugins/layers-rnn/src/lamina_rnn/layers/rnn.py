"""`RNN`: runs any recurrent cell over the time axis of a sequence."""

from __future__ import annotations

import inspect

from lamina import ops
from lamina.autodiff import Variable
from lamina.layers.layer import Layer, no_automatic_dependency_tracking
from lamina_rnn.layers._nest import flatten, is_nested, map_structure
from lamina_rnn.layers.dropout_rnn_cell import DropoutRNNCell
from lamina_rnn.layers.stacked_rnn_cells import StackedRNNCells

__all__ = ["RNN"]


def _step_mask(mask_t, like):
    """A `(batch,)` boolean mask shaped to broadcast against `like` (batch first)."""
    return ops.reshape(mask_t, (-1,) + (1,) * (len(like.shape) - 1))


class RNN(Layer):
    """Base class for recurrent layers: applies `cell` to each time step of the input.

    Args:
        cell: an RNN cell (a layer whose `call(inputs, states)` returns
            `(output, new_states)` and that has a `state_size` attribute, and optionally
            `output_size` and `get_initial_state(batch_size)`), or a list of cells,
            stacked with `StackedRNNCells`.
        return_sequences: return the output of every step (`(batch, timesteps, units)`)
            instead of only the last one.
        return_state: also return the final states.
        go_backwards: process the sequence backwards; the returned sequence is in
            processing order (reversed).
        stateful: reuse the final states of a batch as the initial states of the next
            one (needs a fixed batch size); `reset_state()` sets them back to zeros.
        unroll: accepted for Keras's signature; lamina always runs an eager loop, which
            gives the same numbers.
        zero_output_for_mask: output zeros at masked steps instead of carrying the
            previous output.

    Call arguments:
        sequences: `(batch, timesteps, ...)` tensor.
        initial_state: list of initial state tensors (default: the cell's zeros).
        mask: `(batch, timesteps)` boolean tensor; False steps are skipped (states
            carried over unchanged).
        training: passed to the cell (dropout).

    Example:
        >>> layer = RNN(SimpleRNNCell(4), return_sequences=True)
        >>> layer(ops.ones((2, 5, 3))).shape
        (2, 5, 4)
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(
                f"RNN: argument `cell` should have a `call` method. Received: cell={cell}"
            )
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                "RNN: the cell should have a `state_size` attribute (an integer, or a "
                f"list of integers, one per state tensor). Received: cell={cell}"
            )
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "RNN: the cell's `state_size` must be an integer or a list/tuple of "
                f"integers (one per state tensor). Received: state_size={state_size!r}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        self.states = None
        self._expected_batch_size = None
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch_size, size))
            else:
                states_shape.append([(batch_size, s) for s in size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise ValueError(
                f"RNN: the cell's `output_size` must be an integer. Received: {output_size!r}"
            )
        if self.return_sequences:
            output_shape = (batch_size, length, output_size)
        else:
            output_shape = (batch_size, output_size)
        if self.return_state:
            return output_shape, *states_shape
        return output_shape

    def compute_mask(self, _, mask):
        mask = flatten(mask)[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    def build(self, sequences_shape, initial_state_shape=None):
        step_input_shape = (sequences_shape[0], *sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_input_shape)
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        f"{type(self).__name__}: with `stateful=True` the batch size must be "
                        f"static. Found a dynamic batch size: sequences.shape={sequences_shape}."
                        " Hint: give the Input a `batch_shape`."
                    )
                self._create_state_variables(sequences_shape[0])
                self._expected_batch_size = sequences_shape[0]

    @no_automatic_dependency_tracking
    def _create_state_variables(self, batch_size):
        self.states = map_structure(
            lambda value: Variable(
                value, trainable=False, dtype=self.variable_dtype, name="rnn_state"
            ),
            self.get_initial_state(batch_size),
        )

    def get_initial_state(self, batch_size):
        """The cell's initial states for `batch_size` samples, as a list."""
        get_initial_state_fn = getattr(self.cell, "get_initial_state", None)
        if get_initial_state_fn is None:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            return [ops.zeros((batch_size, d), dtype=dtype) for d in self.state_size]
        init_state = get_initial_state_fn(batch_size=batch_size)
        return list(init_state) if is_nested(init_state) else [init_state]

    def reset_states(self):
        """Alias of `reset_state` (Keras 2 name)."""
        self.reset_state()

    def reset_state(self):
        """Set the states of a stateful layer back to zeros."""
        if self.states is not None:
            for v in flatten(self.states):
                v.assign(ops.zeros_like(v.value))

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Run the cell over time: returns `(last_output, outputs, final_states)`.

        `outputs` is the stacked sequence when `return_sequences`, else the last output.
        """
        cell_kwargs = {}
        if isinstance(self.cell, Layer) and _accepts_training(self.cell):
            cell_kwargs["training"] = training
        timesteps = sequences.shape[1]
        steps = range(timesteps - 1, -1, -1) if self.go_backwards else range(timesteps)
        states = initial_state
        outputs = []
        for t in steps:
            output, new_states = self.cell(sequences[:, t], states, **cell_kwargs)
            if not is_nested(new_states):
                new_states = [new_states]
            if mask is not None:
                output, new_states = self._apply_step_mask(mask[:, t], output, states, new_states)
            states = list(new_states)
            outputs.append(output)
        if not outputs:
            raise ValueError(
                f"{type(self).__name__}: the input sequence has no time steps. Received: "
                f"sequences.shape={tuple(sequences.shape)}"
            )
        last_output = outputs[-1]
        stacked = ops.stack(outputs, axis=1) if self.return_sequences else last_output
        return last_output, stacked, states

    def _apply_step_mask(self, mask_t, output, states, new_states):
        """Keras's masked step: states carried over; output zeros or the previous output."""
        m = _step_mask(mask_t, output)
        if self.zero_output_for_mask:
            output = ops.where(m, output, ops.zeros_like(output))
        else:
            previous = states[-1][0] if is_nested(states[0]) else states[0]
            output = ops.where(m, output, previous)
        new_states = map_structure(
            lambda s, ns: ops.where(_step_mask(mask_t, ns), ns, s), list(states), list(new_states)
        )
        return output, new_states

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if initial_state is None:
            if self.stateful:
                initial_state = self.states
            else:
                initial_state = self.get_initial_state(batch_size=sequences.shape[0])
        if self.stateful:
            actual = sequences.shape[0]
            if self._expected_batch_size is not None and actual != self._expected_batch_size:
                raise ValueError(
                    f"{type(self).__name__}: a stateful RNN needs input sequences with the "
                    f"batch size of its states. Expected batch size: "
                    f"{self._expected_batch_size}; received: {actual}. Hint: pass "
                    "`batch_size` to fit/predict, or call reset_state() after rebuilding."
                )
        initial_state = list(initial_state) if is_nested(initial_state) else [initial_state]
        if len(flatten(initial_state)) != len(flatten(self.state_size)):
            raise ValueError(
                f"{type(self).__name__}: expected {len(flatten(self.state_size))} initial "
                f"state tensor(s) (state_size={self.state_size}), received "
                f"{len(flatten(initial_state))}."
            )
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        initial_state = map_structure(
            lambda x: ops.convert_to_tensor(x, dtype=dtype), initial_state
        )
        if is_nested(mask):
            mask = mask[0]
        if mask is not None:
            mask = ops.cast(mask, "bool")
        last_output, outputs, states = self.inner_loop(
            sequences=sequences, initial_state=initial_state, mask=mask, training=training
        )
        self._maybe_reset_dropout_masks(self.cell)
        last_output = ops.cast(last_output, self.compute_dtype)
        outputs = ops.cast(outputs, self.compute_dtype)
        states = map_structure(lambda x: ops.cast(x, self.compute_dtype), states)
        if self.stateful:
            for variable, state in zip(flatten(self.states), flatten(states)):
                variable.assign(state)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return output, *states
        return output

    def _maybe_reset_dropout_masks(self, cell):
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        if isinstance(cell, StackedRNNCells):
            for c in cell.cells:
                self._maybe_reset_dropout_masks(c)

    def get_config(self):
        from lamina.saving import serialize_keras_object

        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving import deserialize_keras_object

        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


def _accepts_training(cell) -> bool:
    return "training" in inspect.signature(cell.call).parameters
