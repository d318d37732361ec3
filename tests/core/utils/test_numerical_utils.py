"""lamina.utils.to_categorical and lamina.utils.normalize."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.utils import normalize, to_categorical


def test_to_categorical_list_infers_classes():
    out = to_categorical([0, 2, 1, 2])
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1, 2]])


def test_to_categorical_drops_a_trailing_axis_of_one():
    labels = np.array([[1], [0], [3]])
    assert to_categorical(labels, num_classes=5).shape == (3, 5)
    assert to_categorical(np.zeros((2, 4, 1), "int32"), 3).shape == (2, 4, 3)
    assert to_categorical(np.array([[1, 2]]), 3).shape == (1, 2, 3)


def test_to_categorical_tensor_gives_a_float_tensor():
    out = to_categorical(ops.convert_to_tensor(np.array([[2], [0]])), num_classes=4)
    assert isinstance(out, lamina.Tensor) and out.dtype == "float32"
    np.testing.assert_array_equal(ops.convert_to_numpy(out), np.eye(4)[[2, 0]])


@pytest.mark.parametrize("labels, num_classes", [([0, 3], 3), ([-1, 0], 2)])
def test_to_categorical_out_of_range_labels(labels, num_classes):
    with pytest.raises(ValueError, match=r"to_categorical: labels must be in \[0, num_classes"):
        to_categorical(labels, num_classes)


def test_to_categorical_non_numeric_labels():
    with pytest.raises(ValueError, match="integer class labels"):
        to_categorical(["cat", "dog"])


def test_normalize_numpy_l2_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    out = normalize(x)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("order", [1, 2, np.inf])
def test_normalize_numpy_axis_and_order(rng, axis, order):
    x = rng.standard_normal((3, 4))
    out = normalize(x, axis=axis, order=order)
    np.testing.assert_allclose(np.linalg.norm(out, order, axis), 1.0)
    assert out.shape == x.shape


def test_normalize_tensor_goes_through_ops():
    out = normalize(ops.convert_to_tensor(np.array([[3.0, 4.0]], "float32")))
    assert isinstance(out, lamina.Tensor)
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[0.6, 0.8]], rtol=1e-6)
