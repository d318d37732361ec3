"""Parity tests of lamina-layers-attention against real Keras 3 on JAX; skipped without keras."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
pytest.importorskip("jax")
pytest.importorskip("keras")
# The core parity harness (layer_harness.py) is reused by path, and the W4 test builds the
# benchmark model from bench/: test folders are not packages and `--import-mode=importlib`
# puts neither on sys.path.
sys.path.insert(0, str(Path(__file__).parents[2] / "core" / "parity"))
_ROOT = str(Path(__file__).parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.parity)
