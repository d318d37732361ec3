"""Reductions (incl. NaN-ignoring, cumulative and order statistics) against Keras on JAX."""

import importlib

import numpy as np
import pytest
from harness import assert_parity, keras

_MODULES = ["reduction", "reduction_nan", "cumulative", "order_stats"]


def lop(name):
    """The lamina op `name` from the reduction modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


def _data(shape, kind="float", seed=0):
    rng = np.random.default_rng(seed)
    if kind == "int":
        return rng.integers(-5, 6, shape).astype("int32")
    if kind == "bool":
        return rng.random(shape) > 0.5
    if kind == "positive":
        return rng.uniform(0.5, 2.0, shape).astype("float32")
    if kind == "ties":  # few distinct values: max/min/median ties
        return rng.integers(0, 3, shape).astype("float32")
    if kind == "nan":
        x = rng.standard_normal(shape).astype("float32")
        x[rng.random(shape) < 0.3] = np.nan
        x.reshape(-1)[0] = 1.0  # keep at least one value per slice in small tests
        return x
    return rng.standard_normal(shape).astype("float32")


CASES = [
    ("sum", {}, (3, 4), "float"),
    ("sum", {"axis": (0, 2), "keepdims": True}, (2, 3, 4), "float"),
    ("sum", {"axis": 1}, (3, 4), "int"),
    ("sum", {}, (3, 4), "bool"),
    ("mean", {"axis": -1}, (3, 4), "float"),
    ("mean", {}, (3, 4), "int"),
    ("max", {"axis": 1}, (3, 5), "ties"),
    ("max", {}, (3, 5), "ties"),
    ("max", {"axis": 0, "initial": 1.5}, (3, 5), "ties"),
    ("min", {"axis": (0, 1), "keepdims": True}, (2, 3, 4), "ties"),
    ("min", {"axis": 1}, (3, 4), "int"),
    ("amax", {"axis": 0}, (4, 3), "ties"),
    ("amin", {"axis": -1}, (4, 3), "float"),
    ("ptp", {"axis": 1}, (3, 5), "ties"),
    ("prod", {"axis": 1}, (3, 4), "float"),
    ("prod", {}, (2, 3), "int"),
    ("std", {"axis": 0}, (5, 3), "float"),
    ("var", {"axis": (0, 1)}, (2, 3, 4), "float"),
    ("var", {}, (3, 4), "int"),
    ("all", {"axis": 1}, (3, 4), "bool"),
    ("any", {}, (3, 4), "bool"),
    ("argmax", {"axis": 1}, (3, 4), "float"),
    ("argmin", {"axis": 0, "keepdims": True}, (3, 4), "ties"),
    ("argmax", {}, (3, 4), "int"),
    ("count_nonzero", {"axis": 1}, (3, 4), "ties"),
    ("count_nonzero", {}, (3, 4), "int"),
    ("cumsum", {"axis": 1}, (3, 4), "float"),
    ("cumsum", {}, (3, 4), "int"),
    ("cumsum", {"axis": 0}, (3, 4), "bool"),
    ("cumprod", {"axis": 0}, (4, 3), "float"),
    ("cumprod", {}, (3, 4), "ties"),  # zeros in the running product
    ("average", {"axis": 1}, (3, 4), "float"),
    ("average", {}, (3, 4), "int"),
    ("median", {"axis": 1}, (3, 5), "ties"),
    ("median", {"axis": (0, 2), "keepdims": True}, (2, 3, 4), "float"),
    ("median", {}, (4, 4), "int"),
    ("nansum", {"axis": 1}, (3, 6), "nan"),
    ("nanmean", {"axis": 1}, (3, 6), "nan"),
    ("nanmean", {}, (3, 4), "int"),
    ("nanmax", {"axis": 0}, (4, 3), "nan"),
    ("nanmin", {"axis": 1, "keepdims": True}, (4, 3), "nan"),
    ("nanprod", {"axis": 1}, (3, 6), "nan"),
    ("nanstd", {"axis": 1}, (3, 6), "nan"),
    ("nanvar", {}, (3, 6), "nan"),
    ("nanargmax", {"axis": 1}, (3, 6), "nan"),
    ("nanargmin", {}, (3, 6), "nan"),
    ("nancumsum", {"axis": 1}, (3, 6), "nan"),
    ("nancumprod", {"axis": 1}, (3, 6), "nan"),
    ("nanmedian", {"axis": 1}, (3, 6), "nan"),
]


@pytest.mark.parametrize(("name", "kwargs", "shape", "kind"), CASES)
def test_reduction_parity(name, kwargs, shape, kind):
    x = _data(shape, kind)
    assert_parity(
        lambda t: lop(name)(t, **kwargs), lambda t: getattr(keras.ops, name)(t, **kwargs), [x]
    )


# Eager JAX quantiles are slow (about a second each), so each method is checked once.
QUANTILE_CASES = [
    ("quantile", "linear", 0.3, None, False),
    ("quantile", "lower", [0.1, 0.5, 0.9], 1, False),
    ("quantile", "higher", 0.75, 0, True),
    ("percentile", "midpoint", [10.0, 50.0], 1, True),
    ("percentile", "nearest", 50.0, None, False),
    ("quantile", "nearest", [0.1, 0.3, 0.5], 0, False),  # ties at .5 go to the lower value
    ("nanquantile", "linear", [0.2, 0.8], 1, False),
]


@pytest.mark.parametrize(("name", "method", "q", "axis", "keepdims"), QUANTILE_CASES)
def test_quantile_parity(name, method, q, axis, keepdims):
    x = _data((4, 6), "ties", seed=3)
    q = np.asarray(q, "float32")
    assert_parity(
        lambda t: lop(name)(t, q, axis=axis, method=method, keepdims=keepdims),
        lambda t: getattr(keras.ops, name)(t, q, axis=axis, method=method, keepdims=keepdims),
        [x],
    )


def test_nanpercentile_parity():
    x = _data((3, 6), "nan", seed=1)
    assert_parity(
        lambda t: lop("nanpercentile")(t, [25.0, 50.0], axis=1),
        lambda t: keras.ops.nanpercentile(t, np.array([25.0, 50.0], "float32"), axis=1),
        [x],
    )


def test_average_weights_parity():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype("float32")
    w1 = rng.uniform(0.5, 2, 4).astype("float32")
    w2 = rng.uniform(0.5, 2, (3, 4)).astype("float32")
    assert_parity(
        lambda a, w: lop("average")(a, axis=1, weights=w),
        lambda a, w: keras.ops.average(a, axis=1, weights=w),
        [x, w1],
    )
    assert_parity(
        lambda a, w: lop("average")(a, axis=None, weights=w),
        lambda a, w: keras.ops.average(a, axis=None, weights=w),
        [x, w2],
    )


def test_prod_with_zeros_gradient_parity():
    x = np.array([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0], [2.0, 3.0, 4.0]], "float32")
    assert_parity(lambda t: lop("prod")(t, axis=1), lambda t: keras.ops.prod(t, axis=1), [x])
    assert_parity(lambda t: lop("cumprod")(t, axis=1), lambda t: keras.ops.cumprod(t, axis=1), [x])
