"""HDF5 weight stores in Keras 3's layout: each object's variables under `<path>/vars/<i>`.

Writing mirrors Keras's `H5IOStore`: a group `<path>/vars` (carrying the object's `name`
as an attribute) holds one dataset per variable, named `"0"`, `"1"`, ... Reading loads
the whole file into memory first (`read_h5_weights`), so a truncated or corrupted file
fails before any model variable is touched; links, external and virtual datasets and
"shape bombs" are refused as Keras refuses them.
"""

from __future__ import annotations

import io
import math

import numpy as np

# A dataset declaring more than this many bytes must store at least 1/1000 of them
# (Keras's guard against HDF5 shape/decompression bombs).
_BOMB_FLOOR_BYTES = 1 << 32
_MAX_EXPANSION = 1000


def h5py_module():
    """Import h5py on first use (`import lamina` must not import it)."""
    try:
        import h5py
    except ImportError as err:  # pragma: no cover - h5py is a core dependency
        raise ImportError(
            "Reading and writing weight files needs h5py: `pip install h5py`."
        ) from err
    return h5py


class VarsWriter:
    """The `store` a `save_own_variables(store)` hook writes to: `store["0"] = value`.

    The `vars` group is created on the first write, or at once when the object has
    metadata (its name), as Keras does.
    """

    def __init__(self, h5_file, path, metadata=None):
        self._file = h5_file
        self._path = path
        self._group = None
        if metadata:
            self._create_group(metadata)

    def _create_group(self, metadata=None):
        name = f"{self._path}/vars" if self._path else "vars"
        self._group = self._file.require_group(name)
        for key, value in (metadata or {}).items():
            self._group.attrs[key] = value

    def __setitem__(self, key, value):
        array = to_numpy(value)
        if self._group is None:
            self._create_group()
        if _dtype_name(array) == "bfloat16":
            dataset = self._group.create_dataset(key, data=array)
            dataset.attrs["dtype"] = "bfloat16"
        else:
            self._group[key] = array

    def switch_file(self, h5_file):
        """Continue this group in another (shard) file; its metadata stays in the first."""
        self._file = h5_file
        self._group = None

    def keys(self):
        return list(self._group.keys()) if self._group is not None else []

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return key in self.keys()


class H5Writer:
    """Writes a Keras 3 `.weights.h5` tree to a path or a file object.

    Example:
        >>> writer = H5Writer("tmp.weights.h5")
        >>> writer.make("layers/dense", {"name": "dense"})["0"] = np.ones((2, 3))
        >>> writer.close()
    """

    def __init__(self, target):
        self.file = h5py_module().File(target, "w")

    def make(self, path: str, metadata=None) -> VarsWriter:
        return VarsWriter(self.file, path, metadata)

    def close(self) -> None:
        self.file.close()


class VarsReader:
    """The `store` a `load_own_variables(store)` hook reads: `store["0"]`, `len(store)`.

    Example:
        >>> store = VarsReader({"0": np.ones(3)}, "layers/dense")
        >>> store["0"].shape
        (3,)
    """

    def __init__(self, values: dict, path: str = ""):
        self._values = values
        self.path = path

    def keys(self):
        return list(self._values.keys())

    def __len__(self):
        return len(self._values)

    def __contains__(self, key):
        return key in self._values

    def __getitem__(self, key):
        try:
            return self._values[key]
        except KeyError:
            raise KeyError(
                f"The weights file has no variable '{key}' under '{self.path or '/'}vars'; "
                f"it has {sorted(self._values)}."
            ) from None


