"""Activations of lamina.ops.nn: values, dtypes, shapes and gradients."""

import math
import warnings

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients

_erf = np.vectorize(math.erf, otypes=["float64"])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


ALPHA, SCALE = 1.6732632423543772, 1.0507009873554805

# name: (kwargs, float64 NumPy reference)
ELEMENTWISE = {
    "relu": ({}, lambda x: np.maximum(x, 0)),
    "relu6": ({}, lambda x: np.clip(x, 0, 6)),
    "sigmoid": ({}, _sigmoid),
    "silu": ({}, lambda x: x * _sigmoid(x)),
    "swish": ({}, lambda x: x * _sigmoid(x)),
    "log_sigmoid": ({}, lambda x: -np.logaddexp(0, -x)),
    "softplus": ({}, lambda x: np.logaddexp(0, x)),
    "softsign": ({}, lambda x: x / (np.abs(x) + 1)),
    "elu": ({"alpha": 0.7}, lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0)))),
    "selu": ({}, lambda x: SCALE * np.where(x > 0, x, ALPHA * np.expm1(np.minimum(x, 0)))),
    "celu": ({"alpha": 2.0}, lambda x: np.maximum(x, 0) + 2 * np.expm1(np.minimum(x, 0) / 2)),
    "gelu": (
        {},
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
    ),
    "gelu_exact": ({"approximate": False}, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2)))),
    "hard_sigmoid": ({}, lambda x: np.clip(x + 3, 0, 6) / 6),
    "hard_silu": ({}, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "hard_swish": ({}, lambda x: x * np.clip(x + 3, 0, 6) / 6),
    "hard_tanh": ({}, lambda x: np.clip(x, -1, 1)),
    "hard_shrink": ({"threshold": 0.7}, lambda x: np.where(np.abs(x) > 0.7, x, 0)),
    "soft_shrink": ({"threshold": 0.7}, lambda x: x - np.clip(x, -0.7, 0.7)),
    "tanh_shrink": ({}, lambda x: x - np.tanh(x)),
    "leaky_relu": ({"negative_slope": 0.1}, lambda x: np.where(x >= 0, x, 0.1 * x)),
    "squareplus": ({"b": 2}, lambda x: (x + np.sqrt(x * x + 2)) / 2),
    "sparse_plus": (
        {},
        lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    ),
    "sparse_sigmoid": ({}, lambda x: np.clip((x + 1) / 2, 0, 1)),
}
INTEGER_KEEPING = {"relu", "hard_tanh"}


def _op(name):
    return getattr(ops.nn, "gelu" if name == "gelu_exact" else name)


def _inputs(rng, shape, dtype="float64"):
    # spread over all pieces (|x| up to ~8) while staying away from the kinks
    return (rng.standard_normal(shape) * 3).astype(dtype)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(3, 4), (2, 1, 5), (1,), (), (0, 3)])
