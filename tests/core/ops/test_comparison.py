"""Comparisons, logic and value tests: equal, less, logical_and, isclose, isnan, isin, ..."""

import numpy as np
import pytest

from lamina import GradientTape, ops
from lamina.ops import comparison

COMPARE = {
    "equal": np.equal,
    "not_equal": np.not_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
    "logical_xor": np.logical_xor,
}
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((0, 4), (1, 4)), ((), (2,))]


@pytest.mark.parametrize("name", COMPARE)
@pytest.mark.parametrize("shapes", SHAPES)
def test_binary_forward(name, shapes, rng):
    a = rng.integers(-1, 2, shapes[0]).astype("float32")
    b = rng.integers(-1, 2, shapes[1]).astype("int32")
    out = getattr(comparison, name)(a, b)
    assert out.dtype == "bool"
    np.testing.assert_array_equal(out.numpy(), COMPARE[name](a, b))


@pytest.mark.parametrize(
    ("name", "x1", "x2", "expected"),
    [
        ("equal", np.array([1, 2], "int32"), 1.0, [True, False]),
        ("less", 1, np.array([0.5, 1.5], "float32"), [False, True]),
        ("greater_equal", np.array([True, False]), 1, [True, False]),
        ("not_equal", 1, 2, True),
        ("equal", np.array([np.nan], "float32"), np.array([np.nan], "float32"), [False]),
    ],
)
def test_scalars_and_mixed_dtypes(name, x1, x2, expected):
    out = getattr(comparison, name)(x1, x2)
    assert out.dtype == "bool"
    np.testing.assert_array_equal(out.numpy(), expected)


def test_logical_not_and_truthiness_of_numbers():
    out = comparison.logical_not(np.array([0.0, 2.0, -1.0]))
    np.testing.assert_array_equal(out.numpy(), [True, False, False])
    out = comparison.logical_and(np.array([0, 3]), np.array([1.5, 1.5]))
    np.testing.assert_array_equal(out.numpy(), [False, True])


VALUES = np.array([1.0, -np.inf, np.inf, np.nan, 0.0, -0.0], "float32")
UNARY = [
    ("isfinite", [True, False, False, False, True, True]),
    ("isinf", [False, True, True, False, False, False]),
    ("isnan", [False, False, False, True, False, False]),
    ("isneginf", [False, True, False, False, False, False]),
    ("isposinf", [False, False, True, False, False, False]),
    ("isreal", [True] * 6),
]


@pytest.mark.parametrize(("name", "expected"), UNARY)
def test_value_tests_on_floats(name, expected):
    out = getattr(comparison, name)(VALUES)
    assert out.dtype == "bool" and out.shape == (6,)
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("name", [name for name, _ in UNARY])
@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool"])
def test_value_tests_on_integers(name, dtype):
    out = getattr(comparison, name)(np.zeros((2, 3), dtype))
    assert out.dtype == "bool" and out.shape == (2, 3)
    expected = name in ("isfinite", "isreal")
    assert (out.numpy() == expected).all()


@pytest.mark.parametrize("name", ["isneginf", "isposinf"])
def test_signed_infinity_tests_refuse_complex(name):
    with pytest.raises(ValueError, match=f"{name}: the sign of a complex infinity"):
        getattr(comparison, name)(np.array([1j]))


def test_isreal_on_complex():
    out = comparison.isreal(np.array([1 + 0j, 1 + 1j], "complex64"))
    np.testing.assert_array_equal(out.numpy(), [True, False])


def test_isclose_and_allclose():
    a = np.array([1.0, 2.0, np.nan], "float32")
    b = np.array([1.0 + 1e-7, 2.1, np.nan], "float32")
    np.testing.assert_array_equal(comparison.isclose(a, b).numpy(), [True, False, False])
    out = comparison.isclose(a, b, rtol=0.1, equal_nan=True)
    np.testing.assert_array_equal(out.numpy(), [True, True, True])
    np.testing.assert_array_equal(comparison.isclose(a, b, atol=0.2, rtol=0.0).numpy()[:2], [1, 1])
    whole = comparison.allclose(a[:2], b[:2])
    assert whole.dtype == "bool" and whole.shape == () and not bool(whole.numpy())
    assert bool(comparison.allclose(a, b, rtol=0.1, equal_nan=True).numpy())
    assert bool(comparison.allclose(np.array([1, 2]), np.array([1.0, 2.0])).numpy())


@pytest.mark.parametrize(
    ("x1", "x2", "kwargs", "expected"),
    [
        ([1, 2, 3], [2, 5], {}, [False, True, False]),
        ([[1, 2], [3, 4]], [2, 5], {"invert": True}, [[True, False], [True, True]]),
        ([1.0, 2.0, 3.0], [2, 5], {}, [False, True, False]),
        ([1, 2, 3], [[3], [1]], {"assume_unique": True}, [True, False, True]),
        ([], [1], {}, []),
    ],
)
def test_isin(x1, x2, kwargs, expected):
    out = comparison.isin(np.array(x1), np.array(x2), **kwargs)
    assert out.dtype == "bool"
    np.testing.assert_array_equal(out.numpy(), expected)


def test_isin_takes_python_lists():
    np.testing.assert_array_equal(comparison.isin(np.array([1, 2]), [2]).numpy(), [False, True])


@pytest.mark.parametrize("name", ["equal", "less", "isclose"])
def test_comparisons_have_no_gradient(name):
    x = ops.convert_to_tensor(np.array([1.0, 2.0]))
    with GradientTape() as tape:
        tape.watch(x)
        y = getattr(comparison, name)(x, np.array([1.0, 3.0]))
    assert tape.gradient(y, x) is None


def test_tensor_operators_use_comparisons():
    x = ops.convert_to_tensor(np.array([1, 2, 3]))
    np.testing.assert_array_equal((x == 2).numpy(), [False, True, False])
    np.testing.assert_array_equal((x >= 2).numpy(), [False, True, True])
    np.testing.assert_array_equal((2 > x).numpy(), [True, False, False])
