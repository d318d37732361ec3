"""keras.utils.to_categorical / normalize / get_file: lamina against Keras 3."""

import inspect
import io
import os
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
from harness import keras

from lamina import ops
from lamina import utils as lamina_utils


@pytest.mark.parametrize(
    "labels, num_classes",
    [
        ([0, 1, 2, 3], None),
        ([0, 1, 2, 3], 6),
        (np.array([[1], [0], [2]]), None),
        (np.array([[1, 2], [0, 1]], "uint8"), 4),
        (np.array([2.0, 1.0]), 3),
        (np.array([[[1]], [[0]]]), None),
    ],
)
def test_to_categorical_numpy(labels, num_classes):
    expected = keras.utils.to_categorical(labels, num_classes)
    actual = lamina_utils.to_categorical(labels, num_classes)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_array_equal(actual, expected)


def test_to_categorical_tensor():
    labels = np.array([[3], [0], [1]], "int32")
    expected = keras.utils.to_categorical(keras.ops.convert_to_tensor(labels), 5)
    actual = lamina_utils.to_categorical(ops.convert_to_tensor(labels), 5)
    assert str(actual.dtype) == str(expected.dtype)
    np.testing.assert_array_equal(ops.convert_to_numpy(actual), np.asarray(expected))


@pytest.mark.parametrize(
    "shape, axis", [((4, 5), -1), ((4, 5), 1), ((2, 3, 4), -1), ((2, 3, 4), 2)]
)
@pytest.mark.parametrize("order", [1, 2, 3, np.inf])
def test_normalize_numpy(shape, axis, order):
    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    x[0] = 0.0  # an all-zero slice stays zero
    expected = keras.utils.normalize(x, axis=axis, order=order)
    actual = lamina_utils.normalize(x, axis=axis, order=order)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-5)


@pytest.mark.parametrize("order", [1, 2])
def test_normalize_tensor(order):
    x = np.random.default_rng(1).standard_normal((3, 4)).astype("float32")
    expected = keras.utils.normalize(keras.ops.convert_to_tensor(x), axis=-1, order=order)
    actual = lamina_utils.normalize(ops.convert_to_tensor(x), axis=-1, order=order)
    np.testing.assert_allclose(ops.convert_to_numpy(actual), np.asarray(expected), rtol=1e-5)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).parents[1] / "datasets"))
    from dataset_server import serve

    folder = tmp_path_factory.mktemp("origin")
    (folder / "data.bin").write_bytes(b"payload")
    with tarfile.open(folder / "bundle.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("inner/a.txt")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"a"))
    with serve(folder) as server:
        yield server


def _listing(root):
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origin": "data.bin"},
        {"fname": "renamed.bin", "origin": "data.bin", "cache_subdir": "models"},
        {"fname": "bundle", "origin": "bundle.tar.gz", "extract": True},
        {"fname": "bundle.tar.gz", "origin": "bundle.tar.gz", "extract": True},
        {"origin": "bundle.tar.gz", "extract": True},
        {"fname": "t", "origin": "bundle.tar.gz", "untar": True},
    ],
)
def test_get_file_uses_keras_cache_layout(served, tmp_path, kwargs):
    kwargs = dict(kwargs, origin=served.url + kwargs["origin"])
    # Keras falls back to /tmp/.keras when `cache_dir` does not exist yet (lamina creates it).
    (tmp_path / "keras").mkdir()
    expected = keras.utils.get_file(cache_dir=str(tmp_path / "keras"), **kwargs)
    actual = lamina_utils.get_file(cache_dir=str(tmp_path / "lamina"), **kwargs)
    assert os.path.relpath(actual, tmp_path / "lamina") == os.path.relpath(
        expected, tmp_path / "keras"
    )
    assert _listing(tmp_path / "lamina") == _listing(tmp_path / "keras")


def test_get_file_reuses_what_keras_downloaded(served, tmp_path):
    url = served.url + "data.bin"
    served.requests.clear()
    expected = keras.utils.get_file(origin=url, cache_dir=str(tmp_path))
    assert lamina_utils.get_file(origin=url, cache_dir=str(tmp_path)) == expected
    assert served.requests == ["/data.bin"]


@pytest.mark.parametrize("name", ["get_file", "to_categorical", "normalize"])
def test_signatures(name):
    def parameters(fn):
        return [(p.name, p.default, p.kind) for p in inspect.signature(fn).parameters.values()]

    assert parameters(getattr(lamina_utils, name)) == parameters(getattr(keras.utils, name))
