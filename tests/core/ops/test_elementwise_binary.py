"""Elementwise binary ops: arithmetic, extrema and clip, binary math."""

import importlib

import numpy as np
import pytest

from lamina import GradientTape, ops
from lamina.autodiff.gradient_check import check_gradients

_MODULES = ["elementwise_binary", "elementwise_extrema", "elementwise_binary_math"]


def lop(name):
    """The lamina op `name` from the binary elementwise modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


# name: (NumPy reference, x1 range, x2 range); ranges keep away from kinks and ties.
BINARY = {
    "add": (np.add, (-2, 2), (-2, 2)),
    "subtract": (np.subtract, (-2, 2), (-2, 2)),
    "multiply": (np.multiply, (-2, 2), (-2, 2)),
    "divide": (np.divide, (-2, 2), (0.5, 2)),
    "true_divide": (np.divide, (-2, 2), (0.5, 2)),
    "divide_no_nan": (np.divide, (-2, 2), (0.5, 2)),
    "power": (np.power, (0.5, 2), (-2, 2)),
    "mod": (np.mod, (0.1, 0.9), (1.5, 2)),
    "fmod": (np.fmod, (-0.9, 0.9), (1.5, 2)),
    "maximum": (np.maximum, (-2, -0.1), (0.1, 2)),
    "minimum": (np.minimum, (-2, -0.1), (0.1, 2)),
    "fmax": (np.fmax, (-2, -0.1), (0.1, 2)),
    "fmin": (np.fmin, (-2, -0.1), (0.1, 2)),
    "arctan2": (np.arctan2, (-2, 2), (0.5, 2)),
    "hypot": (np.hypot, (0.5, 2), (-2, -0.5)),
    "logaddexp": (np.logaddexp, (-2, 2), (-2, 2)),
    "logaddexp2": (np.logaddexp2, (-2, 2), (-2, 2)),
}
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((0, 4), (1, 4)), ((), (2,))]


def _inputs(rng, name, shapes, dtype="float64"):
    _, r1, r2 = BINARY[name]
    return rng.uniform(*r1, shapes[0]).astype(dtype), rng.uniform(*r2, shapes[1]).astype(dtype)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", SHAPES)
def test_forward_shapes(name, shapes, rng):
    a, b = _inputs(rng, name, shapes, "float32")
    out = lop(name)(a, b)
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), BINARY[name][0](a, b), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", SHAPES)
def test_gradients(name, shapes, rng):
    check_gradients(lop(name), list(_inputs(rng, name, shapes)))


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 1), (4,)), ((), ())])
def test_clip_gradients_reach_tensor_bounds(shapes, rng):
    x = rng.uniform(-3, 3, (3, 4))
    low = rng.uniform(-2.5, -0.5, shapes[0])
    high = rng.uniform(0.5, 2.5, shapes[1])
    check_gradients(lop("clip"), [x, low, high])


def test_python_float_keeps_tensor_float_dtype():
    x = ops.convert_to_tensor(np.ones(3, "float16"))
    assert (x * 2.0).dtype == "float16"
    assert (ops.convert_to_tensor([1, 2]) + 0.5).dtype == "float32"


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\).*\(4,\)"):
        ops.add(np.ones((2, 3)), np.ones(4))


# op, x1, x2, expected result dtype (Keras on JAX)
PROMOTION = [
    ("add", np.ones(2, "int32"), np.ones(2, "float32"), "float32"),
    ("add", np.ones(2, "float16"), np.ones(2, "int32"), "float16"),
    ("add", np.ones(2, "int8"), np.ones(2, "uint8"), "int16"),
    ("add", np.ones(2, "bool"), np.ones(2, "bool"), "bool"),
    ("add", np.ones(2, "bool"), 2, "int32"),
    ("multiply", np.ones(2, "int8"), 2, "int8"),
    ("multiply", np.ones(2, "uint8"), 2.5, "float32"),
    ("subtract", 3, np.ones(2, "float16"), "float16"),
    ("divide", np.ones(2, "int32"), np.ones(2, "int32"), "float32"),
    ("divide", np.ones(2, "int8"), 2, "float32"),
    ("divide", np.ones(2, "float16"), np.ones(2, "int32"), "float16"),
    ("divide_no_nan", np.ones(2, "float32"), 2, "float32"),
    ("divide_no_nan", np.ones(2, "int32"), 0.5, "float32"),
    ("power", np.ones(2, "bool"), np.ones(2, "bool"), "int32"),
    ("mod", np.ones(2, "bool"), np.ones(2, "bool"), "int32"),
    ("floor_divide", np.ones(2, "int32"), np.ones(2, "float32"), "float32"),
    ("fmod", np.ones(2, "int32"), 2, "int32"),
    ("maximum", np.ones(2, "bool"), np.ones(2, "bool"), "bool"),
    ("maximum", np.ones(2, "int32"), 1.5, "float32"),
    ("fmin", np.ones(2, "uint8"), np.ones(2, "int8"), "int16"),
    ("arctan2", np.ones(2, "int32"), np.ones(2, "int32"), "float32"),
    ("arctan2", np.ones(2, "float16"), 2.0, "float32"),
    ("arctan2", np.ones(2, "float16"), 2, "float16"),
    ("logaddexp", np.ones(2, "float16"), 1.0, "float32"),
    ("hypot", np.ones(2, "float16"), 2.0, "float16"),
    ("heaviside", np.ones(2, "int32"), np.ones(2, "int32"), "float32"),
    ("ldexp", np.ones(2, "int32"), np.ones(2, "int32"), "float32"),
    ("ldexp", np.ones(2, "float16"), 3, "float16"),
    ("nextafter", np.ones(2, "int32"), np.ones(2, "int32"), "float32"),
    ("gcd", np.ones(2, "int8"), np.ones(2, "int32"), "int32"),
    ("lcm", np.ones(2, "uint8"), 2, "uint8"),
    ("add", 1, 2.5, "float32"),
    ("add", 1, 2, "int32"),
]


@pytest.mark.parametrize(("name", "x1", "x2", "dtype"), PROMOTION)
def test_result_dtypes_follow_keras(name, x1, x2, dtype):
    assert lop(name)(x1, x2).dtype == dtype


# op, x1, x2, expected values
VALUES = [
    ("floor_divide", [7, -7], [2, 2], [3, -4]),
    ("mod", [7, -7], [3, 3], [1, 2]),
    ("mod", [5.5, -5.5], [2.0, 2.0], [1.5, 0.5]),
    ("fmod", [7, -7], [3, 3], [1, -1]),
    ("fmod", [-5, 5], [3, -3], [-2, 2]),
    ("power", [1, -1, -1, 2, 0, 3], [-2, -1, -2, -1, -1, 2], [1, -1, 1, 0, 0, 9]),
    ("divide_no_nan", [1.0, 2.0, -3.0], [0.0, 4.0, 0.0], [0.0, 0.5, 0.0]),
    ("divide", [1, 0], [0, 0], [np.inf, np.nan]),
    ("maximum", [np.nan, 1.0], [1.0, np.nan], [np.nan, np.nan]),
    ("fmax", [np.nan, 1.0, np.nan], [1.0, np.nan, np.nan], [1.0, 1.0, np.nan]),
    ("fmin", [np.nan, 1.0, 3.0], [1.0, np.nan, 2.0], [1.0, 1.0, 2.0]),
    ("heaviside", [-1.0, 0.0, 2.0], [0.5, 0.5, 0.5], [0.0, 0.5, 1.0]),
    ("hypot", [3.0, 0.0], [4.0, 0.0], [5.0, 0.0]),
    ("ldexp", [3.0, 1.0], [2, -1], [12.0, 0.5]),
    ("gcd", [12, -18, 0], [8, 12, 0], [4, 6, 0]),
    ("lcm", [4, -6, 0], [6, 4, 5], [12, 12, 0]),
    ("logaddexp2", [1.0], [1.0], [2.0]),
]


@pytest.mark.parametrize(("name", "x1", "x2", "expected"), VALUES)
def test_values(name, x1, x2, expected):
    kind = "float32" if any(isinstance(v, float) for v in [*x1, *x2]) else "int32"
    x2_kind = "int32" if name == "ldexp" else kind
    with np.errstate(divide="ignore", invalid="ignore"):
        out = lop(name)(np.array(x1, kind), np.array(x2, x2_kind))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_nextafter_moves_one_ulp():
    out = lop("nextafter")(np.array([1.0, 2.0], "float32"), np.array([2.0, 1.0], "float32"))
    np.testing.assert_array_equal(out.numpy(), np.nextafter(np.float32([1, 2]), np.float32([2, 1])))


def test_ldexp_refuses_float_exponents():
    with pytest.raises(TypeError, match="ldexp: the exponent x2 must be an integer"):
        lop("ldexp")(np.ones(2, "float32"), np.ones(2, "float32"))


def test_gcd_refuses_floats():
    with pytest.raises(TypeError, match="gcd"):
        lop("gcd")(np.ones(2, "float32"), np.ones(2, "float32"))


def _grads(op, *inputs):
    tensors = [ops.convert_to_tensor(np.asarray(x, "float64")) for x in inputs]
    with GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        y = ops.sum(op(*tensors) * np.arange(1.0, 1.0 + np.size(tensors[0])))
    return [g.numpy() for g in tape.gradient(y, tensors, unconnected_gradients="zero")]


def test_maximum_minimum_share_ties_as_jax():
    a, b = [1.0, 2.0, 3.0], [1.0, 3.0, 2.0]
    ga, gb = _grads(lop("maximum"), a, b)
    np.testing.assert_array_equal(ga, [0.5, 0, 3])
    np.testing.assert_array_equal(gb, [0.5, 2, 0])
    ga, gb = _grads(lop("minimum"), a, b)
    np.testing.assert_array_equal(ga, [0.5, 2, 0])
    np.testing.assert_array_equal(gb, [0.5, 0, 3])


def test_maximum_gradient_is_zero_at_nan():
    ga, gb = _grads(lop("maximum"), [np.nan, 1.0], [1.0, np.nan])
    np.testing.assert_array_equal(ga, [0, 0])
    np.testing.assert_array_equal(gb, [0, 0])


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_gradients_go_to_the_chosen_operand(name):
    # x1 wins where it is strictly better or x2 is NaN; ties go to x2 (as in JAX).
    ga, gb = _grads(lop(name), [np.nan, 1.0, np.nan, 2.0], [1.0, np.nan, np.nan, 2.0])
    np.testing.assert_array_equal(ga, [0, 2, 3, 0])
    np.testing.assert_array_equal(gb, [1, 0, 0, 4])


def test_clip_gradient_halves_at_the_bounds_like_jax():
    gx, glo, ghi = _grads(lop("clip"), [1.0, 2.0, 3.0, 4.0, 5.0], 2.0, 4.0)
    np.testing.assert_array_equal(gx, [0, 1, 3, 2, 0])
    assert glo == 2.0 and ghi == 7.0
    # x_min > x_max: the output is x_max everywhere and only x_max gets a gradient.
    out = lop("clip")(np.array([0.5, 1.5, 3.0]), 2.0, 1.0)
    np.testing.assert_array_equal(out.numpy(), [1.0, 1.0, 1.0])
    gx, glo, ghi = _grads(lop("clip"), [0.5, 1.5, 3.0], 2.0, 1.0)
    np.testing.assert_array_equal(gx, [0, 0, 0])
    assert glo == 0.0 and ghi == 6.0


@pytest.mark.parametrize(
    ("x", "low", "high", "dtype", "expected"),
    [
        (np.array([0, 1, 2, 3], "int32"), 1, 2, "int32", [1, 1, 2, 2]),
        (np.array([True, False]), 1, 2, "int32", [1, 1]),
        (np.array([0, 1, 2, 3], "int32"), 0.5, 2.5, "float32", [0.5, 1, 2, 2.5]),
        (np.array([0, 3], "uint8"), 1, 2, "uint8", [1, 2]),
        (np.array([-1.0, 5.0], "float16"), None, 2.0, "float16", [-1.0, 2.0]),
        (np.array([-1.0, 5.0], "float32"), 0.0, None, "float32", [0.0, 5.0]),
        (np.array([-1.0, 5.0], "float32"), None, None, "float32", [-1.0, 5.0]),
    ],
)
def test_clip_dtypes_and_optional_bounds(x, low, high, dtype, expected):
    out = lop("clip")(x, low, high)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), expected)


def test_clip_int_with_tensor_bounds_keeps_float32():
    out = lop("clip")(
        np.array([0, 5], "int32"), np.array([1, 1], "int32"), np.array(2.5, "float32")
    )
    assert out.dtype == "float32"
    np.testing.assert_array_equal(out.numpy(), [1.0, 2.5])


def test_power_gradients_at_edges_match_jax():
    with np.errstate(invalid="ignore"):
        ga, gb = _grads(lop("power"), [0.0, 0.0, -2.0, 2.0, 0.0], [0.0, 1.0, 3.0, 0.5, 0.5])
    w = np.arange(1.0, 6.0)
    np.testing.assert_allclose(ga / w, [np.nan, 1.0, 12.0, 0.5 / np.sqrt(2), np.inf])
    np.testing.assert_allclose(gb / w, [0.0, 0.0, np.nan, np.sqrt(2) * np.log(2), 0.0])


def test_divide_no_nan_gradient_is_zero_where_divisor_is_zero():
    ga, gb = _grads(lop("divide_no_nan"), [5.0, 1.0], [2.0, 0.0])
    np.testing.assert_allclose(ga, [0.5, 0.0])
    np.testing.assert_allclose(gb, [-1.25, 0.0])


def test_hypot_gradient_at_origin_splits_evenly():
    ga, gb = _grads(lop("hypot"), [0.0, 3.0], [0.0, 4.0])
    np.testing.assert_allclose(ga, [0.5, 2 * 0.6])
    np.testing.assert_allclose(gb, [0.5, 2 * 0.8])


def test_heaviside_and_ldexp_gradients():
    ga, gb = _grads(lop("heaviside"), [0.0, 1.0, -1.0], [0.3, 0.3, 0.3])
    np.testing.assert_array_equal(ga, [0, 0, 0])
    np.testing.assert_array_equal(gb, [1, 0, 0])
    x = ops.convert_to_tensor(np.array([0.3, -1.5]))
    with GradientTape() as tape:
        tape.watch(x)
        y = lop("ldexp")(x, np.array([1, 2], "int32"))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 4.0])


@pytest.mark.parametrize("name", ["floor_divide", "nextafter", "gcd"])
def test_piecewise_constant_binary_ops_have_no_gradient(name):
    kind = "int64" if name == "gcd" else "float64"
    x = ops.convert_to_tensor(np.array([3, 5], kind))
    with GradientTape() as tape:
        tape.watch(x)
        y = lop(name)(x, np.array([2, 2], kind))
    assert tape.gradient(y, x) is None


def test_true_divide_is_divide():
    assert lop("true_divide") is lop("divide")
