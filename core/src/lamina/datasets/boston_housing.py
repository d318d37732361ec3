"""Boston housing prices (StatLib), downloaded like `keras.datasets.boston_housing`.

Warning (as in Keras): this dataset has an ethical problem, its variable "B" may appear to
assume that racial self-segregation influences house prices; prefer `california_housing`
unless the point is to illustrate such issues.
"""

from __future__ import annotations

import numpy as np

from lamina.datasets import sources
from lamina.datasets.splits import check_test_split, shuffle_split


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113):
    """Load Boston housing: 506 samples of 13 attributes, targets the median values in k$.

    Downloads `boston_housing.npz` (57 KB) once into `~/.keras/datasets/`, the cache Keras
    uses.

    Args:
        path: name of the file in the cache (relative to `~/.keras/datasets`).
        test_split: fraction of the samples kept for the test set, in [0, 1).
        seed: seed of the shuffle before the split.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` of shape `(n, 13)`, `y` of shape `(n,)`.

    Example:
        >>> (x_train, y_train), _ = lamina.datasets.boston_housing.load_data()
        >>> x_train.shape  # doctest: +SKIP
        (404, 13)
    """
    check_test_split(test_split, "boston_housing.load_data")
    with np.load(sources.fetch("boston_housing.npz", fname=path), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffle_split(x, y, test_split, seed, "boston_housing.load_data")


__all__ = ["load_data"]
