"""Elementwise unary ops: math, trigonometry, special functions, rounding, complex parts."""

import importlib
import math

import numpy as np
import pytest

from lamina import GradientTape, ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.backend.kernels import numpy_kernels

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


_erf = np.vectorize(math.erf, otypes=[np.float64])
_erfc = np.vectorize(math.erfc, otypes=[np.float64])

# name: (reference on float64, (low, high) of smooth inputs away from poles and kinks)
FLOAT_OPS = {
    "sqrt": (np.sqrt, (0.5, 2.0)),
    "rsqrt": (lambda x: 1 / np.sqrt(x), (0.5, 2.0)),
    "reciprocal": (np.reciprocal, (0.5, 2.0)),
    "cbrt": (np.cbrt, (0.5, 2.0)),
    "exp": (np.exp, (-2.0, 2.0)),
    "exp2": (np.exp2, (-2.0, 2.0)),
    "expm1": (np.expm1, (-2.0, 2.0)),
    "log": (np.log, (0.5, 2.0)),
    "log2": (np.log2, (0.5, 2.0)),
    "log10": (np.log10, (0.5, 2.0)),
    "log1p": (np.log1p, (-0.5, 2.0)),
    "sin": (np.sin, (-2.0, 2.0)),
    "cos": (np.cos, (-2.0, 2.0)),
    "tan": (np.tan, (-1.2, 1.2)),
    "arcsin": (np.arcsin, (-0.8, 0.8)),
    "arccos": (np.arccos, (-0.8, 0.8)),
    "arctan": (np.arctan, (-2.0, 2.0)),
    "sinh": (np.sinh, (-2.0, 2.0)),
    "cosh": (np.cosh, (-2.0, 2.0)),
    "tanh": (np.tanh, (-2.0, 2.0)),
    "arcsinh": (np.arcsinh, (-2.0, 2.0)),
    "arccosh": (np.arccosh, (1.2, 3.0)),
    "arctanh": (np.arctanh, (-0.8, 0.8)),
    "deg2rad": (np.deg2rad, (-90.0, 90.0)),
    "rad2deg": (np.rad2deg, (-2.0, 2.0)),
    "sinc": (np.sinc, (0.1, 2.0)),
    "erf": (_erf, (-3.0, 3.0)),
    "erfc": (_erfc, (-3.0, 3.0)),
    "erfinv": (None, (-0.9, 0.9)),
    "i0": (np.i0, (-3.0, 3.0)),
    "fabs": (np.abs, (0.5, 2.0)),
}
SHAPES = [(3, 4), (1, 4), (0, 3), ()]


@pytest.mark.parametrize("name", FLOAT_OPS)
@pytest.mark.parametrize("shape", SHAPES)
def test_float_ops_forward(name, shape, rng):
    ref, (low, high) = FLOAT_OPS[name]
    x = rng.uniform(low, high, shape)
    out = lop(name)(x.astype("float32"))
    assert out.dtype == "float32"
    assert out.shape == shape
    expected = _erf(np.asarray(out.numpy(), "float64")) if ref is None else ref(x)
    got = x if ref is None else out.numpy()
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", FLOAT_OPS)
def test_float_ops_take_integers_as_floatx(name):
    _, (low, high) = FLOAT_OPS[name]
    x = np.array([0, 1]) if low <= 0 <= 1 <= high else np.array([math.ceil(low)])
    out = lop(name)(x.astype("int32"))
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), lop(name)(x.astype("float32")).numpy())


@pytest.mark.parametrize("name", FLOAT_OPS)
@pytest.mark.parametrize("shape", [(3, 4), (1,), ()])
def test_float_ops_gradients(name, shape, rng):
    _, (low, high) = FLOAT_OPS[name]
    check_gradients(lop(name), [rng.uniform(low, high, shape)])


@pytest.mark.parametrize("name", ["sin", "exp", "sqrt", "erf", "tanh"])
def test_float16_stays_float16(name):
    assert lop(name)(np.array([0.5, 1.0], "float16")).dtype == "float16"


def test_float64_stays_float64():
    assert lop("erf")(np.array([0.5])).dtype == "float64"
    assert lop("sin")(np.array([0.5])).dtype == "float64"


