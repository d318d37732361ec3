import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import ops


@pytest.mark.parametrize("n, axis", [(1, -1), (2, 0)])
def test_diff_parity(n, axis):
    a = np.random.default_rng(0).standard_normal((4, 5)).astype("float32")
    assert_parity(
        lambda x: ops.diff(x, n=n, axis=axis), lambda x: keras.ops.diff(x, n=n, axis=axis), [a]
    )


@pytest.mark.parametrize("dx, axis", [(1.0, -1), (0.25, 0)])
def test_trapezoid_parity(dx, axis):
    y = np.random.default_rng(1).standard_normal((3, 4)).astype("float32")
    assert_parity(
        lambda t: ops.trapezoid(t, dx=dx, axis=axis),
        lambda t: keras.ops.trapezoid(t, dx=dx, axis=axis),
        [y],
    )


def test_view_parity():
    x = np.random.default_rng(2).standard_normal((2, 4)).astype("float32")
    assert_parity(
        lambda t: ops.view(t, "int32"), lambda t: keras.ops.view(t, "int32"), [x], grads=False
    )


def test_view_as_real_of_complex_parity():
    x = np.random.default_rng(3).standard_normal((3, 2)).astype("float32")
    assert_parity(
        lambda t: ops.view_as_real(ops.view_as_complex(t) * 2.0),
        lambda t: keras.ops.view_as_real(keras.ops.view_as_complex(t) * 2.0),
        [x],
    )
