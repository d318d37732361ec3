"""Small synthetic files in the exact formats of the files Keras's dataset loaders download."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np

WORD_INDEX = {"the": 1, "and": 2, "a": 3, "of": 4}


def _sequences(rng, count, vocabulary=30, max_length=12):
    # Lists of ints, ragged, as in Keras's files (object arrays pickled inside the .npz).
    sequences = np.empty(count, dtype=object)
    for i in range(count):
        sequences[i] = [int(w) for w in rng.integers(1, vocabulary, rng.integers(1, max_length))]
    return sequences


def _idx(path: Path, array: np.ndarray) -> None:
    # IDX: a magic number (dtype code 0x08 = ubyte, then the rank), the sizes, then the bytes.
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def _add_pickle(archive: tarfile.TarFile, name: str, content: dict) -> None:
    # Protocol 3: bytes stay bytes, arrays rebuild through `_reconstruct` as in the real files.
    data = pickle.dumps(content, protocol=3)
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _cifar_batch(rng, count, label_keys):
    batch = {
        b"batch_label": b"synthetic batch",
        b"data": rng.integers(0, 256, (count, 3 * 32 * 32), dtype=np.uint8),
        b"filenames": [f"image_{i}.png".encode() for i in range(count)],
    }
    for key, classes in label_keys.items():
        batch[key.encode()] = [int(v) for v in rng.integers(0, classes, count)]
    return batch


def write_dataset_files(folder: Path) -> dict[str, str]:
    """Write one small file per Keras dataset origin into `folder`; return their sha256."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(
        folder / "mnist.npz",
        x_train=rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 6, dtype=np.uint8),
        x_test=rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 4, dtype=np.uint8),
    )
    for prefix, count in (("train", 6), ("t10k", 4)):
        _idx(folder / f"{prefix}-labels-idx1-ubyte.gz", rng.integers(0, 10, count))
        _idx(folder / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (count, 28, 28)))
    with tarfile.open(folder / "cifar-10-python.tar.gz", "w:gz") as archive:
        for i in range(1, 6):
            batch = _cifar_batch(rng, 3, {"labels": 10})
            _add_pickle(archive, f"cifar-10-batches-py/data_batch_{i}", batch)
        _add_pickle(archive, "cifar-10-batches-py/test_batch", _cifar_batch(rng, 4, {"labels": 10}))
    with tarfile.open(folder / "cifar-100-python.tar.gz", "w:gz") as archive:
        for name, count in (("train", 5), ("test", 3)):
            batch = _cifar_batch(rng, count, {"fine_labels": 100, "coarse_labels": 20})
            _add_pickle(archive, f"cifar-100-python/{name}", batch)
    np.savez(
        folder / "imdb.npz",
        x_train=_sequences(rng, 8),
        y_train=rng.integers(0, 2, 8),
        x_test=_sequences(rng, 6),
        y_test=rng.integers(0, 2, 6),
    )
    np.savez(folder / "reuters.npz", x=_sequences(rng, 10), y=rng.integers(0, 46, 10))
    for name in ("imdb_word_index.json", "reuters_word_index.json"):
        (folder / name).write_text(json.dumps(WORD_INDEX))
    np.savez(folder / "boston_housing.npz", x=rng.random((20, 13)), y=rng.random(20) * 50)
    np.savez(
        folder / "california_housing.npz",
        x=rng.random((700, 8)).astype("float32"),
        y=(rng.random(700) * 5e5).astype("float32"),
    )
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.iterdir()
        if path.is_file()
    }
