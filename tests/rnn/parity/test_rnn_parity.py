"""Parity of RNN, SimpleRNN, LSTM, GRU (and their cells) with Keras 3: outputs, states and
every gradient, masked and unmasked, fused and generic paths."""

import numpy as np
import pytest
from layer_harness import copy_weights, keras, keras_run

import lamina
from lamina import layers, ops

B, T, D, U = 3, 6, 4, 5
RNG = np.random.default_rng(7)
X = RNG.standard_normal((B, T, D)).astype("float32")
# Row 0 unmasked, row 1 masked in the middle and at the end, row 2 masked at the start.
MASK = np.ones((B, T), dtype=bool)
MASK[1, [2, 3, 5]] = False
MASK[2, :2] = False

LAYER_ARGS = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"return_sequences": True, "return_state": True, "go_backwards": True},
    {"go_backwards": True},
    {"use_bias": False, "return_sequences": True},
]


def _flatten(x):
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _flatten(item)]
    return [x]


def assert_layer_parity(
    lamina_layer, keras_layer, inputs, *, call_kwargs=None, inputs_as_list=True, rtol, atol
):
    """Outputs, input gradients and weight gradients of `sum(out * w)` match Keras.

    (The core harness also compares non-trainable variables; Keras counts each cell's
    SeedGenerator state among them, lamina does not, as its `non_trainable_weights`.)
    """
    call_kwargs = dict(call_kwargs or {})
    args = (inputs,) if inputs_as_list else tuple(inputs)
    lamina_layer(*args, **call_kwargs)
    keras_layer(*args, **call_kwargs)
    copy_weights(lamina_layer, keras_layer)
    k_out, cot, k_input_grads, k_weight_grads, _ = keras_run(
        keras_layer, args, call_kwargs, False, 0
    )
    flat = [ops.convert_to_tensor(x) for x in _flatten(args)]
    it = iter(flat)
    lamina_args = [next(it) if not isinstance(a, list) else [next(it) for _ in a] for a in args]
    with lamina.GradientTape() as tape:
        for t in flat:
            tape.watch(t)
        l_out = _flatten(lamina_layer(*lamina_args, **call_kwargs))
    assert len(l_out) == len(k_out)
    for j, (lo, ko) in enumerate(zip(l_out, k_out)):
        assert lo.shape == ko.shape and lo.dtype == ko.dtype, f"output {j}"
        np.testing.assert_allclose(lo.numpy(), ko, rtol=rtol, atol=atol, err_msg=f"output {j}")
    weights = lamina_layer.trainable_weights
    grads = tape.gradient(l_out, flat + weights, output_gradients=cot)
    for i, g in enumerate(grads[: len(flat)]):
        np.testing.assert_allclose(
            g.numpy(), k_input_grads[i], rtol=rtol, atol=atol, err_msg=f"gradient of input {i}"
        )
    assert len(weights) == len(k_weight_grads)
    for w, g, kg in zip(weights, grads[len(flat) :], k_weight_grads):
        np.testing.assert_allclose(
            g.numpy(), kg, rtol=rtol, atol=atol, err_msg=f"gradient of {w.path}"
        )


def _pair(name, keras_unroll=True, **kwargs):
    # Keras's unrolled loop runs eagerly on JAX, ~10x faster to test than its lax.scan
    # (compiled per layer); both give the same numbers, except the output of a masked
    # first step with a non-zero initial state (see test_initial_state_parity).
    keras_kwargs = {"unroll": keras_unroll, **kwargs}
    return getattr(layers, name)(U, **kwargs), getattr(keras.layers, name)(U, **keras_kwargs)


def _check(name, masked, kwargs, **parity_kwargs):
    lamina_layer, keras_layer = _pair(name, **kwargs)
    call_kwargs = {"mask": MASK} if masked else {}
    assert_layer_parity(
        lamina_layer,
        keras_layer,
        X,
        call_kwargs=call_kwargs,
        rtol=2e-5,
        atol=2e-6,
        **parity_kwargs,
    )


@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
@pytest.mark.parametrize("kwargs", LAYER_ARGS, ids=lambda k: "-".join(k) or "default")
@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_layer_parity(name, kwargs, masked):
    _check(name, masked, kwargs)


@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"reset_after": False},
        {"reset_after": False, "return_sequences": True, "go_backwards": True},
        {"reset_after": False, "use_bias": False},
    ],
    ids=["plain", "seq-back", "nobias"],
)
def test_gru_reset_before_parity(kwargs, masked):
    _check("GRU", masked, kwargs)


