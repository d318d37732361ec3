import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


@pytest.mark.parametrize(
    "value,dtype",
    [
        (2.0, "float32"),
        (2, "int32"),
        (True, "bool"),
        ([1.5, 2], "float32"),
        ([[1, 2]], "int32"),
        (np.ones(2, "float16"), "float16"),
        (np.arange(3), "int64"),
    ],
)
def test_convert_to_tensor_dtypes(value, dtype):
    t = ops.convert_to_tensor(value)
    assert isinstance(t, lamina.Tensor) and t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.asarray(value))


def test_convert_to_tensor_passthrough_cast_and_variables():
    t = ops.convert_to_tensor([1.0, 2.0])
    assert ops.convert_to_tensor(t) is t
    assert ops.convert_to_tensor(t, dtype="float64").dtype == "float64"
    assert ops.convert_to_tensor([1, 2], dtype="float16").dtype == "float16"
    v = lamina.Variable([1.0, 2.0])
    value = ops.convert_to_tensor(v)
    assert type(value) is lamina.Tensor
    np.testing.assert_array_equal(value.numpy(), [1.0, 2.0])
    with pytest.raises(ValueError, match="sparse"):
        ops.convert_to_tensor([1.0], sparse=True)


def test_convert_to_numpy_is_tensor_shape_dtype():
    t = ops.convert_to_tensor([[1.0, 2.0, 3.0]])
    assert isinstance(ops.convert_to_numpy(t), np.ndarray)
    assert ops.convert_to_numpy([1, 2]).tolist() == [1, 2]
    assert ops.convert_to_numpy(1.5) == 1.5
    assert ops.is_tensor(t) and ops.is_tensor(lamina.Variable(1.0))
    assert not ops.is_tensor(np.ones(2)) and not ops.is_tensor([1.0])
    assert ops.shape(t) == (1, 3) and isinstance(ops.shape(t), tuple)
    assert ops.shape(np.ones((2, 0))) == (2, 0) and ops.shape([[1, 2]]) == (1, 2)
    assert ops.dtype(t) == "float32" and ops.dtype(np.ones(2, "int8")) == "int8"


@pytest.mark.parametrize(
    "src,dst,values",
    [
        ("float32", "int32", [1.7, -1.7]),
        ("int32", "float16", [1, 2]),
        ("float32", "bool", [0.0, 2.0]),
        ("float64", "float32", [0.1, 1e-3]),
        ("float32", "float32", [1.0]),
    ],
)
def test_cast_values(src, dst, values):
    x = np.array(values, src)
    out = ops.cast(x, dst)
    assert out.dtype == dst
    np.testing.assert_array_equal(out.numpy(), x.astype(dst))
    assert ops.convert_to_tensor(x).astype(dst).dtype == dst


def test_cast_gradient_is_cast_back():
    x = ops.convert_to_tensor(np.array([1.0, 2.0], "float64"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.cast(x, "float32") * 3.0)
    g = tape.gradient(y, x)
    assert g.dtype == "float64"
    np.testing.assert_allclose(g.numpy(), [3.0, 3.0])
    check_gradients(lambda t: ops.cast(t, "float64") * t, [np.array([1.0, -2.0])])


def test_cast_to_int_stops_gradient():
    x = ops.convert_to_tensor([1.5, 2.5])
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.cast(x, "int32")
    assert y._node is None


def test_stop_gradient():
    x = ops.convert_to_tensor([1.0, 2.0])
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(x * ops.stop_gradient(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 2.0])
    v = lamina.Variable([1.0])
    with lamina.GradientTape() as tape:
        y = ops.stop_gradient(v) * 2.0
    assert tape.gradient(y, v) is None


@pytest.mark.parametrize(
    "values,src,dst,expected",
    [
        ([-1.0, 256.0, np.inf, np.nan, 3.4], "float32", "uint8", [0, 255, 255, 0, 3]),
        (
            [-1.0, 256.0, np.inf, -np.inf, np.nan],
            "float32",
            "int32",
            [-1, 256, 2147483520, -2147483648, 0],
        ),
        ([-1, 256], "int32", "uint8", [0, 255]),
        ([-200, 200], "int64", "int8", [-128, 127]),
        ([1e6, -1e6], "float32", "float16", [65504.0, -65504.0]),
        ([3, -2, 0], "int32", "bool", [True, False, False]),
        ([True, False], "bool", "float32", [1.0, 0.0]),
    ],
)
def test_saturate_cast(values, src, dst, expected):
    out = ops.saturate_cast(np.array(values, src), dst)
    assert out.dtype == dst
    np.testing.assert_array_equal(out.numpy(), np.array(expected, dst))


def test_saturate_cast_gradient_masks_clipped_values():
    x = ops.convert_to_tensor(np.array([1.0, 1e6, -1e6], "float32"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.cast(ops.saturate_cast(x, "float16"), "float32"))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 0.0, 0.0])