# name, input, expected output (dtype and values)
EXACT = [
    ("negative", np.array([1, -2], "int32"), np.array([-1, 2], "int32")),
    ("abs", np.array([-3, 2], "int8"), np.array([3, 2], "int8")),
    ("abs", np.array([True, False]), np.array([True, False])),
    ("absolute", np.array([-1.5, 2.0], "float32"), np.array([1.5, 2.0], "float32")),
    ("fabs", np.array([-2, 3], "int32"), np.array([2.0, 3.0], "float32")),
    ("sign", np.array([-2.0, 0.0, 3.0], "float32"), np.array([-1.0, 0.0, 1.0], "float32")),
    ("sign", np.array([-4, 0, 5], "int32"), np.array([-1, 0, 1], "int32")),
    ("square", np.array([2, -3], "int32"), np.array([4, 9], "int32")),
    ("square", np.array([True, False]), np.array([1, 0], "int32")),
    ("ceil", np.array([1.2, -1.2], "float32"), np.array([2.0, -1.0], "float32")),
    ("ceil", np.array([1, 2], "int32"), np.array([1.0, 2.0], "float32")),
    ("floor", np.array([1.8, -1.2], "float32"), np.array([1.0, -2.0], "float32")),
    ("trunc", np.array([1.8, -1.8], "float32"), np.array([1.0, -1.0], "float32")),
    ("trunc", np.array([3, -3], "int32"), np.array([3, -3], "int32")),
    ("copy", np.array([True, False]), np.array([True, False])),
    ("signbit", np.array([-1.0, 0.0, -0.0], "float32"), np.array([True, False, True])),
    ("signbit", np.array([-1, 2], "int32"), np.array([True, False])),
    ("nan_to_num", np.array([1, 2], "int32"), np.array([1, 2], "int32")),
    ("real", np.array([1 + 2j], "complex64"), np.array([1.0], "float32")),
    ("real", np.array([3], "int32"), np.array([3], "int32")),
    ("imag", np.array([1 + 2j], "complex64"), np.array([2.0], "float32")),
    ("imag", np.array([1.5], "float32"), np.array([0.0], "float32")),
    ("conj", np.array([1 + 2j], "complex64"), np.array([1 - 2j], "complex64")),
    ("conjugate", np.array([2.0], "float32"), np.array([2.0], "float32")),
    ("angle", np.array([1j, -1.0], "complex64"), np.array([np.pi / 2, np.pi], "float32")),
    ("angle", np.array([-1, 1], "int32"), np.array([np.pi, 0.0], "float32")),
    ("exp2", np.array([3, -1], "int32"), np.array([8.0, 0.5], "float32")),
    ("sinc", np.array([0.0], "float32"), np.array([1.0], "float32")),
    ("erfinv", np.array([1.0, -1.0, 0.0], "float32"), np.array([np.inf, -np.inf, 0.0], "float32")),
]


@pytest.mark.parametrize(("name", "x", "expected"), EXACT)
def test_exact_values_and_dtypes(name, x, expected):
    out = lop(name)(x)
    assert out.dtype == expected.dtype.name
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (np.array([0.5, 1.5, 2.5, -2.5], "float32"), 0, [0.0, 2.0, 2.0, -2.0]),
        (np.array([1.26, -2.34], "float32"), 1, [1.3, -2.3]),
        (np.array([149.0, 151.0], "float32"), -2, [100.0, 200.0]),
        (np.array([15, 25, 149], "int32"), -1, [20, 20, 150]),
        (np.array([7, 8], "int32"), 2, [7, 8]),
    ],
)
def test_round_half_to_even_with_decimals(x, decimals, expected):
    out = lop("round")(x, decimals)
    assert out.dtype == x.dtype.name
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_round_refuses_bool():
    with pytest.raises(TypeError, match="round: bool"):
        lop("round")(np.array([True]))


def test_negative_refuses_bool():
    with pytest.raises(TypeError, match="negative"):
        lop("negative")(np.array([True]))


def test_nan_to_num_defaults_and_custom_values():
    x = np.array([np.nan, np.inf, -np.inf, 1.0], "float32")
    big = np.finfo("float32").max
    np.testing.assert_array_equal(lop("nan_to_num")(x).numpy(), [0.0, big, -big, 1.0])
    out = lop("nan_to_num")(x, nan=1.0, posinf=5.0, neginf=-5.0)
    np.testing.assert_array_equal(out.numpy(), [1.0, 5.0, -5.0, 1.0])


def _grad(op, x, *args):
    x = ops.convert_to_tensor(x)
    with GradientTape() as tape:
        tape.watch(x)
        y = op(x, *args)
    return tape.gradient(y, x, unconnected_gradients="zero").numpy()