@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("LSTM", {"activation": "relu", "return_sequences": True}),
        ("LSTM", {"recurrent_activation": "hard_sigmoid"}),
        ("GRU", {"activation": "relu", "return_sequences": True}),
        ("GRU", {"recurrent_activation": "relu", "reset_after": False}),
        ("SimpleRNN", {"activation": "relu", "return_sequences": True}),
    ],
)
def test_generic_path_parity(name, kwargs, masked):
    """Non-default activations take the cell-stepping path."""
    _check(name, masked, kwargs)


@pytest.mark.parametrize("name,n_states", [("LSTM", 2), ("GRU", 1), ("SimpleRNN", 1)])
def test_initial_state_parity(name, n_states):
    lamina_layer, keras_layer = _pair(
        name, keras_unroll=False, return_sequences=True, return_state=True
    )
    states = [RNG.standard_normal((B, U)).astype("float32") for _ in range(n_states)]
    assert_layer_parity(
        lamina_layer,
        keras_layer,
        (X, states),
        inputs_as_list=False,
        call_kwargs={"mask": MASK},
        rtol=2e-5,
        atol=2e-6,
    )


@pytest.mark.parametrize("masked", [False, True], ids=["unmasked", "masked"])
def test_stacked_cells_parity(masked):
    def cells(lib):
        return [lib.LSTMCell(4), lib.GRUCell(3), lib.SimpleRNNCell(U)]

    call_kwargs = {"mask": MASK} if masked else {}
    assert_layer_parity(
        layers.RNN(cells(layers), return_sequences=True, return_state=True),
        keras.layers.RNN(cells(keras.layers), return_sequences=True, return_state=True),
        X,
        call_kwargs=call_kwargs,
        rtol=2e-5,
        atol=2e-6,
    )


def test_zero_output_for_mask_parity():
    assert_layer_parity(
        layers.RNN(layers.LSTMCell(U), return_sequences=True, zero_output_for_mask=True),
        keras.layers.RNN(
            keras.layers.LSTMCell(U), return_sequences=True, zero_output_for_mask=True
        ),
        X,
        call_kwargs={"mask": MASK},
        rtol=2e-5,
        atol=2e-6,
    )


def test_weights_load_both_ways(tmp_path):
    """Weights of every recurrent layer saved by Keras load in lamina, and back."""

    def build(lib):
        inputs = lib.Input((T, D))
        x = lib.layers.LSTM(U, return_sequences=True)(inputs)
        x = lib.layers.GRU(U, return_sequences=True)(x)
        x = lib.layers.GRU(U, reset_after=False, return_sequences=True)(x)
        x = lib.layers.SimpleRNN(U)(x)
        return lib.Model(inputs, x)

    keras_model = build(keras)
    path = tmp_path / "rnn.weights.h5"
    keras_model.save_weights(path)
    lamina_model = build(lamina)
    lamina_model.load_weights(path)
    np.testing.assert_allclose(
        lamina_model.predict(X, verbose=0),
        keras_model.predict(X, verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )
    # And back: weights saved by lamina load into Keras.
    lamina_model = build(lamina)
    lamina_model.save_weights(path)
    keras_model.load_weights(path)
    np.testing.assert_allclose(
        lamina_model.predict(X, verbose=0),
        keras_model.predict(X, verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )


def test_whole_model_loads_both_ways(tmp_path):
    """A `.keras` file (config and weights) of recurrent layers saved by Keras loads in
    lamina, and lamina's file loads back in Keras, predicting the same."""

    def build(lib):
        inputs = lib.Input((T, D))
        x = lib.layers.LSTM(U, return_sequences=True, dropout=0.1)(inputs)
        x = lib.layers.GRU(U, return_sequences=True, reset_after=False)(x)
        cells = [lib.layers.SimpleRNNCell(3), lib.layers.LSTMCell(2)]
        return lib.Model(inputs, lib.layers.RNN(cells)(x))

    keras_model = build(keras)
    expected = keras_model.predict(X, verbose=0)
    keras_model.save(tmp_path / "keras.keras")
    lamina_model = lamina.saving.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(lamina_model.predict(X, verbose=0), expected, atol=1e-6)
    lamina_model.save(tmp_path / "lamina.keras")
    reloaded = keras.saving.load_model(tmp_path / "lamina.keras")
    np.testing.assert_allclose(reloaded.predict(X, verbose=0), expected, atol=1e-6)
