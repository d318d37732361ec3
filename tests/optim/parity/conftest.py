"""Parity tests compare lamina with real Keras 3 on JAX; skipped without keras."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
pytest.importorskip("jax")
pytest.importorskip("keras")
# `--import-mode=importlib` does not put test folders on sys.path; the harness lives here.
sys.path.insert(0, str(Path(__file__).parent))


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.parity)
