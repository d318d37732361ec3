"""NumPy `scatter_add`: the sorted whole-row path agrees with `np.add.at`."""

import numpy as np
import pytest

from lamina.backend.kernels import numpy_kernels


def _integer_valued(rng, shape):
    # Integer-valued floats: every summation order gives the same exact result.
    return rng.integers(-8, 8, size=shape).astype(np.float64)


@pytest.mark.parametrize(
    "rows,row_shape,n",
    [
        (500, (64,), 2000),  # Embedding-like: a quarter of the indices repeat
        (3, (8, 16), 400),  # runs far longer than the rank levels: np.add.at for the tail
        (10_000, (128,), 64),  # almost all distinct
    ],
)
@pytest.mark.parametrize("as_tuple", [False, True])
def test_whole_row_scatter_matches_add_at(rng, rows, row_shape, n, as_tuple):
    target = _integer_valued(rng, (rows, *row_shape))
    index = rng.integers(0, rows, size=n)
    updates = _integer_valued(rng, (n, *row_shape))
    expected = target.copy()
    np.add.at(expected, index, updates)
    got = numpy_kernels.scatter_add(target, (index,) if as_tuple else index, updates)
    assert got is target
    np.testing.assert_array_equal(got, expected)


def test_wide_row_scatters_take_the_sorted_path(rng):
    """The Embedding-gradient shape is the case the sorted path exists for."""
    target = np.zeros((2000, 128), np.float32)
    index = rng.integers(0, 2000, size=1280)
    updates = np.ones((1280, 128), np.float32)
    assert numpy_kernels._whole_rows(target, (index,), updates) is index


@pytest.mark.parametrize(
    "case",
    ["negative", "narrow", "few", "broadcast", "dtype", "two_axes"],
)
def test_other_scatters_fall_back_to_add_at(rng, case):
    target = _integer_valued(rng, (50, 64))
    index = rng.integers(0, 50, size=200)
    updates = _integer_valued(rng, (200, 64))
    key = (index,)
    if case == "negative":
        key = (index - 50,)
    elif case == "narrow":
        target, updates = target[:, :4].copy(), updates[:, :4].copy()
    elif case == "few":
        key, updates = (index[:10],), updates[:10]
    elif case == "broadcast":
        updates = updates[:, :1]
    elif case == "dtype":
        updates = updates.astype(np.float32)
    elif case == "two_axes":
        key, updates = (index, index % 64), updates[:, 0]
    expected = target.copy()
    np.add.at(expected, key, updates)
    np.testing.assert_array_equal(numpy_kernels.scatter_add(target, key, updates), expected)
