"""Attention (Luong) and AdditiveAttention (Bahdanau) vs Keras 3 (JAX): outputs,
distributions, gradients w.r.t. inputs and weights, masks and config."""

import numpy as np
import pytest
from layer_harness import assert_layer_parity, keras

import lamina

RTOL, ATOL = 1e-5, 1e-6


def _data(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype("float32") for s in shapes]


CASES = [
    ("Attention", dict(), False),
    ("Attention", dict(use_scale=True), True),
    ("Attention", dict(use_scale=True, score_mode="concat"), False),
    ("Attention", dict(score_mode="concat"), True),
    ("AdditiveAttention", dict(), True),
    ("AdditiveAttention", dict(use_scale=False), False),
]


@pytest.mark.parametrize("name, config, with_key", CASES)
def test_outputs_scores_and_gradients(name, config, with_key):
    query, value, key = _data((2, 3, 4), (2, 5, 4), (2, 5, 4))
    inputs = [query, value, key] if with_key else [query, value]
    mine = getattr(lamina.layers, name)(**config)
    theirs = getattr(keras.layers, name)(**config)
    assert_layer_parity(
        mine,
        theirs,
        inputs,
        call_kwargs=dict(return_attention_scores=True),
        rtol=RTOL,
        atol=ATOL,
    )
    assert mine.get_config() | {"dtype": None} == theirs.get_config() | {"dtype": None}


@pytest.mark.parametrize("name", ["Attention", "AdditiveAttention"])
@pytest.mark.parametrize("causal", [False, True])
def test_masks(name, causal):
    query, value = _data((2, 4, 3), (2, 4, 3))
    mask = [np.array([[1, 1, 0, 1], [1, 0, 0, 0]], bool), np.array([[1, 0, 1, 1]] * 2, bool)]
    kwargs = dict(mask=mask, use_causal_mask=causal, return_attention_scores=True)
    assert_layer_parity(
        getattr(lamina.layers, name)(),
        getattr(keras.layers, name)(),
        [query, value],
        call_kwargs=kwargs,
        rtol=RTOL,
        atol=ATOL,
    )
