"""End to end: the README's demo trains a real model on the shipped dataset to > 90% accuracy."""

import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_digits.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("train_digits", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_mlp_learns_the_digits():
    example = _load_example()
    # Fewer epochs than the demo's 20 keep this quick; 8 epochs already reach ~97%.
    accuracy = example.train(epochs=8, verbose=False)
    assert accuracy > 0.9, f"test accuracy {accuracy:.3f}"
