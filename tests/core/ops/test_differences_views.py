import numpy as np
import pytest

from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


@pytest.mark.parametrize(
    "shape, n, axis", [((5,), 1, -1), ((3, 4), 2, 0), ((2, 1, 4), 1, 1), ((0, 3), 1, 1)]
)
def test_diff_matches_numpy(shape, n, axis, rng):
    a = rng.standard_normal(shape).astype("float32")
    out = ops.diff(a, n=n, axis=axis)
    np.testing.assert_allclose(out.numpy(), np.diff(a, n=n, axis=axis), rtol=1e-6)
    assert out.dtype == "float32"


def test_diff_gradient(rng):
    check_gradients(lambda a: ops.diff(a, n=2, axis=0), [rng.standard_normal((5, 3))])


def test_diff_rejects_negative_order():
    with pytest.raises(ValueError, match=r"diff: .*non-negative"):
        ops.diff([1.0, 2.0], n=-1)


@pytest.mark.parametrize("shape, axis", [((4,), -1), ((3, 5), 0), ((2, 1, 3), -1), ((1,), 0)])
def test_trapezoid_matches_numpy(shape, axis, rng):
    y = rng.standard_normal(shape).astype("float32")
    np.testing.assert_allclose(
        ops.trapezoid(y, dx=0.5, axis=axis).numpy(), np.trapezoid(y, dx=0.5, axis=axis), rtol=1e-5
    )


def test_trapezoid_with_sample_points_and_gradient(rng):
    y = rng.standard_normal((2, 4))
    x = np.sort(rng.standard_normal(4))
    np.testing.assert_allclose(ops.trapezoid(y, x=x).numpy(), np.trapezoid(y, x=x), rtol=1e-12)
    check_gradients(lambda y, x: ops.trapezoid(y, x=x), [y, x])


def test_trapezoid_of_integers_is_float32():
    assert ops.trapezoid(np.arange(4, dtype="int32")).dtype == "float32"


def test_view_reinterprets_bits():
    out = ops.view(np.ones(2, "float32"), "int32")
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), np.ones(2, "float32").view("int32"))
    assert ops.view(np.ones((2, 4), "float32"), "float64").shape == (2, 2)


def test_view_as_complex_and_back_with_gradients(rng):
    x = rng.standard_normal((3, 2))
    z = ops.view_as_complex(x)
    assert z.dtype == "complex128"
    np.testing.assert_allclose(ops.view_as_real(z).numpy(), x)
    check_gradients(lambda x: ops.view_as_real(ops.view_as_complex(x) * 2.0), [x])


@pytest.mark.parametrize("bad", [np.ones((3, 3), "float32"), np.ones(2, "int32")])
def test_view_as_complex_rejects_bad_shapes(bad):
    with pytest.raises(ValueError, match="view_as_complex: expected"):
        ops.view_as_complex(bad)
