"""Bitwise ops on integers and bools, and the Tensor operators bound to them."""

import numpy as np
import pytest

from lamina import ops
from lamina.ops import bitwise

BINARY = {
    "bitwise_and": np.bitwise_and,
    "bitwise_or": np.bitwise_or,
    "bitwise_xor": np.bitwise_xor,
    "bitwise_left_shift": np.left_shift,
    "left_shift": np.left_shift,
    "bitwise_right_shift": np.right_shift,
    "right_shift": np.right_shift,
}
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((0, 4), (1, 4)), ((), (2,))]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", SHAPES)
def test_binary_forward(name, shapes, rng):
    a = rng.integers(-64, 64, shapes[0]).astype("int32")
    b = rng.integers(0, 8, shapes[1]).astype("int32")
    out = getattr(bitwise, name)(a, b)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), BINARY[name](a, b))


@pytest.mark.parametrize(
    ("name", "x", "y", "dtype"),
    [
        ("bitwise_and", np.array([True, False]), np.array([True, True]), "bool"),
        ("bitwise_or", np.array([True, False]), 2, "int32"),
        ("bitwise_xor", np.array([1, 2], "int8"), np.array([1, 2], "uint8"), "int16"),
        ("bitwise_and", np.array([1, 2], "uint8"), 3, "uint8"),
        ("left_shift", np.array([True, False]), np.array([True, True]), "int32"),
        ("right_shift", np.array([8, 9], "int8"), 1, "int8"),
    ],
)
def test_result_dtypes_follow_keras(name, x, y, dtype):
    assert getattr(bitwise, name)(x, y).dtype == dtype


@pytest.mark.parametrize("name", ["bitwise_invert", "bitwise_not"])
def test_invert(name):
    np.testing.assert_array_equal(getattr(bitwise, name)(np.array([0, 5])).numpy(), [-1, -6])
    out = getattr(bitwise, name)(np.array([True, False]))
    assert out.dtype == "bool"
    np.testing.assert_array_equal(out.numpy(), [False, True])
    assert getattr(bitwise, name)(np.array([0], "uint8")).numpy()[0] == 255


def test_shifts_past_the_width():
    # As in Keras on JAX: left shifts beyond the width give 0, arithmetic right shifts the sign.
    x = np.array([1, -1, 8], "int32")
    out = bitwise.left_shift(x, np.array([33, 31, 40], "int32"))
    np.testing.assert_array_equal(out.numpy(), [0, -(2**31), 0])
    out = bitwise.right_shift(np.array([-1, 8, -8], "int32"), np.array([40, 40, 1], "int32"))
    np.testing.assert_array_equal(out.numpy(), [-1, 0, -4])


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_invert", "left_shift"])
def test_floats_are_refused_with_the_op_name(name):
    args = [np.ones(2, "float32")] * (1 if name == "bitwise_invert" else 2)
    with pytest.raises(TypeError, match=f"{name.replace('left', 'bitwise_left')}: expected"):
        getattr(bitwise, name)(*args)


def test_tensor_operators():
    x = ops.convert_to_tensor(np.array([12, 10], "int32"))
    np.testing.assert_array_equal((x & 6).numpy(), [4, 2])
    np.testing.assert_array_equal((x | 6).numpy(), [14, 14])
    np.testing.assert_array_equal((x ^ 6).numpy(), [10, 12])
    np.testing.assert_array_equal((~x).numpy(), [-13, -11])
    b = ops.convert_to_tensor(np.array([True, False]))
    np.testing.assert_array_equal((b & True).numpy(), [True, False])
    np.testing.assert_array_equal((~b).numpy(), [False, True])
