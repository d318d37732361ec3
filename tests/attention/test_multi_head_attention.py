"""MultiHeadAttention: shapes, masks, scores, dropout, config, saving and errors."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _x(rng, *shape):
    return rng.standard_normal(shape).astype("float32")


def test_shapes_and_weights(rng):
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5, output_shape=(2, 7))
    out, scores = layer(_x(rng, 2, 6, 8), _x(rng, 2, 9, 3), return_attention_scores=True)
    assert out.shape == (2, 6, 2, 7)
    assert scores.shape == (2, 3, 6, 9)
    assert [w.shape for w in layer.weights] == [
        (8, 3, 4),
        (3, 4),
        (3, 3, 4),
        (3, 4),
        (3, 3, 5),
        (3, 5),
        (3, 5, 2, 7),
        (2, 7),
    ]
    assert layer.compute_output_shape((2, 6, 8), (2, 9, 3)) == (2, 6, 2, 7)
    np.testing.assert_allclose(ops.sum(scores, axis=-1).numpy(), 1.0, rtol=1e-5)


def test_attention_axes_scores_shape(rng):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    out, scores = layer(_x(rng, 2, 3, 4, 5), _x(rng, 2, 3, 4, 5), return_attention_scores=True)
    assert out.shape == (2, 3, 4, 5)
    assert scores.shape == (2, 2, 3, 4, 3, 4)
    assert layer.get_config()["attention_axes"] == (1, 2)


def test_causal_mask_equals_explicit_mask(rng):
    x = _x(rng, 2, 5, 4)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    causal, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    tril = np.tril(np.ones((5, 5), bool))[None]
    explicit = layer(x, x, attention_mask=np.repeat(tril, 2, 0))
    np.testing.assert_allclose(causal.numpy(), explicit.numpy(), rtol=1e-6, atol=1e-7)
    assert np.all(scores.numpy()[:, :, ~tril[0]] == 0)


def test_value_mask_blocks_keys(rng):
    q, v = _x(rng, 1, 3, 4), _x(rng, 1, 4, 4)
    layer = layers.MultiHeadAttention(num_heads=1, key_dim=2)
    v_mask = np.array([[True, True, False, False]])
    _, scores = layer(q, v, value_mask=v_mask, return_attention_scores=True)
    assert np.all(scores.numpy()[..., 2:] == 0)
    changed = v.copy()
    changed[:, 2:] += 10.0
    np.testing.assert_allclose(
        layer(q, v, value_mask=v_mask).numpy(),
        layer(q, changed, value_mask=v_mask).numpy(),
        rtol=1e-6,
    )


def test_keras_mask_propagates_to_output(rng):
    tokens = np.array([[1, 2, 0], [3, 0, 0]])
    x = layers.Embedding(5, 4, mask_zero=True)(tokens)
    mask = x._keras_mask.numpy()
    out = layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
    np.testing.assert_array_equal(out._keras_mask.numpy(), mask)


def test_dropout_only_in_training(rng):
    x = _x(rng, 2, 5, 4)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=1)
    inference = layer(x, x).numpy()
    np.testing.assert_array_equal(layer(x, x, training=False).numpy(), inference)
    trained = layer(x, x, training=True).numpy()
    assert not np.allclose(trained, inference)
    with lamina.GradientTape() as tape:
        loss = ops.sum(ops.square(layer(x, x, training=True)))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert all(np.isfinite(g.numpy()).all() and np.any(g.numpy()) for g in grads[:2])


def test_config_round_trip_and_weights_h5(rng, tmp_path):
    x = _x(rng, 2, 4, 6)
    inputs = lamina.Input((4, 6))
    layer = layers.MultiHeadAttention(
        num_heads=2, key_dim=3, dropout=0.1, output_shape=5, kernel_initializer="he_normal"
    )
    model = lamina.Model(inputs, layer(inputs, inputs))
    clone = layers.MultiHeadAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    path = str(tmp_path / "mha.weights.h5")
    model.save_weights(path)
    inputs2 = lamina.Input((4, 6))
    other = lamina.Model(inputs2, clone(inputs2, inputs2))
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras_file_round_trip(rng, tmp_path):
    x = _x(rng, 2, 4, 6)
    inputs = lamina.Input((4, 6))
    out, scores = layers.MultiHeadAttention(num_heads=2, key_dim=3)(
        inputs, inputs, return_attention_scores=True
    )
    assert scores.shape == (None, 2, 4, 4)
    model = lamina.Model(inputs, [out, scores])
    path = str(tmp_path / "mha.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)
    for a, b in zip(loaded.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_trains_in_a_model(rng):
    inputs = lamina.Input((6, 4))
    x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs)
    # Core layers and SGD only: this plugin's tests run without the conv and optim plugins.
    x = layers.Flatten()(x)
    model = lamina.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer=lamina.optimizers.SGD(0.01), loss="mse")
    data, target = _x(rng, 32, 6, 4), _x(rng, 32, 1)
    history = model.fit(data, target, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(num_heads=0, key_dim=2), "num_heads"),
        (dict(num_heads=2, key_dim=2.5), "key_dim"),
        (dict(num_heads=2, key_dim=2, value_dim=-1), "value_dim"),
        (dict(num_heads=2, key_dim=2, attention_axes="1"), "attention_axes"),
        (dict(num_heads=2, key_dim=2, output_shape=object()), "output_shape"),
        (dict(num_heads=2, key_dim=2, dropout=0.5, flash_attention=True), "flash attention"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"MultiHeadAttention.*{match}|{match}.*"):
        layers.MultiHeadAttention(**kwargs)


def test_bad_inputs_name_the_layer(rng):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, name="mha")
    with pytest.raises(ValueError, match="MultiHeadAttention: `query` must have rank >= 3"):
        layer(_x(rng, 2, 4), _x(rng, 2, 4))
    with pytest.raises(ValueError, match="MultiHeadAttention: all dimensions of `value`"):
        layer(_x(rng, 2, 3, 4), _x(rng, 2, 5, 4), _x(rng, 2, 6, 4))
    layer(_x(rng, 2, 3, 4), _x(rng, 2, 5, 4))
    with pytest.raises(ValueError, match="MultiHeadAttention 'mha': `query` must have rank"):
        layer(_x(rng, 2, 3, 7), _x(rng, 2, 5, 4))
    with pytest.raises(ValueError, match="MultiHeadAttention 'mha': the attention mask"):
        layer(_x(rng, 2, 3, 4), _x(rng, 2, 5, 4), attention_mask=np.ones((2, 1, 1, 3, 5)))
    with pytest.raises(ValueError, match="attention_axes"):
        bad = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(0,))
        bad(_x(rng, 2, 3, 4), _x(rng, 2, 3, 4))
    flash = layers.MultiHeadAttention(num_heads=2, key_dim=2, flash_attention=True)
    with pytest.raises(ValueError, match="flash attention"):
        flash(_x(rng, 2, 3, 4), _x(rng, 2, 3, 4), return_attention_scores=True)
