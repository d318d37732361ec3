"""Layers under the `mixed_bfloat16` policy: bfloat16 compute, float32 variables."""

import numpy as np
import pytest

import lamina
from lamina import GradientTape, ops
from lamina.layers import Dense, Input, LayerNormalization

pytest.importorskip("ml_dtypes")


def model_and_input(policy="mixed_bfloat16"):
    model = lamina.Sequential(
        [
            Input((6,)),
            Dense(8, activation="relu", dtype=policy),
            LayerNormalization(dtype=policy),
            Dense(3, dtype=policy),
        ]
    )
    x = np.random.default_rng(0).standard_normal((4, 6)).astype("float32")
    return model, x


def test_mixed_bfloat16_model_keeps_float32_variables_and_outputs_bfloat16():
    model, x = model_and_input()
    with GradientTape() as tape:
        y = model(x)
        loss = ops.mean(ops.square(ops.cast(y, "float32")))
    grads = tape.gradient(loss, model.trainable_variables)
    assert y.dtype == "bfloat16"
    assert {v.dtype for v in model.weights} == {"float32"}
    assert len(grads) == 6 and all(g is not None and g.dtype == "float32" for g in grads)


def test_mixed_bfloat16_matches_float32_to_bfloat16_precision():
    mixed, x = model_and_input()
    full, _ = model_and_input("float32")
    full.set_weights(mixed.get_weights())
    y_mixed = mixed(x).numpy().astype("float32")
    y_full = full(x).numpy()
    # Each rounding to bfloat16 costs up to 2**-8 relative; a few of them stack up.
    np.testing.assert_allclose(y_mixed, y_full, rtol=2**-5, atol=2**-5)
    assert not np.array_equal(y_mixed, y_full)  # really computed in bfloat16


def test_bfloat16_policy_layer_has_bfloat16_variables():
    layer = Dense(2, dtype="bfloat16")
    y = layer(np.ones((1, 3), "float32"))
    assert layer.kernel.dtype == "bfloat16" and y.dtype == "bfloat16"


def test_bfloat16_inputs_are_autocast_to_float32_layers():
    layer = Dense(2)
    y = layer(ops.convert_to_tensor(np.ones((1, 3)), "bfloat16"))
    assert y.dtype == "float32"


def test_symbolic_model_under_mixed_bfloat16_has_bfloat16_outputs():
    inputs = Input((6,))
    outputs = Dense(2, dtype="mixed_bfloat16")(inputs)
    assert outputs.dtype == "bfloat16"
    model = lamina.Model(inputs, outputs)
    assert model(np.ones((2, 6), "float32")).dtype == "bfloat16"
