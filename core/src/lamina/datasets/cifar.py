"""Reading the pickled batch files of the CIFAR-10 and CIFAR-100 datasets."""

from __future__ import annotations

import numpy as np

from lamina.backend.config import image_data_format
from lamina.datasets.safe_pickle import RestrictedUnpickler


def load_batch(fpath: str, label_key: str = "labels"):
    """The images `(n, 3, 32, 32)` and the labels (a list) of one CIFAR batch file.

    Args:
        fpath: the batch file (a pickled dict with bytes keys, as the CIFAR site ships it).
        label_key: the key of the labels: `"labels"`, `"fine_labels"` or `"coarse_labels"`.

    Example:
        >>> data, labels = load_batch("cifar-10-batches-py/test_batch")  # doctest: +SKIP
    """
    with open(fpath, "rb") as f:
        batch = RestrictedUnpickler(f, encoding="bytes").load()
    batch = {key.decode("utf8"): value for key, value in batch.items()}
    data = batch["data"]
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def to_image_data_format(images: np.ndarray) -> np.ndarray:
    """`images` stored channels-first, transposed to channels-last unless configured otherwise."""
    if image_data_format() == "channels_last":
        return images.transpose(0, 2, 3, 1)
    return images


__all__ = ["load_batch", "to_image_data_format"]
