"""mixed_bfloat16 parity with Keras 3 (JAX): op result dtypes and values, and a
Dense/LayerNormalization model's outputs and weight gradients.

Tolerance: bfloat16 keeps 8 significant bits, so one rounding moves a value by up to
2**-8 relative and neighbouring bfloat16 numbers are 2**-7 apart. Both sides compute
each op in float32 and round its result, but not always at the same points (lamina's
fused Dense rounds once after matmul+bias+activation, Keras after each step; gradients
are summed over the batch in different orders), so a value may land one bfloat16 step
away: rtol = atol = 2**-6 (two steps; atol covers values near zero), with gradients'
atol scaled by their largest entry. Measured: model outputs equal, gradients within
0.7% of their scale. A real error (a layer left in float32, a missing bias) moves
values by far more.
"""

import jax
import keras
import ml_dtypes
import numpy as np
import pytest

import lamina
from lamina import ops

BF16 = np.dtype(ml_dtypes.bfloat16)
OP_TOL = 2**-6
MODEL_TOL = 2**-6

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4)).astype(BF16)
B = rng.standard_normal((3, 4)).astype(BF16)
M = rng.standard_normal((4, 2)).astype(BF16)
POSITIVE = (np.abs(A.astype("float32")) + 0.5).astype(BF16)
INT32 = np.arange(12, dtype="int32").reshape(3, 4)
FLOAT16 = rng.standard_normal((3, 4)).astype("float16")
FLOAT32 = rng.standard_normal((3, 4)).astype("float32")

OPS = {
    "add": lambda o: o.add(A, B),
    "add_int32": lambda o: o.subtract(A, INT32),
    "multiply_float16": lambda o: o.multiply(A, FLOAT16),
    "multiply_float32": lambda o: o.multiply(A, FLOAT32),
    "multiply_python_float": lambda o: o.multiply(A, 2.0),
    "divide_int32": lambda o: o.divide(INT32, A),
    "power": lambda o: o.power(POSITIVE, 2.0),
    "matmul": lambda o: o.matmul(A, M),
    "einsum": lambda o: o.einsum("ij,jk->ik", A, M),
    "exp": lambda o: o.exp(A),
    "log": lambda o: o.log(POSITIVE),
    "rsqrt": lambda o: o.rsqrt(POSITIVE),
    "sum": lambda o: o.sum(A),
    "mean": lambda o: o.mean(A, axis=0),
    "var": lambda o: o.var(A),
    "cumsum": lambda o: o.cumsum(A, axis=1),
    "softmax": lambda o: o.softmax(A),
    "log_softmax": lambda o: o.log_softmax(A),
    "gelu": lambda o: o.gelu(A),
    "sigmoid": lambda o: o.sigmoid(A),
    "where": lambda o: o.where(A > 0, A, 0.0),
    "concatenate_float32": lambda o: o.concatenate([A, FLOAT32]),
    "take": lambda o: o.take(A, np.array([0, 2]), axis=1),
    "ones_like": lambda o: o.ones_like(A),
    "zeros_like_float32": lambda o: o.zeros_like(A, dtype="float32"),
    "cast_float32": lambda o: o.cast(A, "float32"),
    "cast_to_bfloat16": lambda o: o.cast(FLOAT32, "bfloat16"),
    "argmax": lambda o: o.argmax(A),
    "greater": lambda o: o.greater(A, B),
    "normalize": lambda o: o.normalize(A),
    "moments_variance": lambda o: o.moments(A, axes=[1])[1],
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_on_bfloat16_matches_keras(name):
    expected = OPS[name](keras.ops)
    result = OPS[name](lamina.ops)
    assert result.dtype == keras.backend.standardize_dtype(expected.dtype)
    np.testing.assert_allclose(
        result.numpy().astype("float64"),
        np.asarray(expected).astype("float64"),
        rtol=OP_TOL,
        atol=OP_TOL,
    )


def build(lib, policy):
    layers = lib.layers
    return lib.Sequential(
        [
            lib.Input((6,)),
            layers.Dense(16, activation="relu", dtype=policy),
            layers.LayerNormalization(dtype=policy),
            layers.Dense(3, dtype=policy),
        ]
    )


def keras_loss_and_grads(model, x):
    def loss_fn(trainable):
        y, _ = model.stateless_call(trainable, model.non_trainable_variables, x)
        return jax.numpy.mean(jax.numpy.square(y.astype("float32"))), y

    trainable = [v.value for v in model.trainable_variables]
    (_, y), grads = jax.value_and_grad(loss_fn, has_aux=True)(trainable)
    return np.asarray(y), [np.asarray(g) for g in grads]


def test_dense_layer_normalization_model_matches_keras_under_mixed_bfloat16():
    x = rng.standard_normal((8, 6)).astype("float32")
    ours = build(lamina, "mixed_bfloat16")
    theirs = build(keras, "mixed_bfloat16")
    theirs.set_weights(ours.get_weights())
    with lamina.GradientTape() as tape:
        y = ours(x)
        loss = ops.mean(ops.square(ops.cast(y, "float32")))
    grads = tape.gradient(loss, ours.trainable_variables)
    y_keras, grads_keras = keras_loss_and_grads(theirs, x)

    assert y.dtype == "bfloat16" and y_keras.dtype == BF16
    assert [v.dtype for v in ours.weights] == [v.dtype for v in theirs.weights]
    np.testing.assert_allclose(
        y.numpy().astype("float32"), y_keras.astype("float32"), rtol=MODEL_TOL, atol=MODEL_TOL
    )
    for g, g_keras, v in zip(grads, grads_keras, ours.trainable_variables):
        assert g.dtype == "float32" == g_keras.dtype, v.path
        scale = np.abs(g_keras).max()
        np.testing.assert_allclose(
            g.numpy(), g_keras, rtol=MODEL_TOL, atol=MODEL_TOL * scale, err_msg=v.path
        )
