"""Elementwise binary ops (arithmetic, extrema, clip, binary math) vs Keras on JAX."""

import importlib

import numpy as np
import pytest
from harness import assert_parity, keras

_MODULES = ["elementwise_binary", "elementwise_extrema", "elementwise_binary_math"]


def lop(name):
    """The lamina op `name` from the binary elementwise modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


# name: (x1 range, x2 range) of float32 inputs, away from kinks and ties
DOMAINS = {
    "add": ((-2, 2), (-2, 2)),
    "subtract": ((-2, 2), (-2, 2)),
    "multiply": ((-2, 2), (-2, 2)),
    "divide": ((-2, 2), (0.5, 2)),
    "true_divide": ((-2, 2), (0.5, 2)),
    "divide_no_nan": ((-2, 2), (0.5, 2)),
    "power": ((0.5, 2), (-2, 2)),
    "floor_divide": ((-2, 2), (0.5, 2)),
    "mod": ((0.1, 0.9), (1.5, 2)),
    "fmod": ((-0.9, 0.9), (1.5, 2)),
    "maximum": ((-2, -0.1), (0.1, 2)),
    "minimum": ((-2, -0.1), (0.1, 2)),
    "fmax": ((-2, -0.1), (0.1, 2)),
    "fmin": ((-2, -0.1), (0.1, 2)),
    "arctan2": ((-2, 2), (0.5, 2)),
    "hypot": ((0.5, 2), (-2, -0.5)),
    "logaddexp": ((-2, 2), (-2, 2)),
    "logaddexp2": ((-2, 2), (-2, 2)),
    "heaviside": ((-2, 2), (-2, 2)),
}
SHAPES = [((3, 4), (3, 4)), ((2, 1, 4), (3, 1)), ((4,), ())]


@pytest.mark.parametrize("name", DOMAINS)
@pytest.mark.parametrize("shapes", SHAPES)
def test_float32_values_and_gradients(name, shapes):
    rng = np.random.default_rng(0)
    (l1, h1), (l2, h2) = DOMAINS[name]
    a = rng.uniform(l1, h1, shapes[0]).astype("float32")
    b = rng.uniform(l2, h2, shapes[1]).astype("float32")
    assert_parity(lop(name), getattr(keras.ops, name), [a, b])


INT_NAMES = [*DOMAINS, "gcd", "lcm"]


@pytest.mark.parametrize("name", INT_NAMES)
@pytest.mark.parametrize(
    ("d1", "d2"), [("int32", "int32"), ("int8", "uint8"), ("int32", "float32")]
)
def test_mixed_dtypes(name, d1, d2):
    if name in ("gcd", "lcm") and "float32" in (d1, d2):
        pytest.skip("gcd and lcm take integers only")
    a = np.array([[3, -4, 5], [6, 0, -7]], d1) if d1 != "uint8" else np.array([3, 4, 5], d1)
    b = np.array([2, 3, 4], d2)
    assert_parity(lop(name), getattr(keras.ops, name), [a, b])


@pytest.mark.parametrize("name", ["add", "multiply", "maximum", "mod", "power", "divide"])
@pytest.mark.parametrize("scalar", [2, 2.5])
@pytest.mark.parametrize("dtype", ["float32", "float16", "int32", "bool"])
def test_python_scalars(name, scalar, dtype):
    x = np.array([1, 0, 1], dtype)
    # float16 keeps 3 decimal digits.
    rtol = 1e-3 if dtype == "float16" else 1e-5
    assert_parity(
        lambda t: lop(name)(t, scalar),
        lambda t: getattr(keras.ops, name)(t, scalar),
        [x],
        rtol=rtol,
    )


def test_bool_pairs():
    a = np.array([True, False, True])
    b = np.array([True, True, False])
    for name in ["add", "multiply", "maximum", "minimum", "power"]:
        assert_parity(lop(name), getattr(keras.ops, name), [a, b])
    # Integer division by False (0) is undefined: JAX and NumPy give different junk.
    for name in ["mod", "fmod", "floor_divide"]:
        assert_parity(lop(name), getattr(keras.ops, name), [a, np.ones(3, bool)])


@pytest.mark.parametrize("name", ["maximum", "minimum", "fmax", "fmin"])
def test_ties_and_nans_share_gradients_as_jax(name):
    a = np.array([1.0, 2.0, 3.0, np.nan, 1.0, np.nan], "float32")
    b = np.array([1.0, 3.0, 2.0, 1.0, np.nan, np.nan], "float32")
    assert_parity(lop(name), getattr(keras.ops, name), [a, b])


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (np.float32(2.0), np.float32(4.0)),
        (np.float32(4.0), np.float32(2.0)),
        (np.array([0.0, 2.0, 2.0, 3.0, 9.0], "float32"), np.float32(4.0)),
    ],
)
def test_clip_with_tensor_bounds_and_ties(low, high):
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32")
    assert_parity(lop("clip"), keras.ops.clip, [x, low, high])


@pytest.mark.parametrize(("low", "high"), [(1, 2), (0.5, 2.5), (-1.0, 1.0)])
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool", "uint8"])
def test_clip_with_python_bounds(low, high, dtype):
    x = np.array([0, 1, 2, 3], dtype)
    assert_parity(lambda t: lop("clip")(t, low, high), lambda t: keras.ops.clip(t, low, high), [x])


def test_edge_values():
    a = np.array([0.0, 0.0, -2.0, 2.0, 0.0, 1.0], "float32")
    b = np.array([0.0, 1.0, 3.0, 0.5, 0.5, 0.0], "float32")
    with np.errstate(all="ignore"):
        assert_parity(lop("power"), keras.ops.power, [a, b])
        assert_parity(lop("divide_no_nan"), keras.ops.divide_no_nan, [a, b])
        assert_parity(lop("heaviside"), keras.ops.heaviside, [a - 1, b])
        assert_parity(lop("hypot"), keras.ops.hypot, [a, b])


def test_integer_power_with_negative_exponents():
    a = np.array([1, -1, -1, 2, 0, 3], "int32")
    b = np.array([-2, -1, -2, -1, -1, 2], "int32")
    assert_parity(lop("power"), keras.ops.power, [a, b])


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_ldexp(dtype):
    x = np.array([0.5, -1.5, 3.0], "float32").astype(dtype)
    e = np.array([1, -2, 3], "int32")
    assert_parity(lop("ldexp"), keras.ops.ldexp, [x, e])


def test_nextafter():
    a = np.array([1.0, 2.0, 0.0], "float32")
    b = np.array([2.0, 1.0, -1.0], "float32")
    stop = keras.ops.stop_gradient  # JAX has no derivative rule for nextafter

    def keras_nextafter(x, y):
        return keras.ops.nextafter(stop(x), stop(y))

    assert_parity(lop("nextafter"), keras_nextafter, [a, b], rtol=0, atol=0)
