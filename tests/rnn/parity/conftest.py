"""Parity tests of lamina-layers-rnn against real Keras 3 on JAX; skipped without keras."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
pytest.importorskip("jax")
pytest.importorskip("keras")
# The core parity harness (harness.py, layer_harness.py) is reused by path: test folders
# are not packages and `--import-mode=importlib` does not put them on sys.path.
sys.path.insert(0, str(Path(__file__).parents[2] / "core" / "parity"))


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.parity)
