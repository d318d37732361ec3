"""GroupedQueryAttention vs Keras 3 (JAX): outputs, scores, gradients w.r.t. inputs and
every weight, masks, config."""

import numpy as np
import pytest
from layer_harness import assert_layer_parity, keras

import lamina

RTOL, ATOL = 1e-5, 1e-5  # atol: the key bias's gradient is zero up to rounding


def _data(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype("float32") for s in shapes]


@pytest.mark.parametrize(
    "config, kwargs",
    [
        (dict(head_dim=3, num_query_heads=4, num_key_value_heads=2), {}),
        (
            dict(head_dim=2, num_query_heads=3, num_key_value_heads=1, use_gate=True),
            dict(return_attention_scores=True, use_causal_mask=True),
        ),
        (
            dict(head_dim=2, num_query_heads=2, num_key_value_heads=2, sliding_window=2),
            dict(return_attention_scores=True),
        ),
    ],
)
def test_outputs_scores_and_gradients(config, kwargs):
    query, value, key = _data((2, 5, 6), (2, 4, 6), (2, 4, 3))
    mask = np.random.default_rng(1).random((2, 5, 4)) > 0.3
    kwargs = dict(kwargs, attention_mask=mask)
    mine = lamina.layers.GroupQueryAttention(**config)
    theirs = keras.layers.GroupQueryAttention(**config)
    assert_layer_parity(
        mine,
        theirs,
        [query, value, key],
        inputs_as_list=False,
        call_kwargs=kwargs,
        rtol=RTOL,
        atol=ATOL,
    )
    config_l, config_k = mine.get_config(), theirs.get_config()
    assert {**config_l, "name": 0, "dtype": 0} == {**config_k, "name": 0, "dtype": 0}
