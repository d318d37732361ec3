"""bfloat16 as a lamina dtype on the CPU: conversion, casts, Keras's promotion, gradients."""

import numpy as np
import pytest

import lamina
from lamina import GradientTape, ops
from lamina.backend import arrays

ml_dtypes = pytest.importorskip("ml_dtypes")
BF16 = np.dtype(ml_dtypes.bfloat16)


def bf16(values):
    return ops.convert_to_tensor(values, "bfloat16")


def test_convert_and_cast_make_bfloat16_arrays():
    x = bf16([1.0, 2.5, 3.3])
    assert x.dtype == "bfloat16" and x.numpy().dtype == BF16
    np.testing.assert_array_equal(x.numpy().astype("float32"), [1.0, 2.5, 3.296875])
    assert ops.cast(np.arange(3.0), "bfloat16").dtype == "bfloat16"
    assert ops.cast(x, "float32").dtype == "float32"
    assert ops.convert_to_tensor(np.ones(2, BF16)).dtype == "bfloat16"
    assert lamina.backend.standardize_dtype(ml_dtypes.bfloat16) == "bfloat16"


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        (lambda x: x + x, "bfloat16"),
        (lambda x: x * 2.0, "bfloat16"),
        (lambda x: x + 1, "bfloat16"),
        (lambda x: x + np.ones(3, "int32"), "bfloat16"),
        (lambda x: x + np.ones(3, "float16"), "float32"),
        (lambda x: x + np.ones(3, "float32"), "float32"),
        (lambda x: ops.matmul(x, x), "bfloat16"),
        (lambda x: ops.exp(x), "bfloat16"),
        (lambda x: ops.mean(x), "bfloat16"),
        (lambda x: ops.softmax(x), "bfloat16"),
        (lambda x: ops.zeros_like(x), "bfloat16"),
        (lambda x: ops.zeros_like(x, dtype="float32"), "float32"),
        (lambda x: ops.argmax(x), "int32"),
        (lambda x: x > 1.0, "bool"),
    ],
)
def test_result_dtypes_follow_keras_promotion(fn, expected):
    assert fn(bf16([1.0, 2.0, 3.0])).dtype == expected


def test_primitives_compute_in_float32_and_round_once():
    # NumPy's own bfloat16 arithmetic rounds every partial sum (and its matmul returns
    # float32); lamina accumulates in float32 and rounds the result once.
    values = np.random.default_rng(0).standard_normal((8, 16)).astype(BF16)
    total = ops.sum(bf16(values)).numpy()
    assert total == values.astype("float32").sum().astype(BF16)
    expected = (values.astype("float32") @ values.T.astype("float32")).astype(BF16)
    np.testing.assert_array_equal(ops.matmul(bf16(values), bf16(values.T)).numpy(), expected)


def test_gradients_flow_in_bfloat16_and_back_to_float32_variables():
    x = bf16([1.0, 2.0, 3.0])
    v = lamina.Variable(np.array([0.5, 1.0, 1.5], "float32"))
    with GradientTape() as tape:
        tape.watch(x)
        loss = ops.sum(ops.cast(v, "bfloat16") * x * x)
    g_x, g_v = tape.gradient(loss, [x, v])
    assert g_x.dtype == "bfloat16" and g_v.dtype == "float32"
    np.testing.assert_array_equal(g_x.numpy().astype("float32"), [1.0, 4.0, 9.0])
    np.testing.assert_array_equal(g_v.numpy(), [1.0, 4.0, 9.0])


def test_random_draws_in_bfloat16():
    assert lamina.random.normal((4,), dtype="bfloat16", seed=1).dtype == "bfloat16"
    assert lamina.random.uniform((4,), dtype="bfloat16", seed=1).dtype == "bfloat16"


def test_bfloat16_on_gpu_fails_clearly(monkeypatch):
    class FakeGpuDevice:
        xp = object()  # any namespace that is not NumPy stands for CuPy

    monkeypatch.setattr(arrays, "get_device", lambda: FakeGpuDevice())
    monkeypatch.setattr(arrays, "_cupy", arrays._cupy)  # asarray records the GPU module
    with pytest.raises(TypeError, match="bfloat16 tensors are CPU-only"):
        arrays.asarray([1.0], dtype="bfloat16")
