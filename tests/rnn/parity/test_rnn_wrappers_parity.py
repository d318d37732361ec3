"""Bidirectional, TimeDistributed and ConvLSTM1D/2D/3D vs Keras 3 (JAX): outputs, states,
output masks, gradients of the inputs and of every weight, masked and unmasked.

Each case builds the same layer from `lamina.layers` and `keras.layers`, copies lamina's
weights into Keras, and compares (see tests/core/parity/layer_harness.py).
"""

import numpy as np
import pytest
from layer_harness import _compare_masks, copy_weights, keras, keras_run

import lamina

RTOL, ATOL = 1e-5, 2e-5  # float32, a few recurrent steps of sums of products


def _minimal_cell_class(layers, ops):
    """The same small user-written RNN cell (h = tanh(x W + h U)) for lamina or Keras."""

    class MinimalCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(
                shape=(self.units, self.units), name="recurrent_kernel"
            )

        def call(self, inputs, states):
            h = ops.tanh(
                ops.matmul(inputs, self.kernel) + ops.matmul(states[0], self.recurrent_kernel)
            )
            return h, [h]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return MinimalCell


LaminaCell = lamina.saving.register_keras_serializable("wrappers_parity")(
    _minimal_cell_class(lamina.layers, lamina.ops)
)
KerasCell = keras.saving.register_keras_serializable("wrappers_parity")(
    _minimal_cell_class(keras.layers, keras.ops)
)


# Keras on JAX compiles a `lax.scan` per layer instance unless `unroll=True`, which gives the
# same numbers (lamina accepts `unroll` and always loops): most cases unroll to stay fast.
FAST = {"unroll": True}


def _cell_rnn(layers, **kwargs):
    cell = LaminaCell(3) if layers is lamina.layers else KerasCell(3)
    return layers.RNN(cell, **{**FAST, **kwargs})


def _sequences(shape=(2, 5, 4), seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


# Sample 0 is fully valid, sample 1 is padded at the end, sample 2 has a gap.
MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=bool)


def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _parity(make, x, *, training=False, call_kwargs=None):
    """layer_harness.assert_layer_parity for one input, except that Keras's SeedGenerator
    states (non-trainable variables there, not weights in lamina) are not compared."""
    call_kwargs = dict(call_kwargs or {})
    ours, theirs = make(lamina.layers), make(keras.layers)
    ours(x, **call_kwargs)
    theirs(x, **call_kwargs)
    copy_weights(ours, theirs)
    k_out, cot, k_input_grads, k_weight_grads, k_state = keras_run(
        theirs, (x,), call_kwargs, training, 0
    )
    tensor = lamina.ops.convert_to_tensor(x)
    with lamina.GradientTape() as tape:
        tape.watch(tensor)
        outputs = ours(tensor, training=training, **call_kwargs)
    l_out = _flatten(outputs)
    assert len(l_out) == len(k_out)
    for j, (lo, ko) in enumerate(zip(l_out, k_out)):
        assert lo.shape == ko.shape and lo.dtype == ko.dtype, f"output {j}"
        np.testing.assert_allclose(lo.numpy(), ko, RTOL, ATOL, err_msg=f"output {j}")
    k_state = [
        s for v, s in zip(theirs.non_trainable_variables, k_state) if "seed_generator" not in v.path
    ]
    l_state = [v.numpy() for v in ours.non_trainable_weights]
    assert len(l_state) == len(k_state)
    for j, (ls, ks) in enumerate(zip(l_state, k_state)):
        np.testing.assert_allclose(ls, ks, RTOL, ATOL, err_msg=f"non-trainable {j}")
    _compare_masks(ours, theirs, l_out, (x,), call_kwargs)
    weights = ours.trainable_weights
    grads = tape.gradient(l_out, [tensor, *weights], output_gradients=cot)
    np.testing.assert_allclose(grads[0].numpy(), k_input_grads[0], RTOL, ATOL, err_msg="input")
    assert len(weights) == len(k_weight_grads)
    for w, g, kg in zip(weights, grads[1:], k_weight_grads):
        np.testing.assert_allclose(g.numpy(), kg, RTOL, ATOL, err_msg=f"gradient of {w.path}")


