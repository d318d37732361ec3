"""The UCI optical digits dataset (8x8 images of the digits 0-9), shipped with lamina.

See `lamina.datasets` for the source and its CC BY 4.0 attribution.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lamina.datasets.splits import shuffle_split

_PATH = Path(__file__).with_name("digits.npz")
NUM_SAMPLES = 1797


def load_data(test_split: float = 0.2, seed: int = 113):
    """Load the digits dataset, shuffled and split, like `keras.datasets.*.load_data`.

    Args:
        test_split: fraction of the 1,797 samples kept for the test set, in [0, 1).
        seed: seed of the shuffle applied before the split (same seed, same split).

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` is uint8 of shape `(n, 8, 8)` with values
        0..16, `y` is uint8 of shape `(n,)` with labels 0..9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data(test_split=0.2)
        >>> x_train.shape, x_test.shape
        ((1437, 8, 8), (360, 8, 8))
    """
    with np.load(_PATH) as data:
        x, y = data["x"], data["y"]
    return shuffle_split(x, y, test_split, seed, "digits.load_data")


__all__ = ["NUM_SAMPLES", "load_data"]
