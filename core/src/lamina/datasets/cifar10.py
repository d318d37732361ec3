"""CIFAR-10 small colour images, downloaded like `keras.datasets.cifar10`."""

from __future__ import annotations

import os

import numpy as np

from lamina.datasets import sources
from lamina.datasets.cifar import load_batch, to_image_data_format


def load_data():
    """Load CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes.

    Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
    9 truck. Downloads and extracts `cifar-10-python.tar.gz` (163 MB) once into
    `~/.keras/datasets/`, the cache Keras uses. Images follow
    `lamina.config.image_data_format()`.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` uint8 of shape `(n, 32, 32, 3)`
        (`(n, 3, 32, 32)` with channels_first) with values 0..255, `y` uint8 of shape `(n, 1)`.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = lamina.datasets.cifar10.load_data()
        >>> y_train.shape  # doctest: +SKIP
        (50000, 1)
    """
    folder = sources.fetch(
        "cifar-10-python.tar.gz", fname="cifar-10-batches-py-target", from_cifar=True, extract=True
    )
    folder = os.path.join(folder, "cifar-10-batches-py")
    batches = [load_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in batches]).astype("uint8")
    y_train = np.concatenate([labels for _, labels in batches]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(folder, "test_batch"))
    x_test = np.asarray(x_test).astype("uint8")
    y_test = np.asarray(y_test).astype("uint8")
    return (
        (to_image_data_format(x_train), y_train.reshape(-1, 1)),
        (to_image_data_format(x_test), y_test.reshape(-1, 1)),
    )


__all__ = ["load_data"]