# ----------------------------------------------------------------------- Bidirectional
@pytest.mark.parametrize(
    ("merge_mode", "return_sequences"),
    [("concat", False), ("sum", True), ("mul", False), ("ave", True), (None, True)],
)
def test_bidirectional_merge_modes(merge_mode, return_sequences):
    _parity(
        lambda L: L.Bidirectional(
            _cell_rnn(L, return_sequences=return_sequences), merge_mode=merge_mode
        ),
        _sequences(),
    )


@pytest.mark.parametrize(("rnn", "merge_mode"), [("LSTM", "concat"), ("GRU", None)])
def test_bidirectional_masked_with_states(rnn, merge_mode):
    _parity(
        lambda L: L.Bidirectional(
            # Not unrolled: Keras's unrolled JAX loop ignores `zero_output_for_mask`.
            getattr(L, rnn)(3, return_sequences=True, return_state=True),
            merge_mode=merge_mode,
        ),
        _sequences((3, 5, 4)),
        call_kwargs={"mask": MASK},
    )


def test_bidirectional_masked_last_output():
    _parity(
        lambda L: L.Bidirectional(_cell_rnn(L), merge_mode="sum"),
        _sequences((3, 5, 4)),
        call_kwargs={"mask": MASK},
    )


def test_bidirectional_custom_backward_layer_and_initial_state():
    def make(L):
        forward = _cell_rnn(L, return_sequences=True)
        backward = _cell_rnn(L, return_sequences=True, go_backwards=True)
        return L.Bidirectional(forward, backward_layer=backward, merge_mode="ave")

    states = [_sequences((2, 3), seed=1), _sequences((2, 3), seed=2)]
    _parity(make, _sequences(), call_kwargs={"initial_state": states})


def test_bidirectional_conv_lstm():
    _parity(
        lambda L: L.Bidirectional(L.ConvLSTM1D(2, 2, return_sequences=True, **FAST)),
        _sequences((2, 2, 4, 2)),
    )


# ----------------------------------------------------------------------- TimeDistributed
def test_time_distributed_dense_masked():
    _parity(
        lambda L: L.TimeDistributed(L.Dense(3, activation="relu")),
        _sequences((3, 5, 4)),
        call_kwargs={"mask": MASK},
    )


def test_time_distributed_conv2d():
    _parity(lambda L: L.TimeDistributed(L.Conv2D(2, 3)), _sequences((2, 3, 5, 5, 2)))


def test_time_distributed_batch_normalization_per_step_statistics():
    # Keras runs the wrapped layer once per step: the moving statistics move once per step.
    _parity(
        lambda L: L.TimeDistributed(L.BatchNormalization()), _sequences((4, 3, 5)), training=True
    )


def test_time_distributed_rnn_receives_step_masks():
    mask = np.ones((3, 2, 5), dtype=bool)
    mask[1, 0, 3:] = False
    mask[2, 1, 1] = False
    _parity(
        lambda L: L.TimeDistributed(_cell_rnn(L, return_sequences=True)),
        _sequences((3, 2, 5, 4)),
        call_kwargs={"mask": mask},
    )


# ----------------------------------------------------------------------- ConvLSTM
CONV_LSTM_CASES = [
    # rank, layer kwargs, per-step spatial size, channels (shapes shared where possible, so
    # JAX reuses its compiled convolutions)
    (1, {"padding": "same", "return_sequences": True, "go_backwards": True}, (6,), 2),
    (1, {"strides": 2, "activation": "relu", "recurrent_activation": "hard_sigmoid"}, (6,), 2),
    (2, {"padding": "same", "return_state": True}, (5, 5), 2),
    (2, {"dilation_rate": 2, "use_bias": False, "return_sequences": True}, (5, 5), 2),
    (2, {"data_format": "channels_first", "unit_forget_bias": False}, (5, 4), 3),
    (
        3,
        {"data_format": "channels_first", "strides": (1, 2, 1), "return_state": True},
        (3, 4, 3),
        2,
    ),
]


