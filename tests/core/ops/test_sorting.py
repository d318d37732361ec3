"""sort, argsort, argpartition and top_k."""

import numpy as np
import pytest

from lamina import GradientTape, ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.ops import sorting


@pytest.mark.parametrize(
    ("shape", "axis"), [((4, 5), -1), ((4, 5), 0), ((4, 5), None), ((0, 3), 1)]
)
def test_sort_and_argsort(shape, axis, rng):
    x = rng.integers(0, 4, shape).astype("float32")
    np.testing.assert_array_equal(sorting.sort(x, axis=axis).numpy(), np.sort(x, axis=axis))
    out = sorting.argsort(x, axis=axis)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), np.argsort(x, axis=axis, kind="stable"))


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_sort_gradients(axis, rng):
    check_gradients(lambda t: sorting.sort(t, axis=axis), [rng.standard_normal((3, 4))])


def test_sort_ties_follow_input_order():
    x = ops.convert_to_tensor(np.array([1.0, 2.0, 2.0, 2.0, 5.0], "float32"))
    with GradientTape() as tape:
        tape.watch(x)
        y = sorting.sort(x) * np.arange(1.0, 6.0, dtype="float32")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1, 2, 3, 4, 5])


def test_argsort_scalar_and_integers():
    assert sorting.argsort(np.float32(3.0)).shape == (1,)
    assert sorting.sort(np.array([3, 1, 2], "int32")).dtype == "int32"


@pytest.mark.parametrize(("shape", "k"), [((7,), 3), ((3, 6), 2), ((2, 3, 5), 5), ((4,), 0)])
def test_top_k(shape, k, rng):
    x = rng.integers(0, 4, shape).astype("float32")
    values, indices = sorting.top_k(x, k)
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    np.testing.assert_array_equal(indices.numpy(), order)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, order, axis=-1))
    assert indices.dtype == "int32" and values.dtype == "float32"


def test_top_k_gradients_and_ties(rng):
    check_gradients(lambda t: sorting.top_k(t, 3)[0], [rng.standard_normal((2, 6))])
    x = ops.convert_to_tensor(np.array([1.0, 2.0, 2.0, 2.0, 5.0], "float32"))
    with GradientTape() as tape:
        tape.watch(x)
        values, _ = sorting.top_k(x, 3)
        y = values * np.array([1.0, 2.0, 3.0], "float32")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0, 2, 3, 0, 1])


def test_top_k_integers_and_errors():
    values, indices = sorting.top_k(np.array([[3, 9, 9, 1]], "int32"), 2)
    assert values.numpy().tolist() == [[9, 9]] and indices.numpy().tolist() == [[1, 2]]
    assert sorting.top_k(np.array([0, 255, 3], "uint8"), 1)[0].numpy().tolist() == [255]
    with pytest.raises(ValueError, match="top_k: k=5"):
        sorting.top_k(np.ones(3), 5)


@pytest.mark.parametrize(("kth", "axis"), [(2, -1), (1, 0), (3, None)])
def test_argpartition(kth, axis, rng):
    x = rng.standard_normal((4, 5))
    out = sorting.argpartition(x, kth, axis=axis)
    assert out.dtype == "int32"
    flat = x.reshape(-1) if axis is None else x
    ax = 0 if axis is None else axis
    picked = np.take_along_axis(flat, out.numpy(), axis=ax)
    pivot = np.take(np.sort(flat, axis=ax), kth, axis=ax)
    np.testing.assert_array_equal(np.take(picked, kth, axis=ax), pivot)


@pytest.mark.parametrize("shape", [(0, 3), (3, 1), (1,)])
def test_sort_and_top_k_size_zero_and_one(shape, rng):
    x = rng.standard_normal(shape)
    check_gradients(lambda t: sorting.sort(t, axis=-1), [x])
    check_gradients(lambda t: sorting.top_k(t, 1)[0], [x])
