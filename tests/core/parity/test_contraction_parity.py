"""Contractions (matmul, dot, einsum, tensordot, ...), cdist, corrcoef, unfold/fold vs Keras."""

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import ops


def _data(shape, kind="float", seed=0):
    rng = np.random.default_rng(seed)
    if kind == "int":
        return rng.integers(-4, 5, shape).astype("int32")
    if kind == "int8":
        return rng.integers(-4, 5, shape).astype("int8")
    if kind == "float16":
        return rng.standard_normal(shape).astype("float16")
    return rng.standard_normal(shape).astype("float32")


BINARY = [
    ("matmul", {}, ((3, 4), (4, 5))),
    ("matmul", {}, ((4,), (4, 2))),
    ("matmul", {}, ((3, 4), (4,))),
    ("matmul", {}, ((4,), (4,))),
    ("matmul", {}, ((2, 1, 3, 4), (5, 4, 2))),
    ("dot", {}, ((3, 4), (4, 5))),
    ("dot", {}, ((2, 3, 4), (4,))),
    ("dot", {}, ((2, 3, 4), (5, 4, 2))),
    ("dot", {}, ((), (3, 2))),
    ("inner", {}, ((3, 4), (5, 4))),
    ("inner", {}, ((2, 3, 4), (4,))),
    ("outer", {}, ((2, 2), (3,))),
    ("tensordot", {"axes": 2}, ((2, 3, 4), (3, 4, 5))),
    ("tensordot", {"axes": 1}, ((2, 3), (3, 4))),
    ("tensordot", {"axes": ([0, 2], [1, 0])}, ((4, 2, 3), (3, 4, 5))),
    ("vdot", {}, ((2, 3), (6,))),
    ("kron", {}, ((2, 3), (3, 2))),
    ("kron", {}, ((3,), (2, 2))),
    ("cross", {}, ((4, 3), (4, 3))),
    ("cross", {}, ((2, 1, 3), (5, 3))),
    ("cross", {}, ((4, 3), (4, 2))),
    ("cross", {}, ((4, 2), (4, 2))),
    ("cross", {"axisa": 0, "axisb": 0, "axisc": 0}, ((3, 4), (3, 4))),
    ("cross", {"axis": 1}, ((2, 3, 4), (2, 3, 4))),
    ("correlate", {"mode": "valid"}, ((6,), (3,))),
    ("correlate", {"mode": "same"}, ((6,), (3,))),
    ("correlate", {"mode": "full"}, ((6,), (3,))),
    ("correlate", {"mode": "same"}, ((3,), (5,))),
    ("correlate", {"mode": "valid"}, ((3,), (5,))),
    ("cdist", {}, ((3, 4), (5, 4))),
    ("cdist", {}, ((2, 3, 4), (2, 5, 4))),
]


@pytest.mark.parametrize("name,kwargs,shapes", BINARY)
def test_binary_parity(name, kwargs, shapes):
    a, b = _data(shapes[0], seed=1), _data(shapes[1], seed=2)
    assert_parity(
        lambda x, y: getattr(ops, name)(x, y, **kwargs),
        lambda x, y: getattr(keras.ops, name)(x, y, **kwargs),
        [a, b],
    )


@pytest.mark.parametrize(
    "name", ["matmul", "dot", "inner", "outer", "tensordot", "vdot", "kron", "cross", "cdist"]
)
@pytest.mark.parametrize(
    "kinds", [("int", "int"), ("int8", "int8"), ("int", "float"), ("int", "float16")]
)
def test_dtype_parity(name, kinds):
    shape = (3, 3)
    a, b = _data(shape, kinds[0], seed=1), _data(shape, kinds[1], seed=2)
    # float16 rounding differs between XLA and NumPy accumulation orders.
    tol = dict(rtol=1e-2, atol=1e-2) if "float16" in kinds else {}
    assert_parity(getattr(ops, name), getattr(keras.ops, name), [a, b], **tol)


@pytest.mark.parametrize(
    "kinds", [("int", "int"), ("int", "float"), ("int", "float16"), ("float", "float")]
)
def test_correlate_dtype_parity(kinds):
    a, b = _data((5,), kinds[0], seed=1), _data((3,), kinds[1], seed=2)
    tol = dict(rtol=1e-2, atol=1e-2) if "float16" in kinds else {}
    assert_parity(ops.correlate, keras.ops.correlate, [a, b], **tol)


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->j", [(2, 3)]),
    ("i,i,i->", [(4,), (4,), (4,)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("b...i,...i->b...", [(2, 3, 4), (3, 4)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("abc,cd->abd", [(2, 3, 4), (4, 5)]),
]


@pytest.mark.parametrize("spec,shapes", EINSUM)
def test_einsum_parity(spec, shapes):
    arrays = [_data(s, seed=i) for i, s in enumerate(shapes)]
    assert_parity(
        lambda *xs: ops.einsum(spec, *xs), lambda *xs: keras.ops.einsum(spec, *xs), arrays
    )


@pytest.mark.parametrize("kinds", [("int8", "int8"), ("int", "int"), ("int8", "float")])
def test_einsum_dtype_parity(kinds):
    a, b = _data((2, 3), kinds[0], seed=1), _data((3, 4), kinds[1], seed=2)
    assert_parity(
        lambda x, y: ops.einsum("ij,jk->ik", x, y),
        lambda x, y: keras.ops.einsum("ij,jk->ik", x, y),
        [a, b],
    )


@pytest.mark.parametrize("shape", [(3, 6), (2, 5), (6,), (1, 4)])
def test_corrcoef_parity(shape):
    assert_parity(ops.corrcoef, keras.ops.corrcoef, [_data(shape, seed=3)])


def test_corrcoef_int_parity():
    x = np.array([[1, 2, 4, 7], [3, 1, 0, 2], [2, 2, 5, 1]], "int32")
    assert_parity(ops.corrcoef, keras.ops.corrcoef, [x])


# Keras's JAX fold returns a smaller image when the blocks do not reach the last
# rows/columns (lamina returns output_size, zero-filled, as documented), so these
# sizes are chosen so that the blocks cover the padded image exactly.
@pytest.mark.parametrize(
    "size,kwargs",
    [
        ((6, 8), dict(kernel_size=2, stride=2)),
        ((6, 8), dict(kernel_size=3, padding=1)),
        ((6, 7), dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 0), stride=(1, 2))),
    ],
)
def test_unfold_fold_parity(size, kwargs):
    x = _data((2, 3, *size), seed=4)
    assert_parity(lambda t: ops.unfold(t, **kwargs), lambda t: keras.ops.unfold(t, **kwargs), [x])
    cols = np.asarray(keras.ops.unfold(x, **kwargs))
    c = _data(cols.shape, seed=5)
    assert_parity(
        lambda t: ops.fold(t, size, **kwargs),
        lambda t: keras.ops.fold(t, size, **kwargs),
        [c],
    )
