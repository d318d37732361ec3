"""Sharded `.weights.h5` files with a `.weights.json` index, as Keras 3 writes them.

`model.save_weights("m.weights.json", max_shard_size=0.5)` writes `m_00000.weights.h5`,
`m_00001.weights.h5`, ... (each at most `max_shard_size` GB of variable data) and the
index `{"metadata": {"total_size": <bytes>}, "weight_map": {"/layers/dense/vars":
"m_00000.weights.h5", ...}}`; as in Keras, a group with more than one variable maps to
the list of its shard files.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import warnings

from lamina.saving.h5_store import (
    RefusedFileError,
    VarsWriter,
    WeightsTree,
    h5py_module,
    read_h5_weights,
    to_numpy,
)


def sharded_index_path(filepath, mode: str) -> pathlib.Path:
    """The index path Keras uses: `filepath` with a `.json` suffix (warning if changed)."""
    path = pathlib.Path(filepath)
    if path.suffix != ".json":
        new_path = path.with_suffix(".json")
        action = "Saving" if mode == "w" else "Loading"
        warnings.warn(
            f"{action} sharded weights requires `*.json` as the extension. The original "
            f"path: {path} will be renamed to {new_path}.",
            stacklevel=3,
        )
        path = new_path
    return path


class _ShardVars(VarsWriter):
    """A `vars` group whose datasets go to the current shard, opening new ones as needed."""

    def __init__(self, owner, path, metadata):
        self._owner = owner
        super().__init__(owner.file, path, metadata)

    def __setitem__(self, key, value):
        array = to_numpy(value)
        self._owner.reserve(key, array)
        if self._file is not self._owner.file:
            self.switch_file(self._owner.file)
        super().__setitem__(key, array)
        self._owner.record(self._group.name)


class ShardedH5Writer:
    """Writes weights across shard files no larger than `max_shard_size` GB.

    Args:
        index_path: the `.weights.json` index path.
        max_shard_size: the largest shard, in GB (a float is fine: 0.25 is ~250 MB).
        pending: the `PendingFiles` that receives the shard and index files, so they
            replace existing files only once everything was written.
    """

    def __init__(self, index_path, max_shard_size, pending):
        self.index_path = pathlib.Path(index_path)
        self.max_bytes = float(max_shard_size) * 1024**3
        self.base_name = self.index_path.stem.replace(".weights", "")
        self._pending = pending
        self.config = {"metadata": {"total_size": 0}, "weight_map": {}}
        self.total_size = 0
        self.shard_index = 0
        self.shard_size = 0
        self.file = None
        self.shard_name = None
        self._open_next_shard()

    def _open_next_shard(self):
        if self.file is not None:
            self.file.close()
        self.shard_name = f"{self.base_name}_{self.shard_index:05}.weights.h5"
        self.shard_index += 1
        temp = self._pending.new(self.index_path.with_name(self.shard_name))
        self.file = h5py_module().File(temp, "w")

    def make(self, path: str, metadata=None) -> VarsWriter:
        return _ShardVars(self, path, metadata)

    def reserve(self, key, array) -> None:
        """Account for `array`'s bytes, opening a new shard when the current one is full."""
        size = math.prod(array.shape) * array.dtype.itemsize
        self.total_size += size
        if size > self.max_bytes:
            raise ValueError(
                f"The size of {key} is {size} bytes, which exceeds the maximum shard size "
                f"{self.max_bytes:.0f} bytes. Increase `max_shard_size` to accommodate it."
            )
        self.shard_size += size
        if self.shard_size > self.max_bytes:
            self._open_next_shard()
            self.shard_size = size

    def record(self, group_name: str) -> None:
        weight_map = self.config["weight_map"]
        current = weight_map.get(group_name)
        if current is None:
            weight_map[group_name] = self.shard_name
        else:  # as Keras: a group written more than once maps to a list of shards
            files = current if isinstance(current, list) else [current]
            if self.shard_name not in files:
                files.append(self.shard_name)
            weight_map[group_name] = files

    def close(self) -> None:
        self.file.close()
        # Keras writes the byte count as a float (it divides bits by 8).
        self.config["metadata"]["total_size"] = float(self.total_size)
        with open(self._pending.new(self.index_path), "w") as f:
            f.write(json.dumps(self.config, indent=4))


def read_sharded_weights(index_path) -> WeightsTree:
    """Read every shard an index lists into one in-memory `WeightsTree`.

    Raises:
        ValueError: the index is not valid JSON of the expected shape, a shard is
            missing or damaged, or a shard name points outside the index's folder.
    """
    index_path = pathlib.Path(index_path)
    try:
        with open(index_path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(
            f"Could not read the sharded weights index {index_path}: {err}. Expected the "
            "`.weights.json` file written by `save_weights(..., max_shard_size=...)`."
        ) from None
    weight_map = config.get("weight_map") if isinstance(config, dict) else None
    if not isinstance(weight_map, dict):
        raise ValueError(
            f"Invalid sharded weights index {index_path}: expected a JSON object with a "
            f"'weight_map' object, received {str(config)[:200]}."
        )
    tree = WeightsTree({})
    for name in _shard_names(weight_map, index_path):
        shard = index_path.with_name(name)
        if not shard.is_file():
            raise ValueError(
                f"The shard {name} listed in {index_path} does not exist. Shards must be "
                "in the same folder as their index."
            )
        tree.merge(read_h5_weights(str(shard), str(shard)))
    return tree


def _shard_names(weight_map, index_path) -> list:
    names = []
    for files in weight_map.values():
        for name in files if isinstance(files, list) else [files]:
            if not isinstance(name, str) or not _is_plain_file_name(name):
                raise RefusedFileError(
                    f"Not allowed: the sharded weights index {index_path} names the shard "
                    f"{name!r}, which is not a plain file name in the index's folder."
                )
            if name not in names:
                names.append(name)
    return names


def _is_plain_file_name(name: str) -> bool:
    return (
        bool(name)
        and name not in (".", "..")
        and os.path.basename(name) == name
        and ("/" not in name and "\\" not in name)
    )
