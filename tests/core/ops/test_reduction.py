"""Reductions, NaN-ignoring reductions, cumulative ops and order statistics."""

import importlib

import numpy as np
import pytest

from lamina import GradientTape, ops
from lamina.autodiff.gradient_check import check_gradients

_MODULES = ["reduction", "reduction_nan", "cumulative", "order_stats"]


def lop(name):
    """The lamina op `name` from the reduction modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


# name, kwargs, NumPy reference (None: same name in NumPy)
FORWARD = [
    ("sum", {"axis": 1}, None),
    ("sum", {"axis": (0, 2), "keepdims": True}, None),
    ("mean", {}, None),
    ("mean", {"axis": -1, "keepdims": True}, None),
    ("max", {"axis": 0}, None),
    ("min", {"axis": (1, 2)}, None),
    ("amax", {}, None),
    ("amin", {"axis": 2}, None),
    ("ptp", {"axis": 1}, None),
    ("prod", {"axis": 2}, None),
    ("std", {"axis": 0}, None),
    ("var", {"keepdims": True}, None),
    ("argmax", {"axis": 1}, None),
    ("argmin", {}, None),
    ("cumsum", {"axis": 1}, None),
    ("cumprod", {}, None),
    ("median", {"axis": (0, 1)}, None),
    ("quantile", {"q": 0.3, "axis": 2}, None),
    ("percentile", {"q": [10.0, 90.0], "axis": 0}, None),
    ("count_nonzero", {"axis": 1}, None),
]


@pytest.mark.parametrize(("name", "kwargs", "ref"), FORWARD)
def test_forward_matches_numpy(name, kwargs, ref, rng):
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    x[0, 0, 0] = 0.0
    kwargs = dict(kwargs)
    q = kwargs.pop("q", None)
    args = (x,) if q is None else (x, q)
    out = lop(name)(*args, **kwargs)
    expected = (ref or getattr(np, name))(*args, **kwargs)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)
    assert out.shape == np.shape(expected)


# name, input dtype, Keras's output dtype (checked against Keras 3 on JAX)
DTYPES = [
    ("sum", "int32", "int32"),
    ("sum", "bool", "int32"),
    ("sum", "int8", "int32"),
    ("sum", "uint8", "uint32"),
    ("sum", "float16", "float16"),
    ("prod", "int32", "int32"),
    ("prod", "bool", "int32"),
    ("mean", "int32", "float32"),
    ("mean", "bool", "float32"),
    ("mean", "float16", "float16"),
    ("var", "int32", "float32"),
    ("std", "float16", "float16"),
    ("median", "int32", "float32"),
    ("max", "int32", "int32"),
    ("max", "bool", "bool"),
    ("ptp", "int8", "int8"),
    ("argmax", "float32", "int32"),
    ("argmin", "int32", "int32"),
    ("count_nonzero", "float32", "int32"),
    ("all", "int32", "bool"),
    ("any", "float32", "bool"),
    ("cumsum", "int32", "int32"),
    ("cumsum", "bool", "int32"),
    ("cumsum", "int8", "int8"),
    ("cumprod", "float16", "float16"),
    ("average", "int32", "float32"),
    ("nansum", "int32", "int32"),
    ("nanmean", "int32", "float32"),
    ("nanmax", "float16", "float16"),
    ("nanargmax", "float32", "int32"),
    ("nancumsum", "bool", "int32"),
    ("nanmedian", "int32", "float32"),
]


@pytest.mark.parametrize(("name", "dtype", "expected"), DTYPES)
def test_output_dtypes(name, dtype, expected):
    x = (np.arange(12).reshape(3, 4) % 5).astype(dtype)
    assert lop(name)(x).dtype == expected


def test_prod_and_cumsum_dtype_argument():
    x = np.arange(1, 5, dtype="int32")
    assert lop("prod")(x, dtype="float32").dtype == "float32"
    assert lop("cumsum")(x, dtype="float16").dtype == "float16"


@pytest.mark.parametrize(
    ("name", "shape", "kwargs", "expected_shape"),
    [
        ("sum", (0, 3), {"axis": 0}, (3,)),
        ("mean", (2, 1), {"axis": 1}, (2,)),
        ("max", (0, 3), {"axis": 0, "initial": -1.0}, (3,)),
        ("prod", (0,), {}, ()),
        ("cumsum", (0, 2), {"axis": 1}, (0, 2)),
        ("std", (1, 4), {"axis": 0, "keepdims": True}, (1, 4)),
        ("median", (1, 1), {}, ()),
        ("argmax", (1, 5), {"axis": 0}, (5,)),
    ],
)
def test_size_zero_and_size_one(name, shape, kwargs, expected_shape):
    assert lop(name)(np.ones(shape, "float32"), **kwargs).shape == expected_shape


@pytest.mark.parametrize(
    ("name", "shape", "kwargs"),
    [
        ("sum", (0, 3), {"axis": 0}),
        ("mean", (2, 0), {"axis": 0}),
        ("prod", (3, 0), {"axis": 1}),
        ("prod", (0, 4), {"axis": 1}),
        ("cumprod", (2, 0), {"axis": 1}),
        ("median", (0, 4), {"axis": 1}),
        ("max", (0, 3), {"axis": 1}),
        ("std", (1, 3), {"axis": 1}),
    ],
)
def test_gradients_size_zero_and_one(name, shape, kwargs, rng):
    check_gradients(lambda t: lop(name)(t, **kwargs), [rng.standard_normal(shape)])


def test_max_initial_on_empty_and_errors():
    out = lop("max")(np.zeros((0, 2), "float32"), axis=0, initial=3.0)
    np.testing.assert_array_equal(out.numpy(), [3.0, 3.0])
    with pytest.raises(ValueError, match="max: cannot reduce a size-0"):
        lop("max")(np.zeros((0,), "float32"))
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        lop("sum")(np.ones((2, 2)), axis=2)
    with pytest.raises(TypeError, match="ptp"):
        lop("ptp")(np.ones(3, bool))


GRADIENTS = [
    ("sum", {"axis": (0, 2)}),
    ("sum", {"keepdims": True}),
    ("mean", {"axis": 1}),
    ("max", {"axis": 1}),
    ("min", {}),
    ("amax", {"axis": (0, 2), "keepdims": True}),
    ("amin", {"axis": -1}),
    ("ptp", {"axis": 0}),
    ("prod", {"axis": 1}),
    ("prod", {}),
    ("std", {"axis": 2}),
    ("var", {"axis": (0, 1), "keepdims": True}),
    ("average", {"axis": 1}),
    ("cumsum", {"axis": 1}),
    ("cumsum", {}),
    ("cumprod", {"axis": 2}),
    ("cumprod", {}),
    ("median", {"axis": 1}),
    ("median", {"axis": (0, 2), "keepdims": True}),
    ("quantile", {"q": [0.2, 0.7], "axis": 1}),
    ("quantile", {"q": 0.4, "method": "midpoint"}),
    ("percentile", {"q": 35.0, "axis": 2, "method": "nearest"}),
    ("nansum", {"axis": 1}),
    ("nanmean", {"axis": 0}),
    ("nanvar", {"axis": 2}),
    ("nanstd", {}),
    ("nanmax", {"axis": 1}),
    ("nanmin", {"axis": 2, "keepdims": True}),
    ("nanprod", {"axis": 2}),
    ("nancumsum", {"axis": 0}),
    ("nancumprod", {"axis": 2}),
    ("nanmedian", {"axis": 1}),
    ("nanquantile", {"q": [0.1, 0.9], "axis": 2}),
    ("nanpercentile", {"q": 60.0, "axis": 0, "keepdims": True}),
]


@pytest.mark.parametrize(("name", "kwargs"), GRADIENTS)
def test_gradients(name, kwargs, rng):
    x = rng.standard_normal((3, 4, 5))
    if name.startswith("nan"):
        x[0, 1, 2] = x[2, 0, 1] = np.nan  # no slice is all NaN
    kwargs = dict(kwargs)
    q = kwargs.pop("q", None)
    args = () if q is None else (q,)
    check_gradients(lambda t: lop(name)(t, *args, **kwargs), [x])


def test_prod_and_cumprod_gradients_with_zeros(rng):
    x = rng.standard_normal((3, 5))
    x[0, 1] = 0.0
    x[1, [0, 3]] = 0.0
    check_gradients(lambda t: lop("prod")(t, axis=1), [x])
    check_gradients(lambda t: lop("cumprod")(t, axis=1), [x])
    check_gradients(lambda t: lop("nancumprod")(t, axis=1), [x])


def test_average_weights_gradients(rng):
    x = rng.standard_normal((3, 4))
    check_gradients(lambda a, w: lop("average")(a, axis=0, weights=w), [x, rng.uniform(1, 2, 3)])
    check_gradients(lambda a, w: lop("average")(a, weights=w), [x, rng.uniform(1, 2, (3, 4))])
    with pytest.raises(ValueError, match="average: `weights`"):
        lop("average")(x, axis=1, weights=np.ones(3))


def _grad(fn, x):
    t = ops.convert_to_tensor(x)
    with GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
    return tape.gradient(y, t).numpy()


def test_max_ties_share_the_gradient():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], "float32")
    np.testing.assert_allclose(_grad(lambda t: lop("max")(t), x), [[0, 0.5, 0.5], [0, 0, 0]])
    np.testing.assert_allclose(
        _grad(lambda t: lop("max")(t, axis=1, initial=2.5), x), [[0, 0.5, 0.5], [0, 0, 0]]
    )


def test_median_gradient_follows_stable_order():
    x = np.array([1.0, 2.0, 2.0, 2.0, 5.0], "float32")
    np.testing.assert_array_equal(_grad(lambda t: lop("median")(t), x), [0, 0, 1, 0, 0])


def test_quantile_methods():
    x = np.arange(6, dtype="float32")  # position of q=0.3 is 1.5
    expected = {"linear": 1.5, "lower": 1.0, "higher": 2.0, "midpoint": 1.5, "nearest": 1.0}
    for method, value in expected.items():
        assert float(lop("quantile")(x, 0.3, method=method)) == value
    with pytest.raises(ValueError, match="quantile: `method`"):
        lop("quantile")(x, 0.5, method="cubic")
    assert np.isnan(float(lop("quantile")(np.array([1.0, np.nan]), 0.5)))


def test_nan_reductions_values():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]], "float32")
    np.testing.assert_allclose(lop("nansum")(x, axis=1).numpy(), [4.0, 0.0])
    np.testing.assert_allclose(lop("nanmean")(x, axis=1).numpy(), [2.0, np.nan])
    np.testing.assert_allclose(lop("nanmax")(x, axis=1).numpy(), [3.0, np.nan])
    np.testing.assert_array_equal(lop("nanargmin")(x, axis=1).numpy(), [0, -1])
    np.testing.assert_allclose(lop("nanmedian")(x, axis=1).numpy(), [2.0, np.nan])
    np.testing.assert_allclose(lop("nancumprod")(x[0]).numpy(), [1.0, 1.0, 3.0])
