import numpy as np
import pytest

from harness import assert_parity, keras

from lamina import ops

NAMES = ["add", "subtract", "multiply", "divide"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((2, 1, 4), (3, 1)), ((4,), ())])
def test_binary_parity(name, shapes):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shapes[0]).astype("float32")
    b = rng.uniform(0.5, 2.0, shapes[1]).astype("float32")
    assert_parity(getattr(ops, name), getattr(keras.ops, name), [a, b])
