"""Attention and AdditiveAttention: shapes, masks, causal mask, dropout, config, errors."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _x(rng, *shape):
    return rng.standard_normal(shape).astype("float32")


@pytest.mark.parametrize("cls", [layers.Attention, layers.AdditiveAttention])
def test_shapes_masks_and_causal(rng, cls):
    q, v = _x(rng, 2, 3, 4), _x(rng, 2, 5, 4)
    out, scores = cls()([q, v], return_attention_scores=True)
    assert out.shape == (2, 3, 4) and scores.shape == (2, 3, 5)
    q_mask = np.array([[True, False, True]] * 2)
    v_mask = np.array([[True, True, False, False, True]] * 2)
    out, scores = cls()([q, v], mask=[q_mask, v_mask], return_attention_scores=True)
    assert np.all(out.numpy()[:, 1] == 0)
    assert np.all(scores.numpy()[..., 2:4] < 1e-6)
    _, causal = cls()([v, v], use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(causal.numpy()[0], 1) < 1e-6)


def test_keras_masks_propagate(rng):
    tokens = np.array([[1, 2, 0], [3, 0, 0]])
    x = layers.Embedding(5, 4, mask_zero=True)(tokens)
    out = layers.Attention()([x, x])
    np.testing.assert_array_equal(out._keras_mask.numpy(), tokens != 0)


def test_dropout_and_weights(rng):
    q = _x(rng, 2, 3, 4)
    layer = layers.Attention(use_scale=True, score_mode="concat", dropout=0.5, seed=2, name="att")
    inference = layer([q, q]).numpy()
    assert not np.allclose(layer([q, q], training=True).numpy(), inference)
    assert [w.path for w in layer.weights] == ["att/scale", "att/concat_score_weight"]
    additive = layers.AdditiveAttention()
    additive([q, q])
    assert additive.weights[0].shape == (4,)


def test_config_round_trip(rng, tmp_path):
    inputs = lamina.Input((3, 4))
    layer = layers.AdditiveAttention(use_scale=False, dropout=0.2, seed=1)
    model = lamina.Model(inputs, layer([inputs, inputs]))
    assert "score_mode" not in layer.get_config()
    clone = layers.AdditiveAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    path = str(tmp_path / "att.keras")
    model.save(path)
    q = _x(rng, 2, 3, 4)
    np.testing.assert_allclose(
        lamina.saving.load_model(path).predict(q, verbose=0), model.predict(q, verbose=0)
    )


def test_errors_name_the_layer(rng):
    q = _x(rng, 2, 3, 4)
    with pytest.raises(ValueError, match="Attention: invalid value for argument score_mode"):
        layers.Attention(score_mode="add")
    with pytest.raises(ValueError, match="Attention layer must be called on a list"):
        layers.Attention()(q)
    with pytest.raises(ValueError, match="AdditiveAttention layer accepts inputs list"):
        layers.AdditiveAttention()([q])
    with pytest.raises(ValueError, match="Attention: key must have value's length"):
        layers.Attention()([q, q, _x(rng, 2, 5, 4)])
