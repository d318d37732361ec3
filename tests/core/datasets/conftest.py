"""Fixtures of the dataset tests: Keras-format files served from 127.0.0.1, a private cache."""

import sys
from pathlib import Path

import pytest

# `--import-mode=importlib` does not put test folders on sys.path; the helpers live here.
sys.path.insert(0, str(Path(__file__).parent))

from dataset_files import write_dataset_files
from dataset_server import serve

from lamina.datasets import sources


@pytest.fixture(scope="session")
def served_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("origin")
    hashes = write_dataset_files(folder)
    with serve(folder) as server:
        server.folder, server.hashes = folder, hashes
        yield server


@pytest.fixture
def origin(served_files, monkeypatch, tmp_path):
    """Every loader downloads from the local server into an empty cache (`KERAS_HOME`)."""
    monkeypatch.setattr(sources, "KERAS_DATASETS_URL", served_files.url)
    monkeypatch.setattr(sources, "CIFAR_URL", served_files.url)
    monkeypatch.setattr(sources, "FILE_HASHES", dict(served_files.hashes))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    served_files.requests.clear()
    return served_files
