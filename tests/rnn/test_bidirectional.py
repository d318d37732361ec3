"""Bidirectional: copies of the layer, merge modes, states, masks, errors and config."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _x(rng, shape=(2, 5, 4)):
    return rng.standard_normal(shape).astype("float32")


def test_forward_and_backward_are_fresh_renamed_copies():
    lstm = layers.LSTM(3, name="enc")
    bi = layers.Bidirectional(lstm)
    assert bi.forward_layer is not lstm and bi.backward_layer is not lstm
    assert (bi.forward_layer.name, bi.backward_layer.name) == ("forward_enc", "backward_enc")
    assert (bi.forward_layer.go_backwards, bi.backward_layer.go_backwards) == (False, True)


def test_weights_are_forward_then_backward(rng):
    bi = layers.Bidirectional(layers.GRU(3))
    bi(_x(rng))
    forward, backward = bi.forward_layer.weights, bi.backward_layer.weights
    assert [id(w) for w in bi.weights] == [id(w) for w in forward + backward]
    assert bi.weights[0].path.startswith("bidirectional") and "forward_gru" in bi.weights[0].path


@pytest.mark.parametrize(
    ("merge_mode", "combine"),
    [
        ("concat", lambda a, b: np.concatenate([a, b], -1)),
        ("sum", np.add),
        ("mul", np.multiply),
        ("ave", lambda a, b: (a + b) / 2),
    ],
)
def test_merge_modes_combine_both_directions(rng, merge_mode, combine):
    x = _x(rng)
    bi = layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True), merge_mode=merge_mode)
    y = bi(x).numpy()
    forward = bi.forward_layer(x).numpy()
    backward = bi.backward_layer(x).numpy()[:, ::-1]  # back in input time order
    np.testing.assert_allclose(y, combine(forward, backward), rtol=1e-6, atol=1e-6)


def test_merge_mode_none_returns_both_outputs(rng):
    outputs = layers.Bidirectional(layers.SimpleRNN(3), merge_mode=None)(_x(rng))
    assert isinstance(outputs, (list, tuple)) and [o.shape for o in outputs] == [(2, 3), (2, 3)]


def test_return_state_gives_forward_then_backward_states(rng):
    x = _x(rng)
    bi = layers.Bidirectional(layers.LSTM(3, return_state=True))
    output, fh, fc, bh, bc = bi(x)
    assert output.shape == (2, 6) and fc.shape == bc.shape == (2, 3)
    np.testing.assert_allclose(output.numpy(), np.concatenate([fh.numpy(), bh.numpy()], -1))
    assert bi.compute_output_shape((2, 5, 4)) == ((2, 6), (2, 3), (2, 3), (2, 3), (2, 3))


def test_initial_state_is_split_in_halves(rng):
    x = _x(rng)
    states = [_x(rng, (2, 3)) for _ in range(2)]
    bi = layers.Bidirectional(layers.GRU(3), merge_mode=None)
    forward, backward = bi(x, initial_state=states)
    np.testing.assert_allclose(
        forward.numpy(), bi.forward_layer(x, initial_state=states[:1]).numpy(), rtol=1e-6
    )
    np.testing.assert_allclose(
        backward.numpy(), bi.backward_layer(x, initial_state=states[1:]).numpy(), rtol=1e-6
    )


def test_masked_steps_of_sequences_are_zeros_and_the_mask_passes_on():
    tokens = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]])
    embedded = layers.Embedding(6, 4, mask_zero=True)(tokens)
    y = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(embedded)
    np.testing.assert_array_equal(y._keras_mask.numpy(), tokens != 0)
    assert np.all(y.numpy()[tokens == 0] == 0)
    assert np.all(y.numpy()[tokens != 0] != 0)


def test_custom_backward_layer(rng):
    forward = layers.LSTM(3, return_sequences=True)
    backward = layers.GRU(3, return_sequences=True, go_backwards=True)
    bi = layers.Bidirectional(forward, backward_layer=backward)
    assert bi.backward_layer is backward
    assert bi(_x(rng)).shape == (2, 5, 6)


def test_weights_argument_sets_the_initial_weights(rng):
    reference = layers.Bidirectional(layers.SimpleRNN(2))
    reference(_x(rng))
    values = [w + 1.0 for w in reference.get_weights()]
    bi = layers.Bidirectional(layers.SimpleRNN(2), weights=values)
    bi(_x(rng))
    for ours, expected in zip(bi.get_weights(), values):
        np.testing.assert_array_equal(ours, expected)


def test_stateful_reset_state(rng):
    bi = layers.Bidirectional(layers.SimpleRNN(2, stateful=True))
    bi(_x(rng))
    assert all(np.any(s.numpy() != 0) for s in bi.states)
    bi.reset_states()
    assert all(np.all(s.numpy() == 0) for s in bi.states)
    with pytest.raises(AttributeError, match="stateful"):
        layers.Bidirectional(layers.SimpleRNN(2)).reset_state()


def test_functional_model_trains(rng):
    inputs = layers.Input(shape=(6, 3))
    hidden = layers.Bidirectional(layers.GRU(4, return_sequences=True))(inputs)
    assert hidden.shape == (None, 6, 8)
    outputs = layers.Dense(1)(layers.Bidirectional(layers.LSTM(4), merge_mode="sum")(hidden))
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x = _x(rng, (32, 6, 3))
    y = x.sum(axis=(1, 2))[:, None] / 6
    history = model.fit(x, y, epochs=8, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer": "lstm"}, "initialize `Bidirectional`"),
        ({"layer": layers.LSTM(2), "merge_mode": "max"}, "Invalid merge mode"),
        ({"layer": layers.Dense(2)}, "sequence layer"),
        ({"layer": layers.LSTM(2), "backward_layer": layers.LSTM(2)}, "go_backwards"),
        (
            {
                "layer": layers.LSTM(2),
                "backward_layer": layers.LSTM(2, go_backwards=True, return_sequences=True),
            },
            "return_sequences",
        ),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Bidirectional(**kwargs)


def test_config_round_trip_keeps_both_layers():
    bi = layers.Bidirectional(
        layers.LSTM(3, return_sequences=True),
        backward_layer=layers.GRU(3, return_sequences=True, go_backwards=True),
        merge_mode="mul",
    )
    config = bi.get_config()
    assert config["layer"]["class_name"] == "LSTM"
    assert config["backward_layer"]["class_name"] == "GRU"
    clone = layers.Bidirectional.from_config(config)
    assert clone.merge_mode == "mul"
    assert type(clone.backward_layer).__name__ == "GRU" and clone.backward_layer.go_backwards


def test_saved_model_reloads(rng, tmp_path):
    inputs = layers.Input(shape=(5, 4))
    outputs = layers.Bidirectional(layers.LSTM(3))(inputs)
    model = lamina.Model(inputs, outputs)
    path = tmp_path / "bi.keras"
    model.save(path)
    reloaded = lamina.saving.load_model(path)
    x = _x(rng)
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