def test_nan_to_num_gradient_is_zero_where_replaced():
    x = np.array([np.nan, np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(_grad(lop("nan_to_num"), x), [0.0, 0.0, 0.0, 1.0])


def test_abs_gradient_at_zero_is_one_as_in_jax():
    np.testing.assert_array_equal(_grad(lop("abs"), np.array([0.0, -2.0, 3.0])), [1, -1, 1])


@pytest.mark.parametrize(("name", "point", "expected"), [("sqrt", 0.0, np.inf), ("sinc", 0.0, 0.0)])
def test_gradient_at_singular_points(name, point, expected):
    np.testing.assert_array_equal(_grad(lop(name), np.array([point])), [expected])


@pytest.mark.parametrize("name", ["ceil", "floor", "trunc", "round", "sign", "signbit"])
def test_piecewise_constant_ops_have_no_gradient(name):
    np.testing.assert_array_equal(_grad(lop(name), np.array([0.3, 1.7])), [0.0, 0.0])


@pytest.mark.parametrize("name", ["copy", "square", "negative", "real", "conj"])
@pytest.mark.parametrize("shape", [(2, 3), ()])
def test_other_gradients(name, shape, rng):
    check_gradients(lop(name), [rng.standard_normal(shape)])


def test_complex_gradients_follow_jax_conventions():
    z = ops.convert_to_tensor(np.array([3 + 4j], "complex64"))
    for name, expected in [
        ("abs", 0.6 - 0.8j),
        ("angle", -0.16 - 0.12j),
        ("real", 1.0),
        ("imag", -1j),
    ]:
        with GradientTape() as tape:
            tape.watch(z)
            y = lop(name)(z)
        np.testing.assert_allclose(tape.gradient(y, z).numpy(), [expected], rtol=1e-6)


# ---- the NumPy special-function kernels (used when SciPy is absent or for float32) ----

_WIDE = np.concatenate(
    [
        np.linspace(-7, 7, 20001),
        np.logspace(-30, 1.5, 500),
        -np.logspace(-30, 1.5, 500),
        [0.0, 1.0, -1.0, 4.0, 30.0, 1e300],
    ]
)


def test_numpy_erf_float64_matches_math_erf():
    got = numpy_kernels.numpy_erf(_WIDE)
    np.testing.assert_allclose(got, _erf(_WIDE), rtol=1e-15, atol=0)


def test_numpy_erf_float32_within_three_ulp():
    x = _WIDE[np.abs(_WIDE) < 1e30].astype("float32")
    got = numpy_kernels.numpy_erf(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _erf(x.astype("float64")), rtol=3 * 2**-23, atol=1e-37)


def test_numpy_erf_special_values_and_shapes():
    x = np.array([np.nan, np.inf, -np.inf, -0.0], "float32")
    out = numpy_kernels.numpy_erf(x)
    np.testing.assert_array_equal(out, [np.nan, 1.0, -1.0, -0.0])
    assert np.signbit(out[-1])
    assert numpy_kernels.numpy_erf(np.zeros((0, 3), "float32")).shape == (0, 3)
    assert numpy_kernels.numpy_erf(np.ones((4, 6))[:, ::2]).shape == (4, 3)
    assert numpy_kernels.numpy_erf(np.array([0.5], "float16")).dtype == np.float16


def test_numpy_erfc_keeps_relative_accuracy_in_the_tail():
    x = np.concatenate([np.linspace(-6, 26, 8001), [-np.inf, np.inf]])
    np.testing.assert_allclose(numpy_kernels.numpy_erfc(x), _erfc(x), rtol=2e-13, atol=0)


def test_numpy_erfinv_inverts_erf():
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 4001), 1 - np.logspace(-15, -2, 50)])
    x = numpy_kernels.numpy_erfinv(y)
    # erf is flat where |y| -> 1: compare 1 - y through erfc there.
    np.testing.assert_allclose(_erf(x), y, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(_erfc(x[-50:]), 1 - y[-50:], rtol=1e-12)
    edge = numpy_kernels.numpy_erfinv(np.array([1.0, -1.0, 1.5, np.nan]))
    np.testing.assert_array_equal(edge, [np.inf, -np.inf, np.nan, np.nan])


def test_numpy_i1_is_the_derivative_of_i0():
    x = np.concatenate([np.linspace(-30, 30, 601), [7.99, 8.0, 8.01]])
    h = 1e-5
    numeric = (np.i0(x + h) - np.i0(x - h)) / (2 * h)
    np.testing.assert_allclose(numpy_kernels.i1(x), numeric, rtol=1e-8, atol=1e-12)
    np.testing.assert_array_equal(numpy_kernels.i1(np.array([np.inf, -np.inf])), [np.inf, -np.inf])
