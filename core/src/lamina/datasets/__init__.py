"""lamina.datasets: the `keras.datasets` loaders, plus a small dataset shipped in the package.

Downloaded on first use into the cache Keras uses (`~/.keras/datasets/`, or
`$KERAS_HOME/datasets/`), so files Keras already fetched are reused, with Keras's hashes:
`mnist`, `fashion_mnist`, `cifar10`, `cifar100`, `imdb`, `reuters`, `boston_housing`,
`california_housing`. Importing them downloads nothing.

`digits`: the UCI optical recognition of handwritten digits data, 1,797 8x8 grey-level images
(pixel values 0..16) of the digits 0-9, as bundled with scikit-learn (the test portion of the
UCI set). Stored here as `digits.npz` (uint8, 45 KB); needs no network.

Attribution (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/):
    E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine
    Learning Repository, 1998, https://doi.org/10.24432/C50P49.
    Converted from scikit-learn's `digits.csv.gz` to NumPy's `.npz` format; values unchanged.

Example:
    >>> from lamina.datasets import digits
    >>> (x_train, y_train), (x_test, y_test) = digits.load_data()
"""

from lamina.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    digits,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "digits",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]
