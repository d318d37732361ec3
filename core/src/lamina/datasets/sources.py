"""Where the downloadable datasets come from: Keras's URLs, file hashes and cache names.

Every loader downloads through `fetch`, which reads the base URLs and hashes below at call
time, so a test (or a mirror) can point all of them elsewhere by changing these constants.
"""

from __future__ import annotations

import os

from lamina.utils.file_utils import get_file

KERAS_DATASETS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CIFAR_URL = "https://www.cs.toronto.edu/~kriz/"

# File name at the origin -> expected hash (the values Keras checks; None where Keras has none).
FILE_HASHES = {
    "mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    "train-labels-idx1-ubyte.gz": None,
    "train-images-idx3-ubyte.gz": None,
    "t10k-labels-idx1-ubyte.gz": None,
    "t10k-images-idx3-ubyte.gz": None,
    "cifar-10-python.tar.gz": "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
    "cifar-100-python.tar.gz": "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
    "imdb.npz": "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    "imdb_word_index.json": "bfafd718b763782e994055a2d397834f",
    "reuters.npz": "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
    "reuters_word_index.json": "4d44cc38712099c9e383dc6e5f11a921",
    "boston_housing.npz": "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
    "california_housing.npz": "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f",
}

# Fashion-MNIST files have generic names, so Keras caches them in their own subfolder.
FASHION_MNIST_SUBDIR = os.path.join("datasets", "fashion-mnist")


def fetch(origin_name: str, fname: str | None = None, from_cifar: bool = False, **kwargs) -> str:
    """Download `origin_name` into the Keras cache (once) and return its local path.

    Args:
        origin_name: the file's name under its base URL, a key of `FILE_HASHES`.
        fname: its name in the cache (Keras's `path` argument); None keeps `origin_name`.
        from_cifar: whether it comes from the CIFAR site rather than Keras's bucket.
        **kwargs: passed on to `get_file` (`extract`, `cache_subdir`).

    Example:
        >>> path = fetch("mnist.npz")  # doctest: +SKIP
    """
    base_url = CIFAR_URL if from_cifar else KERAS_DATASETS_URL
    return get_file(
        fname=fname or origin_name,
        origin=base_url + origin_name,
        file_hash=FILE_HASHES[origin_name],
        **kwargs,
    )


__all__ = ["CIFAR_URL", "FILE_HASHES", "KERAS_DATASETS_URL", "fetch"]