def test_values_and_shapes(name, shape, rng):
    kwargs, ref = ELEMENTWISE[name]
    x = _inputs(rng, shape)
    out = _op(name)(x, **kwargs)
    assert out.shape == shape and out.dtype == "float64"
    np.testing.assert_allclose(out.numpy(), ref(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_float_dtype_is_kept(name, dtype, rng):
    kwargs, ref = ELEMENTWISE[name]
    x = _inputs(rng, (4, 5), dtype)
    out = _op(name)(x, **kwargs)
    assert out.dtype == dtype
    tol = 2e-3 if dtype == "float16" else 2e-6
    np.testing.assert_allclose(out.numpy(), ref(x.astype("float64")), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_integer_inputs(name):
    kwargs, ref = ELEMENTWISE[name]
    x = np.array([[-4, -1, 0], [1, 2, 9]], dtype="int32")
    out = _op(name)(x, **kwargs)
    assert out.dtype == ("int32" if name in INTEGER_KEEPING else "float32")
    np.testing.assert_allclose(out.numpy(), ref(x.astype("float64")), rtol=1e-6, atol=1e-6)


def test_python_lists_become_floatx():
    assert ops.nn.sigmoid([0.0, 1.0]).dtype == "float32"
    assert ops.nn.relu([1, -2]).dtype == "int32"


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(3, 4), (), (1, 1)])
def test_gradients(name, shape, rng):
    kwargs, _ = ELEMENTWISE[name]
    check_gradients(lambda t: _op(name)(t, **kwargs), [_inputs(rng, shape)])


def test_sigmoid_family_is_stable_at_extremes():
    x = np.array([-1000.0, -90.0, 0.0, 90.0, 1000.0], "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        s = ops.nn.sigmoid(x).numpy()
        ls = ops.nn.log_sigmoid(x).numpy()
        sp = ops.nn.softplus(x).numpy()
    np.testing.assert_allclose(s, [0, 0, 0.5, 1, 1], atol=1e-30)
    np.testing.assert_allclose(ls, [-1000, -90, -np.log(2), 0, 0], rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(sp, [0, 0, np.log(2), 90, 1000], rtol=1e-6, atol=1e-30)
    x = ops.convert_to_tensor(x)
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.nn.log_sigmoid(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1, 1, 0.5, 0, 0], atol=1e-30)


def test_log_sigmoid_gradient_keeps_precision_for_large_inputs():
    x = ops.convert_to_tensor(np.array([20.0, 30.0], "float32"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.nn.log_sigmoid(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.exp([-20.0, -30.0]), rtol=1e-5)


@pytest.mark.parametrize(
    "x,thr,default,expected",
    [
        (np.array([0.5, 2.0]), 1.0, 0.0, [0.0, 2.0]),
        (np.array([1, 3], "int32"), 2, 0.5, [0.5, 3.0]),
        (np.array([1, 3], "int32"), 2, -1, [-1, 3]),
    ],
)
def test_threshold_values_and_dtype(x, thr, default, expected):
    out = ops.nn.threshold(x, thr, default)
    np.testing.assert_allclose(out.numpy(), expected)
    assert out.dtype == {"float64": "float64", "int32": "int32"}[x.dtype.name] or (
        isinstance(default, float) and out.dtype == "float32"
    )


def test_threshold_gradients(rng):
    x = rng.standard_normal((3, 4))
    check_gradients(lambda t: ops.nn.threshold(t, 0.1, -2.0), [x])
    check_gradients(lambda t, d: ops.nn.threshold(t, 0.1, d), [x, rng.standard_normal((4,))])


# --- axis activations -------------------------------------------------------------


def _softmax_ref(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


AXES = [((3, 5), -1), ((3, 5), 0), ((2, 3, 4), 1), ((2, 3, 4), (0, 2)), ((6,), 0)]


@pytest.mark.parametrize("shape,axis", AXES)
def test_softmax_and_log_softmax(shape, axis, rng):
    x = rng.standard_normal(shape) * 5
    np.testing.assert_allclose(ops.nn.softmax(x, axis=axis).numpy(), _softmax_ref(x, axis))
    np.testing.assert_allclose(
        ops.nn.log_softmax(x, axis=axis).numpy(), np.log(_softmax_ref(x, axis))
    )
    check_gradients(lambda t: ops.nn.softmax(t, axis=axis), [x])
    check_gradients(lambda t: ops.nn.log_softmax(t, axis=axis), [x])


def test_softmax_stability_and_dtypes():
    x = np.array([[1000.0, 0.0, -1000.0]], "float32")
    np.testing.assert_allclose(ops.nn.softmax(x).numpy(), [[1, 0, 0]])
    np.testing.assert_allclose(ops.nn.log_softmax(x).numpy(), [[0, -1000, -2000]])
    assert ops.nn.softmax(np.ones((2, 3), "float16")).dtype == "float16"
    assert ops.nn.softmax(np.ones((2, 3), "int32")).dtype == "float32"
    assert ops.nn.softmax(np.ones((0, 3), "float32")).shape == (0, 3)
    assert ops.nn.log_softmax(np.ones((2, 0), "float32")).shape == (2, 0)


def test_softmax_warns_on_size_one_axis_and_rejects_scalars():
    with pytest.warns(UserWarning, match="axis -1"):
        ops.nn.softmax(np.ones((3, 1), "float32"))
    with pytest.raises(ValueError, match="softmax: needs a tensor of rank >= 1"):
        ops.nn.softmax(np.float32(1.0))


def test_softmax_is_one_tape_node():
    x = ops.convert_to_tensor(np.ones((2, 3), "float32"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.nn.softmax(x)
    assert y._node.name == "softmax" and y._node.parents[0][0] is x._node


@pytest.mark.parametrize("shape,axis", [((4, 6), -1), ((3, 4, 5), 1), ((5,), 0)])
def test_sparsemax(shape, axis, rng):
    x = rng.standard_normal(shape) * 2
    out = ops.nn.sparsemax(x, axis=axis).numpy()
    assert out.shape == shape and (out >= 0).all()
    check_gradients(lambda t: ops.nn.sparsemax(t, axis=axis), [x])


def test_sparsemax_one_dominant_entry_is_one_hot():
    out = ops.nn.sparsemax(np.array([[0.0, 1.0, 3.0], [5.0, -1.0, 0.0]]))
    np.testing.assert_allclose(out.numpy(), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize("shape,axis", [((3, 8), -1), ((4, 2, 3), 1), ((6,), 0)])
def test_glu(shape, axis, rng):
    x = rng.standard_normal(shape)
    a, b = np.split(x, 2, axis=axis)
    np.testing.assert_allclose(ops.nn.glu(x, axis=axis).numpy(), a * _sigmoid(b))
    check_gradients(lambda t: ops.nn.glu(t, axis=axis), [x])


def test_glu_needs_an_even_axis():
    with pytest.raises(ValueError, match="glu: the size of axis 1 must be even"):
        ops.nn.glu(np.ones((2, 3)))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_forward_and_vjp_stay_float32(name, rng):
    # no float64 temporaries sneak in (NumPy promotes bool * Python float to float64)
    kwargs, _ = ELEMENTWISE[name]
    x = _inputs(rng, (3, 4), "float32")
    out, vjp = _op(name).forward(x, **kwargs)
    grad = vjp(np.ones_like(x))
    assert out.dtype == grad.dtype == np.float32


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fast_log1p_and_expm1_are_accurate(dtype):
    from lamina.ops.nn_activations import expm1_nonpositive, log1p_array

    eps = np.finfo(dtype).eps
    e = np.concatenate([np.logspace(-40, 0, 4001), [0.0]]).astype(dtype)
    ref = np.log1p(e.astype("float64"))
    np.testing.assert_allclose(log1p_array(np, e), ref, rtol=4 * eps, atol=0)
    x = -np.concatenate([np.logspace(-40, 3, 4001), [0.0]]).astype(dtype)
    np.testing.assert_allclose(
        expm1_nonpositive(np, x), np.expm1(x.astype("float64")), rtol=4 * eps
    )
    np.testing.assert_allclose(expm1_nonpositive(np, np.array([2.0, 0.0], dtype)), [0.0, 0.0])
