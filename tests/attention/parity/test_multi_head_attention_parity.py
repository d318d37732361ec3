"""MultiHeadAttention vs Keras 3 (JAX): outputs, attention scores, gradients w.r.t. the
inputs and every weight, output masks, weight paths, config and saved weights."""

import numpy as np
import pytest
from layer_harness import assert_layer_parity, keras

import lamina

# atol 1e-5: the key bias's gradient is exactly zero in theory (softmax ignores a per-row
# shift), so both sides return float32 rounding noise of ~1e-6 there.
RTOL, ATOL = 1e-5, 1e-5


def _pair(**config):
    return lamina.layers.MultiHeadAttention(**config), keras.layers.MultiHeadAttention(**config)


def _data(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype("float32") for s in shapes]


# Keras-JAX's fused path (no scores, no dropout) fails when value_dim != key_dim (jax's
# dot_product_attention needs equal depths), so that config is compared with scores only.
@pytest.mark.parametrize(
    "config, scores",
    [
        (dict(num_heads=2, key_dim=4), False),
        (dict(num_heads=2, key_dim=4), True),
        (dict(num_heads=3, key_dim=5, value_dim=2, output_shape=7), True),
        (dict(num_heads=1, key_dim=1, use_bias=False), False),
        (dict(num_heads=2, key_dim=3, use_gate=True, sliding_window=2), True),
    ],
)
def test_self_and_cross_attention(config, scores):
    query, value, key = _data((2, 5, 6), (2, 4, 3), (2, 4, 8))
    mine, theirs = _pair(**config)
    kwargs = dict(return_attention_scores=scores)
    assert_layer_parity(
        mine,
        theirs,
        [query, value, key],
        inputs_as_list=False,
        call_kwargs=kwargs,
        rtol=RTOL,
        atol=ATOL,
    )


@pytest.mark.parametrize("causal", [False, True])
def test_attention_mask_and_causal(causal):
    query, value = _data((3, 5, 6), (3, 7, 6))
    mask = np.random.default_rng(1).random((3, 5, 7)) > 0.4
    mask[0, 0] = False  # a fully masked row: uniform attention, as in Keras
    mine, theirs = _pair(num_heads=2, key_dim=3)
    kwargs = dict(attention_mask=mask, use_causal_mask=causal, return_attention_scores=True)
    assert_layer_parity(
        mine,
        theirs,
        [query, value],
        inputs_as_list=False,
        call_kwargs=kwargs,
        rtol=RTOL,
        atol=ATOL,
    )


def test_causal_only_fused_path():
    (x,) = _data((2, 6, 8))
    mine, theirs = _pair(num_heads=2, key_dim=4)
    assert_layer_parity(
        mine,
        theirs,
        [x, x],
        inputs_as_list=False,
        call_kwargs=dict(use_causal_mask=True),
        rtol=RTOL,
        atol=ATOL,
    )


@pytest.mark.parametrize("axes", [(2,), (1, 2), -2])  # (1,) is the default
def test_attention_axes(axes):
    query, value = _data((2, 3, 4, 5), (2, 3, 4, 6))
    mine, theirs = _pair(num_heads=2, key_dim=3, attention_axes=axes)
    mask = np.random.default_rng(2).random((2, 3, 4, 3, 4)) > 0.3 if axes == (1, 2) else None
    kwargs = dict(return_attention_scores=True)
    if mask is not None:
        kwargs["attention_mask"] = mask
    assert_layer_parity(
        mine,
        theirs,
        [query, value],
        inputs_as_list=False,
        call_kwargs=kwargs,
        rtol=RTOL,
        atol=ATOL,
    )
    assert mine.get_config()["attention_axes"] == theirs.get_config()["attention_axes"]


def test_keras_masks_propagate_from_embedding():
    """Query/value masks from an Embedding(mask_zero=True) reach the attention and the
    output carries the query's mask, in a functional model on both sides."""
    tokens = np.array([[3, 5, 0, 0], [7, 1, 2, 0]], dtype="int32")

    def build(lib):
        inputs = lib.Input((4,), dtype="int32")
        x = lib.layers.Embedding(10, 6, mask_zero=True)(inputs)
        y = lib.layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)
        return lib.Model(inputs, y)

    mine, theirs = build(lamina), build(keras)
    theirs.set_weights(mine.get_weights())
    np.testing.assert_allclose(
        mine.predict(tokens, verbose=0), theirs.predict(tokens, verbose=0), rtol=RTOL, atol=ATOL
    )
    emb_l, mha_l = mine.layers[1], mine.layers[2]
    emb_k, mha_k = theirs.layers[1], theirs.layers[2]
    x_l, x_k = emb_l(tokens), emb_k(tokens)
    out_l, out_k = mha_l(x_l, x_l), mha_k(x_k, x_k)
    np.testing.assert_allclose(out_l.numpy(), np.asarray(out_k), rtol=RTOL, atol=ATOL)
    np.testing.assert_array_equal(out_l._keras_mask.numpy(), np.asarray(out_k._keras_mask))


def test_weight_paths_and_config():
    (x,) = _data((2, 5, 16))
    config = dict(num_heads=4, key_dim=8, value_dim=6, output_shape=(3,), dropout=0.1, seed=3)
    config["name"] = "mha"  # fixed: automatic names depend on earlier tests
    mine, theirs = _pair(**config)
    mine(x, x)
    theirs(x, x)
    assert [w.path for w in mine.trainable_weights] == [w.path for w in theirs.trainable_weights]
    config_l, config_k = mine.get_config(), theirs.get_config()
    config_l.pop("dtype"), config_k.pop("dtype")
    assert config_l == config_k
    shapes_k = theirs.get_build_config()["shapes_dict"]
    assert mine.get_build_config()["shapes_dict"] == {k: list(v) for k, v in shapes_k.items()}
    clone = keras.layers.MultiHeadAttention.from_config(mine.get_config())
    assert clone.get_config()["value_dim"] == 6


@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_weights_h5_both_ways(tmp_path, direction):
    (x,) = _data((2, 6, 8))
    path = str(tmp_path / "mha.weights.h5")

    def build(lib):
        inputs = lib.Input((6, 8))
        y = lib.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs)
        return lib.Model(inputs, y)

    mine, theirs = build(lamina), build(keras)
    source, target = (theirs, mine) if direction == "keras_to_lamina" else (mine, theirs)
    source.save_weights(path)
    target.load_weights(path)
    np.testing.assert_allclose(
        np.asarray(mine.predict(x, verbose=0)),
        np.asarray(theirs.predict(x, verbose=0)),
        rtol=RTOL,
        atol=ATOL,
    )


def test_keras_file_loads_in_lamina(tmp_path):
    (x,) = _data((2, 6, 8))
    inputs = keras.Input((6, 8))
    attention = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.2)
    model = keras.Model(inputs, attention(inputs, inputs, use_causal_mask=True))
    path = str(tmp_path / "mha.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0),
        np.asarray(model.predict(x, verbose=0)),
        rtol=RTOL,
        atol=ATOL,
    )