class WeightsTree:
    """All `vars` groups of a weights file, read into memory: `{path: {key: array}}`.

    `get(path)` returns the store of one object (empty when the file has no group for
    it), with Keras's fallback for tf-keras 2.13 files (`_layer_checkpoint_dependencies`).
    """

    def __init__(self, groups: dict):
        self.groups = groups

    def get(self, path: str) -> VarsReader:
        values = self.groups.get(path)
        if values is None and path.startswith("layers") and self.has_path(_LEGACY_LAYERS):
            values = self.groups.get(path.replace("layers", _LEGACY_LAYERS, 1))
        return VarsReader(values or {}, path)

    def has_path(self, path: str) -> bool:
        prefix = f"{path}/"
        return any(key == path or key.startswith(prefix) for key in self.groups)

    def merge(self, other: WeightsTree) -> None:
        for path, values in other.groups.items():
            self.groups.setdefault(path, {}).update(values)


_LEGACY_LAYERS = "_layer_checkpoint_dependencies"


class RefusedFileError(ValueError):
    """A weights file holds something a loader must not follow (links, bombs, ...)."""


def read_h5_weights(source, description: str) -> WeightsTree:
    """Read every `vars` group of an HDF5 weights file (a path or bytes) into memory.

    Args:
        source: a file path, or the file's bytes.
        description: how to name the file in errors (e.g. its path).

    Raises:
        ValueError: the file is not HDF5, is truncated or corrupted, or holds links,
            external or virtual datasets, or a dataset far larger than its stored bytes.
    """
    h5py = h5py_module()
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        with h5py.File(source, "r") as h5_file:
            groups: dict = {}
            _read_group(h5py, h5_file, "", groups)
    except (RefusedFileError, MemoryError):
        raise
    except Exception as err:  # h5py raises many types for damaged files
        raise ValueError(
            f"Could not read the weights file {description}: it is not a valid HDF5 file, "
            f"or it is truncated or corrupted ({type(err).__name__}: {err})."
        ) from None
    return WeightsTree(groups)


def _child(h5py, group, name, path):
    """`group[name]`, refusing soft and external links (they can point anywhere)."""
    link = group.get(name, getlink=True)
    if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
        raise RefusedFileError(f"Not allowed: H5 file with {type(link).__name__} at '{path}'.")
    return group[name]


def _read_group(h5py, group, path, groups):
    for name in group.keys():
        child_path = f"{path}/{name}" if path else name
        child = _child(h5py, group, name, child_path)
        if not isinstance(child, h5py.Group):
            continue  # datasets outside `vars` groups are not Keras weights
        if name == "vars":
            groups[path] = _read_vars(h5py, child, child_path)
        else:
            _read_group(h5py, child, child_path, groups)


def _read_vars(h5py, group, path) -> dict:
    values = {}
    for key in group.keys():
        dataset = _child(h5py, group, key, f"{path}/{key}")
        if not isinstance(dataset, h5py.Dataset):
            raise RefusedFileError(
                f"Invalid H5 file: expected a dataset at '{path}/{key}', found a group."
            )
        values[key] = _read_dataset(dataset, f"{path}/{key}")
    return values


def _read_dataset(dataset, path):
    if dataset.external:
        raise RefusedFileError(f"Not allowed: H5 file with an external dataset at '{path}'.")
    if dataset.is_virtual:
        raise RefusedFileError(f"Not allowed: H5 file with a virtual dataset at '{path}'.")
    declared = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > _BOMB_FLOOR_BYTES and declared > _MAX_EXPANSION * stored:
        raise RefusedFileError(
            f"Not allowed: H5 dataset '{path}' declares {declared} bytes but stores only "
            f"{stored}; refusing a potential decompression/shape bomb."
        )
    array = np.asarray(dataset[()])
    if dataset.attrs.get("dtype") == "bfloat16":
        import ml_dtypes

        array = array.astype(ml_dtypes.bfloat16)
    return array


def to_numpy(value) -> np.ndarray:
    """A variable, tensor or array-like as a NumPy array (CuPy arrays copied to host)."""
    from lamina.autodiff import Tensor

    if isinstance(value, Tensor):
        return value.numpy()
    if hasattr(value, "get") and type(value).__module__.startswith("cupy"):
        return value.get()
    return np.asarray(value)


def _dtype_name(array) -> str:
    return getattr(array.dtype, "name", str(array.dtype))
