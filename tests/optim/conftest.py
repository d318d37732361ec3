"""Fixtures of lamina-optim's unit tests; puts `optim_helpers` on the import path."""

import sys
from pathlib import Path

import pytest

# `--import-mode=importlib` does not put test folders on sys.path; the helpers live here.
sys.path.insert(0, str(Path(__file__).parent))

from optim_helpers import make_model


@pytest.fixture
def model():
    return make_model()
