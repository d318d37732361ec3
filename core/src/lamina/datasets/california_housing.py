"""California housing prices (1990 census), downloaded like `keras.datasets.california_housing`."""

from __future__ import annotations

import numpy as np

from lamina.datasets import sources
from lamina.datasets.splits import check_test_split, shuffle_split

_SMALL_SIZE = 600


def load_data(
    version: str = "large",
    path: str = "california_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
):
    """Load California housing: 20,640 districts, 8 features, targets the median house values.

    Features: MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude,
    Longitude; targets in dollars. Downloads `california_housing.npz` (400 KB) once into
    `~/.keras/datasets/`, the cache Keras uses.

    Args:
        version: `"large"` (all 20,640 samples) or `"small"` (the first 600, a stand-in for
            `boston_housing`).
        path: name of the file in the cache (relative to `~/.keras/datasets`).
        test_split: fraction of the samples kept for the test set, in [0, 1).
        seed: seed of the shuffle before the split.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` of shape `(n, 8)`, `y` of shape `(n,)`.

    Example:
        >>> (x_train, y_train), _ = lamina.datasets.california_housing.load_data("small")
        >>> x_train.shape  # doctest: +SKIP
        (480, 8)
    """
    check_test_split(test_split, "california_housing.load_data")
    if version not in ("small", "large"):
        raise ValueError(
            "california_housing.load_data: `version` must be one of 'small', 'large'. "
            f"Received: version={version!r}"
        )
    with np.load(sources.fetch("california_housing.npz", fname=path), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:_SMALL_SIZE], y[:_SMALL_SIZE]
    return shuffle_split(x, y, test_split, seed, "california_housing.load_data")


__all__ = ["load_data"]
