"""Numerical gradient checks (float64) of the pooling ops."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


@pytest.mark.parametrize("name", ["max_pool", "average_pool"])
@pytest.mark.parametrize(
    "shape,pool,strides,padding,fmt",
    [
        ((2, 9, 3), 3, 2, "same", "channels_last"),
        ((2, 3, 8), 2, None, "valid", "channels_first"),
        ((2, 7, 6, 2), (3, 2), (2, 1), "same", "channels_last"),
        ((2, 2, 7, 5), 3, 1, "valid", "channels_first"),
        ((1, 5, 4, 5, 2), 2, None, "same", "channels_last"),
    ],
)
def test_pool_gradients(rng, name, shape, pool, strides, padding, fmt):
    x = rng.standard_normal(shape)
    check_gradients(lambda a: getattr(ops, name)(a, pool, strides, padding, fmt), [x])


@pytest.mark.parametrize("name", ["adaptive_max_pool", "adaptive_average_pool"])
@pytest.mark.parametrize(
    "shape,output_size,fmt",
    [
        ((2, 10, 3), 4, "channels_last"),
        ((2, 3, 7, 5), (3, 2), "channels_first"),
        ((2, 5, 6, 7, 2), (2, 4, 3), "channels_last"),
        ((1, 2, 3), 5, "channels_last"),  # more output cells than input cells
    ],
)
def test_adaptive_pool_gradients(rng, name, shape, output_size, fmt):
    x = rng.standard_normal(shape)
    check_gradients(lambda a: getattr(ops, name)(a, output_size, fmt), [x])


def test_max_pool_routes_gradient_to_the_winner_only():
    x = ops.convert_to_tensor(np.array([[[1.0], [5.0], [2.0], [7.0]]], "float32"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.max_pool(x, 2)
        loss = ops.sum(y * np.array([[[2.0], [3.0]]], "float32"))
    np.testing.assert_array_equal(y.numpy()[0, :, 0], [5.0, 7.0])
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy()[0, :, 0], [0.0, 2.0, 0.0, 3.0])


def test_average_pool_same_counts_only_real_cells():
    x = np.arange(1.0, 6.0, dtype="float32").reshape(1, 5, 1)
    y = ops.average_pool(x, 2, padding="same").numpy()[0, :, 0]
    np.testing.assert_allclose(y, [1.5, 3.5, 5.0])


@pytest.mark.parametrize("strides", [None, 1])
def test_max_pool_ties_route_to_the_first_cell(strides):
    # Every window is all ties: the gradient goes to its first cell in offset order
    # (as Keras), once per window, also when windows overlap (strides=1).
    x = ops.convert_to_tensor(np.ones((1, 4, 4, 1), "float32"))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        loss = ops.sum(ops.max_pool(x, 2, strides))
    grad = tape.gradient(loss, x).numpy()[0, :, :, 0]
    if strides is None:
        expected = [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    else:
        expected = [[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(grad, expected)


def test_max_pool_odd_size_drops_the_remainder_cells(rng):
    # 5x5 by 2x2 windows: row and column 4 are in no window and get a zero gradient.
    x = rng.standard_normal((2, 5, 5, 3))
    check_gradients(lambda a: ops.max_pool(a, 2), [x])
