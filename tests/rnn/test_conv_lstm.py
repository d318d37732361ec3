"""ConvLSTM1D/2D/3D: shapes, weights, masks, states, dropout, errors and config."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _x(rng, shape):
    return rng.standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    ("layer", "shape", "expected"),
    [
        (lambda: layers.ConvLSTM1D(4, 3), (2, 3, 8, 2), (2, 6, 4)),
        (lambda: layers.ConvLSTM1D(4, 3, strides=2, padding="same"), (2, 3, 7, 2), (2, 4, 4)),
        (
            lambda: layers.ConvLSTM2D(4, (3, 2), return_sequences=True),
            (2, 3, 6, 5, 2),
            (2, 3, 4, 4, 4),
        ),
        (
            lambda: layers.ConvLSTM2D(4, 3, dilation_rate=2, data_format="channels_first"),
            (2, 3, 2, 7, 7),
            (2, 4, 3, 3),
        ),
        (lambda: layers.ConvLSTM3D(2, 2, padding="same"), (2, 3, 3, 4, 4, 1), (2, 3, 4, 4, 2)),
    ],
)
def test_output_shapes(rng, layer, shape, expected):
    layer = layer()
    assert layer(_x(rng, shape)).shape == expected
    assert layer.compute_output_shape(shape) == expected


def test_symbolic_shapes_with_states():
    inputs = layers.Input(shape=(None, 6, 6, 3))
    output, h, c = layers.ConvLSTM2D(5, 3, padding="same", return_state=True)(inputs)
    assert output.shape == h.shape == c.shape == (None, 6, 6, 5)


def test_weights_shapes_names_and_forget_bias(rng):
    layer = layers.ConvLSTM2D(4, 3, name="clstm")
    layer(_x(rng, (1, 2, 5, 5, 3)))
    assert [w.path for w in layer.weights] == [
        "clstm/conv_lstm_cell/kernel",
        "clstm/conv_lstm_cell/recurrent_kernel",
        "clstm/conv_lstm_cell/bias",
    ]
    assert [w.shape for w in layer.weights] == [(3, 3, 3, 16), (3, 3, 4, 16), (16,)]
    np.testing.assert_array_equal(layer.cell.bias.numpy(), np.repeat([0, 1, 0, 0], 4))


def test_one_step_matches_the_lstm_equations(rng):
    layer = layers.ConvLSTM1D(2, 3, padding="same", bias_initializer="random_normal")
    x = _x(rng, (1, 1, 5, 3))
    h = layer(x).numpy()
    kernel, _, bias = layer.get_weights()
    z = ops.conv(x[:, 0], kernel, padding="same").numpy() + bias
    i, _, c, o = np.split(z, 4, axis=-1)  # the forget gate multiplies the zero initial c

    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    c = sigmoid(i) * np.tanh(c)
    np.testing.assert_allclose(h, sigmoid(o) * np.tanh(c), rtol=1e-5, atol=1e-6)


def test_end_padding_mask_equals_the_truncated_sequence(rng):
    x = _x(rng, (2, 5, 6, 2))
    layer = layers.ConvLSTM1D(3, 3, padding="same", return_state=True)
    mask = np.array([[True] * 5, [True, True, True, False, False]])
    masked = [t.numpy() for t in layer(x, mask=mask)]
    truncated = [t.numpy() for t in layer(x[1:, :3])]
    for ours, expected in zip(masked, truncated):
        np.testing.assert_allclose(ours[1], expected[0], rtol=1e-6, atol=1e-6)


def test_stateful_layer_continues_from_its_last_state(rng):
    x = _x(rng, (2, 6, 5, 2))
    whole = layers.ConvLSTM1D(3, 3, padding="same", stateful=True)
    whole_out = whole(x).numpy()
    halves = layers.ConvLSTM1D(3, 3, padding="same", stateful=True)
    halves(x[:, :3])
    halves.set_weights(whole.get_weights())
    halves.reset_state()
    halves(x[:, :3])
    np.testing.assert_allclose(halves(x[:, 3:]).numpy(), whole_out, rtol=1e-5, atol=1e-6)
    halves.reset_state()
    assert all(np.all(s.numpy() == 0) for s in halves.states)


def test_dropout_only_in_training_and_differentiable(rng):
    layer = layers.ConvLSTM1D(3, 3, dropout=0.5, recurrent_dropout=0.5, seed=3)
    x = ops.convert_to_tensor(_x(rng, (4, 3, 6, 2)))
    inference = layer(x).numpy()
    np.testing.assert_array_equal(layer(x).numpy(), inference)
    with lamina.GradientTape() as tape:
        trained = layer(x, training=True)
        loss = ops.sum(trained)
    assert not np.allclose(trained.numpy(), inference)
    grads = tape.gradient(loss, layer.trainable_weights)
    assert all(np.isfinite(g.numpy()).all() and np.any(g.numpy() != 0) for g in grads)


def test_regularizers_add_losses(rng):
    layer = layers.ConvLSTM1D(
        2,
        3,
        kernel_regularizer="l2",
        recurrent_regularizer="l1",
        bias_regularizer="l2",
        activity_regularizer="l2",
    )
    layer(_x(rng, (2, 3, 5, 2)))
    assert len(layer.losses) == 4


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.ConvLSTM2D(4, 3, strides=2, dilation_rate=2), "dilation_rate > 1"),
        (lambda: layers.ConvLSTM2D(4, 3, padding="causal"), "padding"),
        (lambda: layers.ConvLSTM2D(4, (3, 3, 3)), "kernel_size"),
        (lambda: layers.ConvLSTM2D(0, 3), "filters"),
    ],
)
def test_invalid_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_input_rank_is_refused(rng):
    with pytest.raises(ValueError, match="ndim"):
        layers.ConvLSTM2D(2, 3)(_x(rng, (2, 3, 5, 2)))


def test_config_round_trip(rng):
    layer = layers.ConvLSTM3D(
        3, 2, strides=(1, 2, 1), data_format="channels_first", return_sequences=True, seed=4
    )
    config = layer.get_config()
    assert "cell" not in config and config["kernel_size"] == (2, 2, 2)
    clone = layers.ConvLSTM3D.from_config(config)
    assert clone.get_config() == config
    assert (clone.filters, clone.strides, clone.data_format) == (3, (1, 2, 1), "channels_first")


def test_saved_model_reloads(rng, tmp_path):
    inputs = layers.Input(shape=(3, 5, 5, 2))
    outputs = layers.ConvLSTM2D(2, 3, padding="same")(inputs)
    model = lamina.Model(inputs, outputs)
    path = tmp_path / "conv_lstm.keras"
    model.save(path)
    reloaded = lamina.saving.load_model(path)
    x = _x(rng, (2, 3, 5, 5, 2))
    np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
