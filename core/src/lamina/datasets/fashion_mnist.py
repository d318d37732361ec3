"""Fashion-MNIST (Zalando's clothing images), downloaded like `keras.datasets.fashion_mnist`.

License: copyright Zalando SE, MIT license
(https://github.com/zalandoresearch/fashion-mnist/blob/master/LICENSE).
"""

from __future__ import annotations

import gzip

import numpy as np

from lamina.datasets import sources

# The IDX headers before the data: magic number and sizes, 4 bytes each.
_LABELS_HEADER, _IMAGES_HEADER = 8, 16


def _read_idx(path: str, header: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header)


def load_data():
    """Load Fashion-MNIST: 60,000 training and 10,000 test 28x28 grey-level images, 10 classes.

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
    7 Sneaker, 8 Bag, 9 Ankle boot. Downloads four IDX files (30 MB) once into
    `~/.keras/datasets/fashion-mnist/`, the cache Keras uses.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` uint8 of shape `(n, 28, 28)`, `y` uint8
        of shape `(n,)` with labels 0..9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = lamina.datasets.fashion_mnist.load_data()
        >>> x_test.shape  # doctest: +SKIP
        (10000, 28, 28)
    """
    split = []
    for prefix in ("train", "t10k"):
        labels_path, images_path = (
            sources.fetch(f"{prefix}-{kind}-ubyte.gz", cache_subdir=sources.FASHION_MNIST_SUBDIR)
            for kind in ("labels-idx1", "images-idx3")
        )
        labels = _read_idx(labels_path, _LABELS_HEADER)
        images = _read_idx(images_path, _IMAGES_HEADER).reshape(len(labels), 28, 28)
        split.append((images, labels))
    return tuple(split)


__all__ = ["load_data"]
