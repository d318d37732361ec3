"""lamina.datasets loaders: parsing of Keras's file formats, caching, errors (no internet)."""

import gzip
import json
import os
import pickle
import tarfile

import numpy as np
import pytest
from dataset_files import WORD_INDEX

import lamina
from lamina.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
    sources,
)
from lamina.datasets.safe_pickle import load_npz


def test_importing_the_loaders_downloads_nothing():
    # Keras's origins are untouched and no loader ran: importing is free of network access.
    assert sources.KERAS_DATASETS_URL.startswith("https://storage.googleapis.com/")
    assert lamina.datasets.mnist is mnist


def test_mnist_matches_the_file(origin):
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    with np.load(origin.folder / "mnist.npz") as f:
        np.testing.assert_array_equal(x_train, f["x_train"])
        np.testing.assert_array_equal(y_test, f["y_test"])
    assert x_train.dtype == np.uint8 and x_train.shape == (6, 28, 28)
    assert y_train.shape == (6,) and x_test.shape == (4, 28, 28)
    cached = os.path.join(os.environ["KERAS_HOME"], "datasets", "mnist.npz")
    assert os.path.exists(cached)


def test_second_load_uses_the_cache(origin):
    mnist.load_data()
    assert origin.requests == ["/mnist.npz"]
    mnist.load_data()
    assert origin.requests == ["/mnist.npz"]


def test_custom_path_names_the_cached_file(origin):
    mnist.load_data(path="my_mnist.npz")
    assert os.path.exists(os.path.join(os.environ["KERAS_HOME"], "datasets", "my_mnist.npz"))


def test_fashion_mnist_reads_idx_files(origin):
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    with gzip.open(origin.folder / "t10k-images-idx3-ubyte.gz") as f:
        expected = np.frombuffer(f.read()[16:], np.uint8).reshape(4, 28, 28)
    np.testing.assert_array_equal(x_test, expected)
    assert x_train.shape == (6, 28, 28) and y_train.shape == (6,) and y_test.dtype == np.uint8
    subdir = os.path.join(os.environ["KERAS_HOME"], "datasets", "fashion-mnist")
    assert sorted(os.listdir(subdir)) == sorted(
        f"{p}-{k}-ubyte.gz" for p in ("train", "t10k") for k in ("labels-idx1", "images-idx3")
    )


def _cifar_members(origin, archive_name):
    with tarfile.open(origin.folder / archive_name) as archive:
        return {
            os.path.basename(m.name): pickle.loads(archive.extractfile(m).read(), encoding="bytes")
            for m in archive.getmembers()
        }


def test_cifar10_concatenates_batches_channels_last(origin):
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    batches = _cifar_members(origin, "cifar-10-python.tar.gz")
    assert x_train.shape == (15, 32, 32, 3) and y_train.shape == (15, 1)
    assert x_test.shape == (4, 32, 32, 3) and y_test.shape == (4, 1)
    assert x_train.dtype == y_train.dtype == x_test.dtype == y_test.dtype == np.uint8
    second = batches["data_batch_2"]
    expected = second[b"data"].reshape(3, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(x_train[3:6], expected)
    np.testing.assert_array_equal(y_train[3:6, 0], second[b"labels"])
    cache = os.path.join(os.environ["KERAS_HOME"], "datasets")
    assert sorted(os.listdir(cache)) == [
        "cifar-10-batches-py-target",
        "cifar-10-batches-py-target_archive",
    ]


def test_cifar10_channels_first(origin, monkeypatch):
    monkeypatch.setattr(lamina.datasets.cifar, "image_data_format", lambda: "channels_first")
    (x_train, _), (x_test, _) = cifar10.load_data()
    assert x_train.shape == (15, 3, 32, 32) and x_test.shape == (4, 3, 32, 32)


@pytest.mark.parametrize("label_mode, classes", [("fine", 100), ("coarse", 20)])
def test_cifar100_label_modes(origin, label_mode, classes):
    (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode=label_mode)
    train = _cifar_members(origin, "cifar-100-python.tar.gz")["train"]
    assert x_train.shape == (5, 32, 32, 3) and y_train.shape == (5, 1)
    assert x_test.shape == (3, 32, 32, 3) and y_test.shape == (3, 1)
    np.testing.assert_array_equal(y_train[:, 0], train[f"{label_mode}_labels".encode()])
    assert y_train.max() < classes


def test_cifar100_bad_label_mode():
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data(label_mode="medium")


def _imdb_reference(origin, **options):
    """IMDB's processing written out plainly, as the expected result."""
    arrays = load_npz(origin.folder / "imdb.npz")
    rng = np.random.RandomState(options.get("seed", 113))
    start, shift = options.get("start_char", 1), options.get("index_from", 3)
    out = []
    for name in ("train", "test"):
        order = np.arange(len(arrays[f"x_{name}"]))
        rng.shuffle(order)
        xs = [[start, *[w + shift for w in arrays[f"x_{name}"][i]]] for i in order]
        out.append((xs, arrays[f"y_{name}"][order]))
    return out


def test_imdb_default_indexing(origin):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    (ref_x, ref_y), (ref_x_test, ref_y_test) = _imdb_reference(origin)
    top = max(max(x) for x in ref_x + ref_x_test)
    # Keras keeps words below the largest index: that one becomes the OOV character 2.
    expected = [[w if w < top else 2 for w in x] for x in ref_x]
    assert x_train.dtype == object and len(x_train) == 8 and len(x_test) == 6
    assert [list(x) for x in x_train] == expected
    np.testing.assert_array_equal(y_train, ref_y)
    np.testing.assert_array_equal(y_test, ref_y_test)
    assert all(x[0] == 1 for x in x_train)


def test_imdb_num_words_skip_top_and_oov(origin):
    (x_train, _), _ = imdb.load_data(num_words=12, skip_top=5, oov_char=2)
    (ref_x, _), _ = _imdb_reference(origin)
    assert [list(x) for x in x_train] == [[w if 5 <= w < 12 else 2 for w in x] for x in ref_x]
    (x_dropped, _), _ = imdb.load_data(num_words=12, skip_top=5, oov_char=None)
    assert [list(x) for x in x_dropped] == [[w for w in x if 5 <= w < 12] for x in ref_x]


def test_imdb_maxlen_filters_both_splits(origin):
    (x_train, y_train), (x_test, y_test) = imdb.load_data(maxlen=8)
    assert all(len(x) < 8 for x in list(x_train) + list(x_test))
    assert len(x_train) == len(y_train) and len(x_test) == len(y_test)
    with pytest.raises(ValueError, match="maxlen"):
        imdb.load_data(maxlen=1)


def test_imdb_without_start_char_or_shift(origin):
    (x_train, _), _ = imdb.load_data(start_char=None, index_from=0, num_words=1000)
    arrays = load_npz(origin.folder / "imdb.npz")
    order = np.arange(8)
    np.random.RandomState(113).shuffle(order)
    assert [list(x) for x in x_train] == [list(arrays["x_train"][i]) for i in order]


def test_imdb_rejects_unknown_arguments():
    with pytest.raises(TypeError, match="nb_words"):
        imdb.load_data(nb_words=100)


@pytest.mark.parametrize("loader", [imdb, reuters])
def test_get_word_index(origin, loader):
    assert loader.get_word_index() == WORD_INDEX
    assert (
        json.loads(
            (origin.folder / f"{loader.__name__.split('.')[-1]}_word_index.json").read_text()
        )
        == WORD_INDEX
    )


def test_reuters_split_and_labels(origin):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.3, num_words=20)
    arrays = load_npz(origin.folder / "reuters.npz")
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert len(x_train) == 7 and len(x_test) == 3
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), arrays["y"][order])
    expected = [[1, *[w + 3 if w + 3 < 20 else 2 for w in arrays["x"][i]]] for i in order]
    assert [list(x) for x in np.concatenate([x_train, x_test])] == expected
    assert len(reuters.get_label_names()) == 46


