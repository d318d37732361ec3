"""`Dataset.cache`: replay the elements of the first complete iteration."""

from __future__ import annotations

import os
import pickle
import tempfile

from lamina.data.dataset import Dataset


class CacheDataset(Dataset):
    """Keep the elements of the first complete iteration in memory, or in a file.

    With a `filename`, the elements are pickled to it (written atomically at the end of the
    first complete iteration) and read back by later iterations, in this or another process.
    """

    def __init__(self, input_dataset: Dataset, filename: str):
        if not isinstance(filename, (str, os.PathLike)):
            raise TypeError(
                "lamina.data.Dataset.cache: `filename` must be a string path ('' caches in "
                f"memory). Received: {filename!r}"
            )
        self._input = input_dataset
        self._filename = os.fspath(filename)
        self._elements = None

    def _iterate(self):
        if self._elements is None and self._filename and os.path.exists(self._filename):
            with open(self._filename, "rb") as f:
                self._elements = pickle.load(f)
        if self._elements is not None:
            yield from self._elements
            return
        collected = []
        for element in self._input._iterate():
            collected.append(element)
            yield element
        # Reached only when the iteration ran to the end: a partial pass caches nothing.
        if self._filename:
            _write_atomically(self._filename, collected)
        self._elements = collected

    def cardinality(self) -> int:
        return self._input.cardinality()

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()


def _write_atomically(path: str, elements: list) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".lamina-cache-")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(elements, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
