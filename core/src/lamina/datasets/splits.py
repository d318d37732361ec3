"""The shuffled train/test split the Keras dataset loaders share."""

from __future__ import annotations

import numpy as np


def check_test_split(test_split, loader: str) -> float:
    """`test_split` as a float, or a ValueError naming `loader` when it is not in [0, 1)."""
    is_number = isinstance(test_split, (int, float, np.integer, np.floating))
    if isinstance(test_split, bool) or not is_number or not 0.0 <= test_split < 1.0:
        raise ValueError(
            f"{loader}: `test_split` must be a float in [0, 1) (the fraction of samples kept "
            f"for the test set), received {test_split!r}."
        )
    return float(test_split)


def shuffle_split(x: np.ndarray, y: np.ndarray, test_split: float, seed, loader: str):
    """Shuffle `x` and `y` with `RandomState(seed)` and cut them as Keras's loaders do.

    Args:
        x, y: arrays with the same number of samples.
        test_split: fraction of the samples that go to the test set, in [0, 1).
        seed: seed of the shuffle.
        loader: the caller's name, for error messages.

    Returns:
        `((x_train, y_train), (x_test, y_test))`, each a new array.

    Example:
        >>> train, test = shuffle_split(x, y, 0.2, 113, "load_data")  # doctest: +SKIP
    """
    test_split = check_test_split(test_split, loader)
    order = np.random.RandomState(seed).permutation(len(x))
    x, y = x[order], y[order]
    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


__all__ = ["check_test_split", "shuffle_split"]