@pytest.mark.parametrize("loader", [reuters, boston_housing, california_housing])
def test_invalid_test_split(loader):
    with pytest.raises(ValueError, match="test_split"):
        loader.load_data(test_split=1.0)


def test_boston_housing_split(origin):
    (x_train, _), (x_test, y_test) = boston_housing.load_data(test_split=0.25, seed=3)
    with np.load(origin.folder / "boston_housing.npz") as f:
        x, y = f["x"], f["y"]
    order = np.arange(20)
    np.random.RandomState(3).shuffle(order)
    np.testing.assert_array_equal(np.concatenate([x_train, x_test]), x[order])
    np.testing.assert_array_equal(y_test, y[order][15:])
    assert x_train.shape == (15, 13) and x_train.dtype == x.dtype


@pytest.mark.parametrize("version, size", [("large", 700), ("small", 600)])
def test_california_housing_versions(origin, version, size):
    (x_train, y_train), (x_test, _) = california_housing.load_data(version=version)
    n_train = int(size * 0.8)
    assert x_train.shape == (n_train, 8) and x_test.shape == (size - n_train, 8)
    assert y_train.shape == (n_train,) and x_train.dtype == np.float32
    with np.load(origin.folder / "california_housing.npz") as f:
        allowed = {tuple(row) for row in f["x"][:size]}
    assert all(tuple(row) in allowed for row in x_test)


def test_california_housing_bad_version():
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data(version="medium")


def test_keras_hashes_reject_other_files(origin, monkeypatch):
    # With Keras's real hash, the synthetic file is refused and not left in the cache.
    monkeypatch.setattr(
        sources,
        "FILE_HASHES",
        dict(
            sources.FILE_HASHES,
            **{"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"},
        ),
    )
    with pytest.raises(ValueError, match="sha256 hash"):
        mnist.load_data()
    assert not os.listdir(os.path.join(os.environ["KERAS_HOME"], "datasets"))


def test_offline_error_names_url_and_cache_path(origin, monkeypatch):
    monkeypatch.setattr(sources, "KERAS_DATASETS_URL", "http://127.0.0.1:9/")
    with pytest.raises(OSError) as info:
        boston_housing.load_data()
    message = str(info.value)
    assert "http://127.0.0.1:9/boston_housing.npz" in message
    assert os.path.join(os.environ["KERAS_HOME"], "datasets", "boston_housing.npz") in message
    assert "copy it" in message


def test_malicious_pickle_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    np.savez(tmp_path / "evil.npz", x=np.array([Evil()], dtype=object))
    with pytest.raises(pickle.UnpicklingError, match="Refusing"):
        load_npz(tmp_path / "evil.npz")
