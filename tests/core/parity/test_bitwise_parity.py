"""Bitwise ops vs Keras on JAX."""

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina.ops import bitwise

BINARY = [
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "left_shift",
    "right_shift",
]
PAIRS = [
    (np.array([[12, -10, 7], [0, 255, -1]], "int32"), np.array([6, 3, 1], "int32")),
    (np.array([12, 10, 7], "int8"), np.array([6, 3, 1], "uint8")),
    (np.array([200, 10, 7], "uint8"), np.array([1, 2, 3], "uint8")),
    (np.array([True, False, True]), np.array([True, True, False])),
    (np.array([True, False, True]), np.array([1, 2, 3], "int32")),
    (np.array([1, -1, 8], "int32"), np.array([33, 40, 31], "int32")),
]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("pair", range(len(PAIRS)))
def test_binary(name, pair):
    a, b = PAIRS[pair]
    assert_parity(getattr(bitwise, name), getattr(keras.ops, name), [a, b])


@pytest.mark.parametrize("name", BINARY)
def test_python_int(name):
    x = np.array([12, -10, 7], "int32")
    assert_parity(
        lambda t: getattr(bitwise, name)(t, 2), lambda t: getattr(keras.ops, name)(t, 2), [x]
    )


@pytest.mark.parametrize("name", ["bitwise_invert", "bitwise_not"])
@pytest.mark.parametrize(
    "x",
    [np.array([0, 5, -3], "int32"), np.array([0, 200], "uint8"), np.array([True, False])],
)
def test_invert(name, x):
    assert_parity(getattr(bitwise, name), getattr(keras.ops, name), [x])
