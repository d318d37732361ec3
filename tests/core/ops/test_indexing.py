"""Indexing, scatter, where/select and searching ops."""

import importlib

import numpy as np
import pytest

from lamina import GradientTape, ops
from lamina.autodiff.gradient_check import check_gradients

_MODULES = ["indexing", "scattering", "searching"]


def lop(name):
    """The lamina op `name` from the indexing modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


def _grad(fn, *xs):
    ts = [ops.convert_to_tensor(x) for x in xs]
    with GradientTape() as tape:
        for t in ts:
            tape.watch(t)
        y = fn(*ts)
    return [g.numpy() for g in tape.gradient(y, ts)]


GET_ITEM = [
    (slice(1, None), (3, 4)),
    ((Ellipsis, 0), (2, 3, 4)),
    (np.array([0, 2, 0]), (3, 4)),
    ((np.array([0, 0]), np.array([1, 1])), (3, 4)),
    (np.array([True, False, True]), (3, 2)),
    ((None, 1), (3, 4)),
]


@pytest.mark.parametrize(("key", "shape"), GET_ITEM)
def test_get_item(key, shape, rng):
    x = rng.standard_normal(shape)
    np.testing.assert_array_equal(lop("get_item")(x, key).numpy(), x[key])
    check_gradients(lambda t: lop("get_item")(t, key), [x])


TAKE = [
    ((3, 4), [0, 2, 2, -1], 1),
    ((3, 4), [[1, 1], [0, 2]], 0),
    ((3, 4), [5, 0, 5], None),
    ((5, 2), 3, 0),
    ((4, 2), np.zeros((0,), "int32"), 0),
]


@pytest.mark.parametrize(("shape", "indices", "axis"), TAKE)
def test_take(shape, indices, axis, rng):
    x = rng.standard_normal(shape)
    out = lop("take")(x, indices, axis=axis)
    np.testing.assert_array_equal(out.numpy(), np.take(x, indices, axis=axis))
    check_gradients(lambda t: lop("take")(t, indices, axis=axis), [x])


def test_take_repeated_indices_accumulate():
    (g,) = _grad(lambda t: lop("take")(t, [1, 1, 1]), np.zeros(3, "float32"))
    np.testing.assert_array_equal(g, [0, 3, 0])


TAKE_ALONG = [
    ((3, 4), [[0, 0], [3, 1], [2, 2]], 1),
    ((3, 4), [[0, 1, 2, 2]], 0),
    ((3, 4), [[1, -1]], 1),
    ((3, 4), [0, 11, 11], None),
]


@pytest.mark.parametrize(("shape", "indices", "axis"), TAKE_ALONG)
def test_take_along_axis(shape, indices, axis, rng):
    x = rng.standard_normal(shape)
    indices = np.array(indices)
    out = lop("take_along_axis")(x, indices, axis=axis)
    np.testing.assert_array_equal(out.numpy(), np.take_along_axis(x, indices, axis=axis))
    check_gradients(lambda t: lop("take_along_axis")(t, indices, axis=axis), [x])


def test_indexing_errors():
    x = np.ones((2, 3), "float32")
    with pytest.raises(TypeError, match="take: `indices` must be integers"):
        lop("take")(x, np.array([0.0]))
    with pytest.raises(IndexError, match="take:"):
        lop("take")(x, [7], axis=1)
    with pytest.raises(ValueError, match="take_along_axis: `indices` must have the rank"):
        lop("take_along_axis")(x, np.array([0]), axis=1)
    with pytest.raises(ValueError, match="slice: a block"):
        lop("slice")(x, (0, 0), (3, 1))
    with pytest.raises(ValueError, match="where: `x1` and `x2`"):
        lop("where")(x > 0, x)
    with pytest.raises(ValueError, match="scatter_update: unknown reduction"):
        lop("scatter_update")(x, [[0]], x[:1], reduction="avg")


def test_slice_and_slice_update(rng):
    x = rng.standard_normal((4, 5))
    np.testing.assert_array_equal(lop("slice")(x, (1, 2), (2, -1)).numpy(), x[1:3, 2:])
    np.testing.assert_array_equal(lop("slice")(x, (3, 4), (2, 2)).numpy(), x[2:4, 3:5])  # clamped
    check_gradients(lambda t: lop("slice")(t, (1, 0), (2, 3)), [x])
    u = rng.standard_normal((2, 2))
    expected = x.copy()
    expected[2:4, 1:3] = u
    np.testing.assert_array_equal(lop("slice_update")(x, (5, 1), u).numpy(), expected)
    check_gradients(lambda a, b: lop("slice_update")(a, (1, 2), b), [x, u])


def test_scatter(rng):
    indices = np.array([[0, 1], [0, 1], [2, 3]])
    values = rng.standard_normal(3)
    out = lop("scatter")(indices, values, (3, 4)).numpy()
    assert out[0, 1] == values[0] + values[1] and out[2, 3] == values[2]
    check_gradients(lambda v: lop("scatter")(indices, v, (3, 4)), [values])
    rows = rng.standard_normal((2, 4))
    check_gradients(lambda v: lop("scatter")(np.array([[1], [1]]), v, (3, 4)), [rows])
    assert lop("scatter")(np.array([[0]]), np.array([2], "int32"), (2,)).dtype == "int32"


@pytest.mark.parametrize("reduction", [None, "add", "max", "min", "mul"])
def test_scatter_update(reduction, rng):
    x = rng.standard_normal((4, 3))
    indices = np.array([[1], [3], [1]])
    updates = rng.standard_normal((3, 3))
    expected = x.copy()
    reduce = {
        None: lambda a, i, u: a.__setitem__(i, u),
        "add": np.add.at,
        "max": np.maximum.at,
        "min": np.minimum.at,
        "mul": np.multiply.at,
    }[reduction]
    for i, u in zip(indices[:, 0], updates):
        reduce(expected, i, u)
    out = lop("scatter_update")(x, indices, updates, reduction=reduction)
    np.testing.assert_allclose(out.numpy(), expected)
    check_gradients(
        lambda a, b: lop("scatter_update")(a, indices, b, reduction=reduction), [x, updates]
    )


def test_scatter_update_gradient_rules():
    x = np.array([1.0, 5.0, 3.0], "float32")
    idx = np.array([[1], [1], [2]])
    upd = np.array([5.0, 2.0, 7.0], "float32")
    w = np.array([1.0, 2.0, 3.0], "float32")
    # Replacing: only the update that landed (the last of repeated indices) gets a gradient.
    gx, gu = _grad(lambda a, b: lop("scatter_update")(a, idx, b) * w, x, upd)
    np.testing.assert_array_equal(gx, [1, 0, 0])
    np.testing.assert_array_equal(gu, [0, 2, 3])
    # max: the input and the update tied at 5 share the gradient.
    gx, gu = _grad(lambda a, b: lop("scatter_update")(a, idx, b, reduction="max") * w, x, upd)
    np.testing.assert_array_equal(gx, [1, 1, 0])
    np.testing.assert_array_equal(gu, [1, 0, 3])
    # mul with zeros: exact products of the other factors.
    zeros = np.array([0.0, 2.0, 0.0], "float32")
    _, gu = _grad(lambda a, b: lop("scatter_update")(a, idx, b, reduction="mul") * w, x, zeros)
    np.testing.assert_array_equal(gu, [2 * 5 * 2, 0, 3 * 3])
    assert lop("scatter_update")(np.zeros(2, "int32"), [[0]], [5.5]).dtype == "int32"


WHERE = [
    ((2, 3), (2, 3), (2, 3)),
    ((2, 3), (3,), (2, 1)),
    ((3,), (), (3,)),
    ((0, 2), (0, 2), (1, 2)),
]


@pytest.mark.parametrize(("cshape", "ashape", "bshape"), WHERE)
def test_where(cshape, ashape, bshape, rng):
    cond = rng.random(cshape) > 0.5
    a, b = rng.standard_normal(ashape), rng.standard_normal(bshape)
    np.testing.assert_array_equal(lop("where")(cond, a, b).numpy(), np.where(cond, a, b))
    check_gradients(lambda x, y: lop("where")(cond, x, y), [a, b])


def test_where_dtypes_and_nonzero_form():
    cond = np.array([True, False, True])
    assert lop("where")(cond, 1, 0).dtype == "int32"
    assert lop("where")(cond, 1.0, 0).dtype == "float32"
    assert lop("where")(cond, np.ones(3, "int32"), 1.5).dtype == "float32"
    assert lop("where")(cond, np.ones(3, "int32"), np.ones(3, "float16")).dtype == "float16"
    assert lop("where")(np.array([0.0, 2.0]), 1.0, 2.0).numpy().tolist() == [2.0, 1.0]
    (idx,) = lop("where")(cond)
    assert idx.dtype == "int32" and idx.numpy().tolist() == [0, 2]


def test_select(rng):
    c1, c2 = np.array([True, False, False, True]), np.array([True, True, False, False])
    a, b = rng.standard_normal(4), rng.standard_normal(4)
    out = lop("select")([c1, c2], [a, b], 0.5)
    np.testing.assert_array_equal(out.numpy(), np.select([c1, c2], [a, b], 0.5))
    check_gradients(
        lambda x, y, d: lop("select")([c1, c2], [x, y], d), [a, b, rng.standard_normal(4)]
    )
    assert lop("select")([c1], [np.ones(4, "int32")], 5).dtype == "int32"
    assert lop("select")([c1], [np.ones(4, "int32")], 5.5).dtype == "float32"
    with pytest.raises(ValueError, match="select: `condlist` and `choicelist`"):
        lop("select")([c1], [a, b])


def test_searching():
    seq = np.array([1.0, 2.0, 2.0, 3.0], "float32")
    out = lop("searchsorted")(seq, np.array([2.0, 0.5]), side="right")
    assert out.dtype == "int32" and out.numpy().tolist() == [3, 0]
    with pytest.raises(ValueError, match="searchsorted: `sorted_sequence` must be 1-D"):
        lop("searchsorted")(np.ones((2, 2)), 1.0)
    out = lop("digitize")(np.array([0.5, 1.5, 3.2]), seq)
    assert out.dtype == "int32" and out.numpy().tolist() == [0, 1, 4]
    rows, cols = lop("nonzero")(np.array([[0, 3], [1, 0]]))
    assert rows.numpy().tolist() == [0, 1] and cols.numpy().tolist() == [1, 0]
    assert rows.dtype == "int32"
    r, c = lop("unravel_index")(np.array([5, 7]), (3, 4))
    assert r.numpy().tolist() == [1, 1] and c.numpy().tolist() == [1, 3] and r.dtype == "int32"


def test_bincount(rng):
    x = np.array([0, 1, 1, 4], "int32")
    out = lop("bincount")(x, minlength=6)
    assert out.dtype == "int32" and out.numpy().tolist() == [1, 2, 0, 0, 1, 0]
    w = rng.standard_normal(4).astype("float32")
    out = lop("bincount")(x, weights=w)
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), np.bincount(x, w), rtol=1e-6)
    assert lop("bincount")(x, weights=np.ones(4, "int32")).dtype == "int32"
    rows = lop("bincount")(np.array([[0, 1], [2, 2]], "int32"))
    assert rows.numpy().tolist() == [[1, 1, 0], [0, 0, 2]]
    check_gradients(lambda v: lop("bincount")(x, weights=v), [w.astype("float64")])
    with pytest.raises(ValueError, match="sparse"):
        lop("bincount")(x, sparse=True)


def test_histogram():
    counts, edges = lop("histogram")(np.array([0.0, 1.0, 1.0, 3.0, 7.0]), bins=3, range=(0.0, 3.0))
    assert counts.numpy().tolist() == [1.0, 2.0, 1.0]
    np.testing.assert_allclose(edges.numpy(), [0, 1, 2, 3])
    counts, _ = lop("histogram")(np.array([1, 2, 2], "int32"))
    assert counts.dtype == "float32" and counts.shape == (10,)
    with pytest.raises(TypeError, match="histogram: `bins`"):
        lop("histogram")(np.ones(3), bins=2.5)
    with pytest.raises(ValueError, match="histogram: `x` must be 1-D"):
        lop("histogram")(np.ones((2, 2)))


def test_unique():
    x = np.array([[3, 1], [3, 1], [0, 2]], "int32")
    values, index, inverse, counts = lop("unique")(
        x, return_index=True, return_inverse=True, return_counts=True
    )
    assert values.numpy().tolist() == [0, 1, 2, 3]
    assert index.numpy().tolist() == [4, 1, 5, 0]
    assert inverse.shape == (3, 2) and inverse.dtype == "int32"
    assert counts.numpy().tolist() == [1, 2, 1, 2]
    padded, pcounts = lop("unique")(x, size=6, return_counts=True)
    assert padded.numpy().tolist() == [0, 1, 2, 3, 0, 0]
    assert pcounts.numpy().tolist() == [1, 2, 1, 2, 0, 0]
    assert lop("unique")(x, size=5, fill_value=-1).numpy().tolist() == [0, 1, 2, 3, -1]
    rows, inv = lop("unique")(x, axis=0, return_inverse=True)
    assert rows.numpy().tolist() == [[0, 2], [3, 1]] and inv.numpy().tolist() == [1, 1, 0]
