"""lamina.datasets.digits: the shipped UCI optical digits data and its keras-style split."""

import numpy as np
import pytest

from lamina.datasets import digits

# Samples per class 0..9 in the UCI test portion that scikit-learn bundles.
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def _all(split):
    (x_train, y_train), (x_test, y_test) = split
    return np.concatenate([x_train, x_test]), np.concatenate([y_train, y_test])


def test_default_split_shapes_and_dtypes():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    assert x_train.shape == (1437, 8, 8) and y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8) and y_test.shape == (360,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8


def test_contents_are_the_uci_digits():
    x, y = _all(digits.load_data())
    assert len(x) == digits.NUM_SAMPLES
    assert x.min() == 0 and x.max() == 16
    assert np.bincount(y, minlength=10).tolist() == CLASS_COUNTS
    # The 8x8 border columns are almost always blank in these centred digits.
    assert x[:, :, 0].mean() < 0.1 < x[:, :, 3].mean()


@pytest.mark.parametrize("test_split, n_test", [(0.0, 0), (0.1, 180), (0.2, 360), (0.5, 899)])
def test_split_sizes_partition_the_data(test_split, n_test):
    split = digits.load_data(test_split=test_split)
    assert len(split[1][0]) == n_test == len(split[1][1])
    x, y = _all(split)
    reference_x, reference_y = _all(digits.load_data(test_split=0.0))
    order = np.lexsort(x.reshape(len(x), -1).T)
    ref_order = np.lexsort(reference_x.reshape(len(x), -1).T)
    np.testing.assert_array_equal(x[order], reference_x[ref_order])
    np.testing.assert_array_equal(np.sort(y), np.sort(reference_y))


def test_seed_makes_the_split_reproducible():
    a = digits.load_data(seed=113)
    b = digits.load_data(seed=113)
    c = digits.load_data(seed=7)
    np.testing.assert_array_equal(a[0][0], b[0][0])
    np.testing.assert_array_equal(a[1][1], b[1][1])
    assert not np.array_equal(a[0][1], c[0][1])


def test_loaded_arrays_are_independent_copies():
    (x_train, _), _ = digits.load_data()
    x_train[:] = 0
    (x_again, _), _ = digits.load_data()
    assert x_again.max() == 16


@pytest.mark.parametrize("bad", [1.0, -0.1, 2, True, "0.2"])
def test_invalid_test_split_is_rejected(bad):
    with pytest.raises((ValueError, TypeError), match="test_split"):
        digits.load_data(test_split=bad)
