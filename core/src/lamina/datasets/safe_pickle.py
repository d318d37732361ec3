"""Read the pickled parts of dataset files without letting a tampered file run code.

CIFAR batches are pickled dicts, and the IMDB/Reuters `.npz` files hold ragged sequences as
object arrays (pickle streams inside `.npy` members). Rebuilding those needs only NumPy's
array constructors; the unpickler here refuses every other global.
"""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

# NumPy < 2 pickles arrays through `numpy.core`, NumPy >= 2 through `numpy._core`.
_ALLOWED_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class RestrictedUnpickler(pickle.Unpickler):
    """A pickle reader that rebuilds NumPy arrays, lists, dicts and scalars, and nothing else.

    Example:
        >>> with open("data_batch_1", "rb") as f:  # doctest: +SKIP
        ...     batch = RestrictedUnpickler(f, encoding="bytes").load()
    """

    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a dataset file: only NumPy arrays are "
            "expected there. The file may be corrupted or malicious; delete it from the cache "
            "to download it again."
        )


def _read_npy(stream) -> np.ndarray:
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        _, _, dtype = np.lib.format.read_array_header_1_0(stream)
    else:
        # Format 3.0 differs from 2.0 only in the header's text encoding, not its layout.
        _, _, dtype = np.lib.format.read_array_header_2_0(stream)
    if dtype.hasobject:
        return RestrictedUnpickler(stream).load()
    stream.seek(0)
    return np.lib.format.read_array(stream, allow_pickle=False)


def load_npz(path: str) -> dict[str, np.ndarray]:
    """Every array of the `.npz` file at `path`, object arrays included, read safely.

    Args:
        path: the `.npz` file.

    Returns:
        A dict from member name (without `.npy`) to array.

    Example:
        >>> arrays = load_npz("imdb.npz")  # doctest: +SKIP
        >>> arrays["x_train"].dtype
        dtype('O')
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


__all__ = ["RestrictedUnpickler", "load_npz"]
