"""sort, argsort, argpartition and top_k against Keras on JAX."""

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina.ops import sorting


def _ties(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 4, shape).astype("float32")


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_sort_parity(axis):
    x = _ties((4, 5))
    assert_parity(lambda t: sorting.sort(t, axis=axis), lambda t: keras.ops.sort(t, axis=axis), [x])
    assert_parity(
        lambda t: sorting.argsort(t, axis=axis), lambda t: keras.ops.argsort(t, axis=axis), [x]
    )


def test_sort_integers_parity():
    x = np.array([[3, 1, 2], [0, -5, 7]], "int32")
    assert_parity(sorting.sort, keras.ops.sort, [x])
    assert_parity(sorting.argsort, keras.ops.argsort, [x])


def test_argsort_scalar_parity():
    assert_parity(sorting.argsort, keras.ops.argsort, [np.array(3.0, "float32")])


@pytest.mark.parametrize(("shape", "k"), [((7,), 3), ((3, 6), 2), ((2, 3, 5), 5), ((4,), 0)])
def test_top_k_parity(shape, k):
    x = _ties(shape, seed=1)  # many ties: the lower index must come first
    assert_parity(lambda t: sorting.top_k(t, k), lambda t: keras.ops.top_k(t, k), [x])


def test_top_k_integers_parity():
    x = np.array([[3, 9, 9, 1], [0, -2, 5, 5]], "int32")
    assert_parity(lambda t: sorting.top_k(t, 2), lambda t: keras.ops.top_k(t, 2), [x])


@pytest.mark.parametrize(("kth", "axis"), [(2, -1), (1, 0), (3, None)])
def test_argpartition_parity(kth, axis):
    """Partition order is implementation-defined: compare what it guarantees."""
    x = np.random.default_rng(2).standard_normal((4, 5)).astype("float32")
    ours = sorting.argpartition(x, kth, axis=axis).numpy()
    theirs = np.asarray(keras.ops.argpartition(x, kth, axis=axis))
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    flat = x.reshape(-1) if axis is None else x
    ax = 0 if axis is None else axis
    ours_v = np.take_along_axis(flat, ours, axis=ax)
    theirs_v = np.take_along_axis(flat, theirs, axis=ax)
    np.testing.assert_array_equal(np.take(ours_v, kth, axis=ax), np.take(theirs_v, kth, axis=ax))
    np.testing.assert_array_equal(np.sort(ours_v, axis=ax), np.sort(theirs_v, axis=ax))
