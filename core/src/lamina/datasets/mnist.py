"""MNIST handwritten digits, downloaded like `keras.datasets.mnist`.

License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative of NIST's
data, available under CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/).
"""

from __future__ import annotations

import numpy as np

from lamina.datasets import sources


def load_data(path: str = "mnist.npz"):
    """Load MNIST: 60,000 training and 10,000 test 28x28 grey-level images of the digits 0-9.

    Downloads `mnist.npz` (11 MB) once into `~/.keras/datasets/`, the cache Keras uses.

    Args:
        path: name of the file in the cache (relative to `~/.keras/datasets`).

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` uint8 of shape `(n, 28, 28)` with values
        0..255, `y` uint8 of shape `(n,)` with labels 0..9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = lamina.datasets.mnist.load_data()
        >>> x_train.shape  # doctest: +SKIP
        (60000, 28, 28)
    """
    path = sources.fetch("mnist.npz", fname=path)
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


__all__ = ["load_data"]
