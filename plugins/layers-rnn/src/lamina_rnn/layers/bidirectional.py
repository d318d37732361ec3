"""`Bidirectional`: runs a recurrent layer forwards and backwards and merges the two."""

from __future__ import annotations

import copy

from lamina import ops
from lamina.layers import Layer
from lamina.layers.layer import call_accepts
from lamina.saving import deserialize_keras_object, serialize_keras_object

__all__ = ["Bidirectional"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)
# What Bidirectional needs of a wrapped layer (RNN layers have all of them).
_REQUIRED_ATTRIBUTES = ("go_backwards", "return_sequences", "return_state", "stateful")
_COMMON_ATTRIBUTES = ("stateful", "return_sequences", "return_state")


def _merge(merge_mode, y, y_rev):
    if merge_mode == "concat":
        return ops.concatenate([y, y_rev], axis=-1)
    if merge_mode == "sum":
        return y + y_rev
    if merge_mode == "ave":
        return (y + y_rev) / 2
    if merge_mode == "mul":
        return y * y_rev
    return (y, y_rev)


def _check_sequence_layer(layer, argument):
    missing = [a for a in _REQUIRED_ATTRIBUTES if not hasattr(layer, a)]
    if missing:
        raise ValueError(
            f"Bidirectional: `{argument}` must be a sequence layer with the attributes "
            f"{list(_REQUIRED_ATTRIBUTES)} (such as an RNN, LSTM or GRU layer). "
            f"{type(layer).__name__} '{layer.name}' lacks {missing}."
        )


def _renamed_copy(layer, prefix, **overrides):
    """A fresh layer from `layer`'s config (no shared state), named `<prefix>_<name>`."""
    config = serialize_keras_object(layer)
    config["config"]["name"] = f"{prefix}_{layer.name.removeprefix(prefix + '_')}"
    config["config"].update(overrides)
    return deserialize_keras_object(config)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs: a forward and a backward copy of a layer.

    The forward layer is a fresh copy of `layer` (named `forward_<name>`); the backward
    layer is `backward_layer`, or a fresh copy of `layer` with `go_backwards=True`
    (named `backward_<name>`). Their outputs are merged by `merge_mode`; with
    `return_sequences`, the backward output is flipped back into input time order.
    Masked steps of returned sequences are zeros.

    Args:
        layer: an RNN layer (`RNN`, `LSTM`, `GRU`, ...), or any layer with
            `go_backwards`, `return_sequences`, `return_state` and `stateful` attributes,
            an `initial_state` call argument and a config.
        merge_mode: how the two outputs combine: "concat" (default), "sum", "mul",
            "ave", or None (a list of both outputs).
        weights: optional list of initial weight values (forward layer's first half,
            backward layer's second half), set when the layer is built.
        backward_layer: optional layer for the backward direction; it must have the
            opposite `go_backwards` and the same `stateful`, `return_sequences` and
            `return_state` as `layer`.

    Call arguments:
        sequences: the input sequences `(batch, time, ...)`.
        initial_state: the forward states followed by the backward states.
        mask: a boolean `(batch, time)` mask.
        training: passed to both layers.

    Example:
        >>> layer = Bidirectional(lamina.layers.LSTM(4, return_sequences=True))
        >>> layer(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` need to be a `keras.layers.Layer` instance. "
                f"Received: {backward_layer}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        _check_sequence_layer(layer, "layer")
        super().__init__(**kwargs)
        self.forward_layer = _renamed_copy(layer, "forward")
        if backward_layer is None:
            self.backward_layer = _renamed_copy(layer, "backward", go_backwards=True)
        else:
            _check_sequence_layer(backward_layer, "backward_layer")
            self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):  # not part of the config, so copied by hand
            self.forward_layer.use_cudnn = self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for direction in (self.forward_layer, self.backward_layer):
            # Masked steps of a returned sequence are zeros, whatever the layer says.
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` "
                f"value. Received: forward_layer.go_backwards {forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}"
            )
        for attribute in _COMMON_ATTRIBUTES:
            forward_value = getattr(forward, attribute)
            backward_value = getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value "
                    f'for attribute "{attribute}", got "{forward_value}" for forward layer '
                    f'and "{backward_value}" for backward layer'
                )

    def build(self, sequences_shape, initial_state_shape=None):
        if not self.forward_layer.built:
            self.forward_layer.build(sequences_shape)
        if not self.backward_layer.built:
            self.backward_layer.build(sequences_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shapes = ()
        if self.return_state:
            output_shape, state_shapes = output_shape[0], tuple(output_shape[1:])
        output_shape = tuple(output_shape)
        if self.merge_mode == "concat":
            output_shape = (*output_shape[:-1], output_shape[-1] * 2)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if not self.return_state:
            return output_shape
        if self.merge_mode is None:
            return (*output_shape, *state_shapes, *state_shapes)
        return (output_shape, *state_shapes, *state_shapes)

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if call_accepts(self.forward_layer, "training"):
            kwargs["training"] = training
        if call_accepts(self.forward_layer, "mask"):
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state)
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = ops.cast(y, self.compute_dtype)
        y_rev = ops.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        output = _merge(self.merge_mode, y, y_rev)
        if not self.return_state:
            return output
        if self.merge_mode is None:
            return (*output, *states)
        return (output, *states)

    def compute_mask(self, _, mask):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = mask if self.merge_mode else (mask, mask)
        else:
            output_mask = None if self.merge_mode else (None, None)
        if self.return_state and self.states is not None:
            state_masks = (None,) * len(self.states)
            if isinstance(output_mask, tuple):
                return (*output_mask, *state_masks)
            return (output_mask, *state_masks)
        return output_mask

    @property
    def states(self):
        """The forward then backward states of a stateful layer (None otherwise)."""
        forward_states = getattr(self.forward_layer, "states", None)
        backward_states = getattr(self.backward_layer, "states", None)
        if forward_states and backward_states:
            return (*forward_states, *backward_states)
        return None

    def reset_state(self):
        """Reset the states of both directions (stateful layers only)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        """Alias of `reset_state`."""
        self.reset_state()

    def get_config(self):
        config = {
            "merge_mode": self.merge_mode,
            "layer": serialize_keras_object(self.forward_layer),
            "backward_layer": serialize_keras_object(self.backward_layer),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = copy.deepcopy(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward_config = config.pop("backward_layer", None)
        if backward_config is not None:
            config["backward_layer"] = deserialize_keras_object(
                backward_config, custom_objects=custom_objects
            )
        return cls(**config)