@pytest.mark.parametrize(("rank", "kwargs", "spatial", "channels"), CONV_LSTM_CASES)
def test_conv_lstm(rank, kwargs, spatial, channels):
    if kwargs.get("data_format") == "channels_first":
        shape = (2, 3, channels, *spatial)
    else:
        shape = (2, 3, *spatial, channels)
    _parity(
        lambda L: getattr(L, f"ConvLSTM{rank}D")(
            2, 3, bias_initializer="random_normal", **{**FAST, **kwargs}
        ),
        _sequences(shape),
    )


def test_conv_lstm_end_padding_mask_matches_keras_on_the_unpadded_sequences():
    # Keras's ConvLSTM fails on masks under JAX (it broadcasts a (batch, 1) step mask against
    # the 4D states), so lamina's masked run is compared with Keras on each sample's
    # unpadded steps: masked steps must leave the states untouched.
    x = _sequences((2, 5, 4, 2))
    lengths = (5, 3)
    mask = np.arange(5)[None, :] < np.array(lengths)[:, None]
    ours = lamina.layers.ConvLSTM1D(2, 3, padding="same", return_state=True)
    theirs = keras.layers.ConvLSTM1D(2, 3, padding="same", return_state=True, **FAST)
    masked = [t.numpy() for t in ours(x, mask=mask)]
    theirs(x)
    copy_weights(ours, theirs)
    for i, length in enumerate(lengths):
        expected = theirs(x[i : i + 1, :length])
        for j, (ours_j, theirs_j) in enumerate(zip(masked, expected)):
            np.testing.assert_allclose(
                ours_j[i], np.asarray(theirs_j)[0], RTOL, ATOL, err_msg=f"sample {i} output {j}"
            )


def test_conv_lstm_initial_state_and_dropout_inactive_at_inference():
    states = [_sequences((2, 5, 2), seed=1), _sequences((2, 5, 2), seed=2)]
    _parity(
        lambda L: L.ConvLSTM1D(
            2, 3, padding="same", dropout=0.5, recurrent_dropout=0.5, return_state=True, **FAST
        ),
        _sequences((2, 4, 5, 3)),
        call_kwargs={"initial_state": states},
    )


def test_conv_lstm_config_matches_keras():
    kwargs = {"filters": 4, "kernel_size": (3, 2), "padding": "same", "strides": 1}
    ours = lamina.layers.ConvLSTM2D(**kwargs).get_config()
    theirs = keras.layers.ConvLSTM2D(**kwargs).get_config()
    ours.pop("name")
    theirs.pop("name")
    assert ours == theirs


# ----------------------------------------------------------------------- files, both ways
def _wrappers_model(K):
    L = K.layers
    inputs = L.Input(shape=(3, 4, 2))
    x = L.ConvLSTM1D(2, 2, return_sequences=True, **FAST)(inputs)
    x = L.TimeDistributed(L.Flatten())(x)
    x = L.Bidirectional(L.LSTM(3, return_sequences=True, **FAST))(x)
    return K.Model(inputs, L.TimeDistributed(L.Dense(2))(x))


def test_keras_file_loads_in_lamina(tmp_path):
    path = tmp_path / "keras_made.keras"
    model = _wrappers_model(keras)
    model.save(path)
    x = _sequences((2, 3, 4, 2))
    ours = lamina.saving.load_model(path).predict(x, verbose=0)
    np.testing.assert_allclose(ours, model.predict(x, verbose=0), RTOL, ATOL)


def test_lamina_weights_load_in_keras(tmp_path):
    path = tmp_path / "lamina_made.weights.h5"
    model = _wrappers_model(lamina)
    model.save_weights(path)
    theirs = _wrappers_model(keras)
    theirs.load_weights(path)
    x = _sequences((2, 3, 4, 2))
    np.testing.assert_allclose(
        model.predict(x, verbose=0), theirs.predict(x, verbose=0), RTOL, ATOL
    )
