"""GroupedQueryAttention: shapes, sharing of key/value heads, masks, config and errors."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _x(rng, *shape):
    return rng.standard_normal(shape).astype("float32")


def test_shapes_weights_and_scores(rng):
    layer = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    q, v = _x(rng, 2, 5, 6), _x(rng, 2, 7, 6)
    out, scores = layer(q, v, return_attention_scores=True, use_causal_mask=True)
    assert out.shape == (2, 5, 6) and scores.shape == (2, 4, 5, 7)
    assert [w.shape for w in layer.weights[::2]] == [(6, 4, 3), (6, 2, 3), (6, 2, 3), (4, 3, 6)]
    assert np.all(np.triu(scores.numpy()[0, 0], 1) == 0)


def test_equals_multi_head_attention_with_repeated_heads(rng):
    """With one key/value head per query head it is MultiHeadAttention's computation."""
    q = _x(rng, 2, 4, 6)
    gqa = layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    gqa(q, q)
    mha(q, q)
    mha.set_weights(gqa.get_weights())
    np.testing.assert_allclose(gqa(q, q).numpy(), mha(q, q).numpy(), rtol=1e-6, atol=1e-7)


def test_config_round_trip_and_keras_file(rng, tmp_path):
    inputs = lamina.Input((4, 6))
    layer = layers.GroupQueryAttention(
        head_dim=2, num_query_heads=4, num_key_value_heads=1, dropout=0.1, seed=2
    )
    model = lamina.Model(inputs, layer(inputs, inputs))
    clone = layers.GroupQueryAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    path = str(tmp_path / "gqa.keras")
    model.save(path)
    x = _x(rng, 2, 4, 6)
    np.testing.assert_allclose(
        lamina.saving.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_errors_name_the_layer(rng):
    with pytest.raises(ValueError, match="GroupedQueryAttention: `num_query_heads` must be"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="GroupedQueryAttention: `head_dim`"):
        layers.GroupQueryAttention(head_dim=0, num_query_heads=2, num_key_value_heads=1)
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ValueError, match="GroupedQueryAttention: the last dimension"):
        layer(_x(rng, 2, 3, 4), _x(rng, 2, 3, 5))
