"""keras.datasets loaders: lamina and Keras 3 parse the same (synthetic) files identically.

Both download from a local server: lamina through its `sources` constants, Keras through its
own `get_file` with the origin rewritten. CIFAR-10 is left out: Keras's loader assumes the
real 10,000 images per batch (180 MB of test files).
"""

import inspect
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from harness import keras

sys.path.insert(0, str(Path(__file__).parents[1] / "datasets"))
from dataset_files import write_dataset_files
from dataset_server import serve
from keras.src.datasets import (
    boston_housing,
    california_housing,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
from keras.src.utils import file_utils as keras_file_utils

import lamina
from lamina.datasets import sources

KERAS_MODULES = [boston_housing, california_housing, cifar100, fashion_mnist, imdb, mnist, reuters]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("origin")
    hashes = write_dataset_files(folder)
    with serve(folder) as server:
        server.hashes = hashes
        yield server


@pytest.fixture(autouse=True)
def local_origin(served, monkeypatch, tmp_path):
    monkeypatch.setattr(sources, "KERAS_DATASETS_URL", served.url)
    monkeypatch.setattr(sources, "CIFAR_URL", served.url)
    monkeypatch.setattr(sources, "FILE_HASHES", dict(served.hashes))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "lamina_cache"))

    def redirected(fname=None, origin=None, file_hash=None, **kwargs):
        name = os.path.basename(origin)
        return keras_file_utils.get_file(
            fname,
            served.url + name,
            file_hash=served.hashes[name],
            cache_dir=str(tmp_path / "keras_cache"),
            **kwargs,
        )

    for module in KERAS_MODULES:
        monkeypatch.setattr(module, "get_file", redirected)


def _assert_same(actual, expected):
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, type(expected)) and len(actual) == len(expected)
        for a, e in zip(actual, expected):
            _assert_same(a, e)
        return
    if isinstance(expected, dict):
        assert actual == expected
        return
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    if expected.dtype == object:  # lists of word indices (a 2-D array when all are equal)
        assert actual.tolist() == expected.tolist()
    else:
        np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("mnist", {}),
        ("fashion_mnist", {}),
        ("cifar100", {}),
        ("cifar100", {"label_mode": "coarse"}),
        ("boston_housing", {}),
        ("boston_housing", {"test_split": 0.35, "seed": 5}),
        ("california_housing", {}),
        ("california_housing", {"version": "small", "test_split": 0.1}),
        ("imdb", {}),
        ("imdb", {"num_words": 15, "skip_top": 4}),
        ("imdb", {"num_words": 15, "oov_char": None, "maxlen": 9, "seed": 2}),
        ("imdb", {"start_char": None, "index_from": 0}),
        ("imdb", {"start_char": None, "index_from": 2, "num_words": 20}),
        ("reuters", {}),
        ("reuters", {"num_words": 12, "skip_top": 5, "test_split": 0.5}),
        ("reuters", {"maxlen": 8, "oov_char": None, "start_char": 7, "index_from": 10}),
    ],
)
def test_load_data(name, kwargs):
    expected = getattr(keras.datasets, name).load_data(**kwargs)
    actual = getattr(lamina.datasets, name).load_data(**kwargs)
    _assert_same(actual, expected)


@pytest.mark.parametrize("name", ["imdb", "reuters"])
def test_get_word_index(name):
    expected = getattr(keras.datasets, name).get_word_index()
    assert getattr(lamina.datasets, name).get_word_index() == expected


def test_reuters_label_names():
    assert lamina.datasets.reuters.get_label_names() == keras.datasets.reuters.get_label_names()


def _parameters(fn):
    return [(p.name, p.default, p.kind) for p in inspect.signature(fn).parameters.values()]


@pytest.mark.parametrize("module", [m.__name__.split(".")[-1] for m in KERAS_MODULES] + ["cifar10"])
def test_public_functions_and_signatures(module):
    keras_module = getattr(keras.datasets, module)
    lamina_module = getattr(lamina.datasets, module)
    names = [n for n in dir(keras_module) if not n.startswith("_")]
    assert names and all(hasattr(lamina_module, n) for n in names)
    for name in names:
        assert _parameters(getattr(lamina_module, name)) == _parameters(getattr(keras_module, name))
