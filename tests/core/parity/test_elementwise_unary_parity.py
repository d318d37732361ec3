"""Elementwise unary ops (math, trigonometry, special functions, complex parts) vs Keras."""

import importlib

import numpy as np
import pytest
from harness import assert_parity, keras

_MODULES = [
    "elementwise_unary",
    "elementwise_trig",
    "elementwise_special",
    "elementwise_complex",
]


def lop(name):
    """The lamina op `name` from the unary elementwise modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


# name: (low, high) of float32 inputs, away from poles and kinks
DOMAINS = {
    "abs": (-2.0, 2.0),
    "absolute": (-2.0, 2.0),
    "fabs": (-2.0, 2.0),
    "negative": (-2.0, 2.0),
    "square": (-2.0, 2.0),
    "sqrt": (0.5, 2.0),
    "rsqrt": (0.5, 2.0),
    "reciprocal": (0.5, 2.0),
    "cbrt": (-2.0, 2.0),
    "exp": (-2.0, 2.0),
    "exp2": (-2.0, 2.0),
    "expm1": (-2.0, 2.0),
    "log": (0.5, 2.0),
    "log2": (0.5, 2.0),
    "log10": (0.5, 2.0),
    "log1p": (-0.5, 2.0),
    "sin": (-2.0, 2.0),
    "cos": (-2.0, 2.0),
    "tan": (-1.2, 1.2),
    "arcsin": (-0.8, 0.8),
    "arccos": (-0.8, 0.8),
    "arctan": (-2.0, 2.0),
    "sinh": (-2.0, 2.0),
    "cosh": (-2.0, 2.0),
    "tanh": (-2.0, 2.0),
    "arcsinh": (-2.0, 2.0),
    "arccosh": (1.2, 3.0),
    "arctanh": (-0.8, 0.8),
    "deg2rad": (-90.0, 90.0),
    "rad2deg": (-2.0, 2.0),
    "sinc": (0.1, 2.0),
    "erf": (-3.0, 3.0),
    "erfc": (-3.0, 3.0),
    "erfinv": (-0.9, 0.9),
    "i0": (-3.0, 3.0),
    "copy": (-2.0, 2.0),
    "real": (-2.0, 2.0),
    "conj": (-2.0, 2.0),
    "conjugate": (-2.0, 2.0),
    "imag": (-2.0, 2.0),
    "angle": (-2.0, 2.0),
    "ceil": (-2.0, 2.0),
    "floor": (-2.0, 2.0),
    "trunc": (-2.0, 2.0),
    "sign": (-2.0, 2.0),
    "signbit": (-2.0, 2.0),
}


@pytest.mark.parametrize("name", DOMAINS)
@pytest.mark.parametrize("shape", [(3, 4), (1,), ()])
def test_float32_values_and_gradients(name, shape):
    low, high = DOMAINS[name]
    x = np.random.default_rng(0).uniform(low, high, shape).astype("float32")
    assert_parity(lop(name), getattr(keras.ops, name), [x])


# Keras refuses integers in erf and rsqrt; lamina computes them in floatx like the others.
INT_NAMES = [n for n in DOMAINS if n not in ("erf", "rsqrt")]


@pytest.mark.parametrize("name", INT_NAMES)
@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool"])
def test_integer_and_bool_dtypes(name, dtype):
    if dtype == "bool" and name in ("negative", "sign"):
        pytest.skip("Keras refuses bool here, as lamina does")
    x = np.array([0, 1, 2, 1], dtype)
    with np.errstate(all="ignore"):  # arccos(2), arctanh(1), ...: NaN and inf as in Keras
        assert_parity(lop(name), getattr(keras.ops, name), [x])


def test_float16_dtypes():
    x = np.array([0.25, 0.5, 1.0], "float16")
    for name in ["sin", "exp", "erf", "sqrt", "i0", "erfinv", "square", "trunc"]:
        # float16 has 3 decimal digits: compare at its own precision.
        assert_parity(lop(name), getattr(keras.ops, name), [x], rtol=2e-3, atol=1e-3, grads=False)


@pytest.mark.parametrize("decimals", [0, 1, 2, -1])
def test_round(decimals):
    x = np.array([0.5, 1.5, 2.5, -2.5, 1.26, 149.0, 151.0, 14.9], "float32")
    assert_parity(lambda t: lop("round")(t, decimals), lambda t: keras.ops.round(t, decimals), [x])
    n = np.array([15, 25, 149, -151, 7], "int32")
    assert_parity(lambda t: lop("round")(t, decimals), lambda t: keras.ops.round(t, decimals), [n])


@pytest.mark.parametrize("kwargs", [{}, {"nan": 1.0, "posinf": 5.0, "neginf": -5.0}, {"nan": -2.0}])
def test_nan_to_num(kwargs):
    x = np.array([np.nan, np.inf, -np.inf, 1.5, -0.5], "float32")
    assert_parity(
        lambda t: lop("nan_to_num")(t, **kwargs), lambda t: keras.ops.nan_to_num(t, **kwargs), [x]
    )


def test_edge_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 30.0, -30.0], "float32")
    for name in ["erf", "erfc", "tanh", "sign", "signbit", "abs", "exp", "sinc"]:
        with np.errstate(all="ignore"):  # sinc(inf) is NaN
            assert_parity(lop(name), getattr(keras.ops, name), [x], grads=False)
    y = np.array([1.0, -1.0, 0.0, 1.5, np.nan, 0.999999], "float32")
    # erfinv is steep next to 1: 1e-4 relative there is a few float32 ulps of the input.
    assert_parity(lop("erfinv"), keras.ops.erfinv, [y], rtol=1e-4, grads=False)


@pytest.mark.parametrize("name", ["real", "imag", "conj", "abs", "angle", "sqrt", "exp"])
def test_complex_values(name):
    z = np.array([3 + 4j, -1 + 0.5j, 0.25 - 2j], "complex64")
    assert_parity(lop(name), getattr(keras.ops, name), [z])
