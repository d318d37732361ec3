"""CIFAR-100 small colour images, downloaded like `keras.datasets.cifar100`."""

from __future__ import annotations

import os

import numpy as np

from lamina.datasets import sources
from lamina.datasets.cifar import load_batch, to_image_data_format


def load_data(label_mode: str = "fine"):
    """Load CIFAR-100: 50,000 training and 10,000 test 32x32 colour images in 100 classes.

    The 100 fine classes are grouped into 20 coarse superclasses. Downloads and extracts
    `cifar-100-python.tar.gz` (161 MB) once into `~/.keras/datasets/`, the cache Keras uses.
    Images follow `lamina.config.image_data_format()`.

    Args:
        label_mode: `"fine"` (labels 0..99) or `"coarse"` (superclass labels 0..19).

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` uint8 of shape `(n, 32, 32, 3)`
        (`(n, 3, 32, 32)` with channels_first), `y` int64 of shape `(n, 1)`.

    Example:
        >>> (x_train, y_train), _ = lamina.datasets.cifar100.load_data(label_mode="coarse")
        >>> int(y_train.max())  # doctest: +SKIP
        19
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            "cifar100.load_data: `label_mode` must be one of 'fine', 'coarse'. "
            f"Received: label_mode={label_mode!r}"
        )
    folder = sources.fetch(
        "cifar-100-python.tar.gz", fname="cifar-100-python-target", from_cifar=True, extract=True
    )
    folder = os.path.join(folder, "cifar-100-python")
    split = []
    for name in ("train", "test"):
        images, labels = load_batch(os.path.join(folder, name), label_key=f"{label_mode}_labels")
        labels = np.reshape(labels, (len(labels), 1))
        split.append((to_image_data_format(images), labels))
    return tuple(split)


__all__ = ["load_data"]
