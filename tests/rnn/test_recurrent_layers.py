"""RNN, SimpleRNN, LSTM, GRU, their cells and StackedRNNCells: arguments, state, masking,
config and errors (numerics against Keras are in parity/test_rnn_parity.py)."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops

B, T, D, U = 2, 5, 3, 4


@pytest.fixture
def x(rng):
    return rng.standard_normal((B, T, D)).astype("float32")


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_output_and_state_shapes(x, name):
    n_states = 2 if name == "LSTM" else 1
    layer = getattr(layers, name)(U, return_sequences=True, return_state=True)
    outputs = layer(x)
    assert [tuple(o.shape) for o in outputs] == [(B, T, U)] + [(B, U)] * n_states
    assert isinstance(layer.cell, getattr(layers, name + "Cell"))
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    inputs = lamina.Input((T, D))
    symbolic = getattr(layers, name)(U, return_state=True)(inputs)
    assert [tuple(s.shape) for s in symbolic] == [(None, U)] * (1 + n_states)


def test_weight_layouts_match_keras():
    lstm, gru, gru_before = layers.LSTM(U), layers.GRU(U), layers.GRU(U, reset_after=False)
    for layer in (lstm, gru, gru_before):
        layer.build((B, T, D))
    assert lstm.cell.kernel.shape == (D, 4 * U) and lstm.cell.bias.shape == (4 * U,)
    # unit_forget_bias: ones for the forget gate (second block of i, f, c, o).
    np.testing.assert_array_equal(lstm.cell.bias.numpy()[U : 2 * U], np.ones(U))
    np.testing.assert_array_equal(lstm.cell.bias.numpy()[2 * U :], np.zeros(2 * U))
    assert gru.cell.bias.shape == (2, 3 * U)
    assert gru_before.cell.bias.shape == (3 * U,)


def test_masked_steps_carry_the_state(x):
    """Right-padded masked steps leave the result of the unpadded sequence unchanged."""
    for layer in (layers.LSTM(U), layers.GRU(U), layers.SimpleRNN(U)):
        layer(x)
        mask = np.array([[True] * 3 + [False] * 2, [True] * T])
        masked = layer(x, mask=mask).numpy()
        short = layer(x[:1, :3]).numpy()
        np.testing.assert_allclose(masked[:1], short, rtol=1e-6, atol=1e-6)


def test_embedding_mask_reaches_the_rnn_and_is_passed_on():
    tokens = np.array([[3, 5, 2, 0, 0], [1, 4, 4, 4, 2]])
    embedded = layers.Embedding(10, D, mask_zero=True)(tokens)
    sequence = layers.LSTM(U, return_sequences=True)(embedded)
    np.testing.assert_array_equal(sequence._keras_mask.numpy(), tokens != 0)
    assert getattr(layers.LSTM(U)(embedded), "_keras_mask", None) is None


def test_stateful_carries_and_resets_state(x):
    layer = layers.LSTM(U, stateful=True)
    first = layer(x).numpy()
    second = layer(x).numpy()
    assert not np.allclose(first, second)
    assert layer.states is not None and layer.weights == layer.trainable_weights
    layer.reset_states()
    np.testing.assert_allclose(layer(x).numpy(), first, rtol=1e-6)
    with pytest.raises(ValueError, match="batch size"):
        layer(x[:1])


def test_dropout_only_in_training(x):
    for layer in (layers.LSTM(U, dropout=0.5, seed=1), layers.GRU(U, recurrent_dropout=0.5)):
        inference = layer(x).numpy()
        np.testing.assert_array_equal(layer(x).numpy(), inference)
        training = layer(x, training=True).numpy()
        assert not np.allclose(training, inference)
        with lamina.GradientTape() as tape:
            loss = ops.sum(layer(x, training=True))
        assert all(g is not None for g in tape.gradient(loss, layer.trainable_weights))


def test_regularizers_add_losses(x):
    layer = layers.GRU(
        U,
        kernel_regularizer="l2",
        recurrent_regularizer="l1",
        bias_regularizer="l2",
        activity_regularizer="l2",
    )
    layer(x)
    assert len(layer.losses) == 4


def test_stacked_cells_and_custom_cell(x):
    class MinimalCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units))

        def call(self, inputs, states):
            output = ops.matmul(inputs, self.kernel) + states[0]
            return output, [output]

    layer = layers.RNN([MinimalCell(3), layers.LSTMCell(U)], return_state=True)
    output, h1, (h2, c2) = layer(x)
    assert tuple(c2.shape) == (B, U)
    assert tuple(output.shape) == (B, U) and tuple(h1.shape) == (B, 3)
    np.testing.assert_allclose(output.numpy(), h2.numpy())
    cell = MinimalCell(3)
    summed = layers.RNN(cell)(x).numpy()
    np.testing.assert_allclose(summed, x.sum(axis=1) @ cell.kernel.numpy(), rtol=1e-5)


@pytest.mark.parametrize(
    "layer",
    [
        layers.LSTM(U, dropout=0.2, unit_forget_bias=False, return_sequences=True),
        layers.GRU(U, reset_after=False, go_backwards=True, activation="relu"),
        layers.SimpleRNN(U, stateful=True, use_bias=False),
        layers.RNN(layers.StackedRNNCells([layers.GRUCell(2), layers.SimpleRNNCell(U)])),
    ],
    ids=["lstm", "gru", "simple", "stacked"],
)
def test_config_round_trip(x, layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    layer(x)
    clone(x)
    clone.set_weights(layer.get_weights())
    layer.reset_states()
    clone.reset_states()
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy(), rtol=1e-6)


def test_keras_config_keys():
    config = layers.LSTM(U).get_config()
    for key in (
        "units",
        "unit_forget_bias",
        "recurrent_activation",
        "seed",
        "dropout",
        "return_sequences",
        "zero_output_for_mask",
        "activity_regularizer",
    ):
        assert key in config
    assert "cell" not in config and "cell" in layers.RNN(layers.LSTMCell(U)).get_config()
    assert layers.GRU(U).get_config()["reset_after"] is True


def test_errors(x):
    with pytest.raises(ValueError, match="units"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3))
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.GRU(U, use_cudnn="yes")
    with pytest.raises(ValueError, match="initial state"):
        layers.LSTM(U)(x, initial_state=[np.zeros((B, U), "float32")])
    with pytest.raises(ValueError, match="stateful"):
        layers.LSTM(U, stateful=True)(lamina.Input((T, D)))
