"""moments, normalize and batch/layer/RMS normalization: values, dtypes, gradients."""

import numpy as np
import pytest

from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


@pytest.mark.parametrize(
    "shape,axes,keepdims",
    [((4, 5), [0], False), ((2, 3, 4), [0, 2], True), ((3, 4), -1, False), ((5,), [0], True)],
)
def test_moments(shape, axes, keepdims, rng):
    x = rng.standard_normal(shape)
    mean, var = ops.nn.moments(x, axes, keepdims=keepdims)
    axis = tuple(axes) if isinstance(axes, list) else axes
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=axis, keepdims=keepdims))
    np.testing.assert_allclose(var.numpy(), x.var(axis=axis, keepdims=keepdims))
    check_gradients(lambda t: ops.nn.moments(t, axes, keepdims=keepdims), [x])
    check_gradients(lambda t: ops.nn.moments(t, axes, keepdims=keepdims)[1], [x])


def test_moments_dtypes():
    x16 = np.array([0, 1, 2, 3, 100], "float16")
    mean, var = ops.nn.moments(x16, [0])
    assert mean.dtype == var.dtype == "float16"
    np.testing.assert_allclose(var.numpy(), 1553.36, rtol=1e-3)
    mean, var = ops.nn.moments(np.arange(4, dtype="int32"), [0])
    assert mean.dtype == "float32" and float(var.numpy()) == 1.25
    assert ops.nn.moments(np.ones((3, 4)), [0], synchronized=True)[0].shape == (4,)


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("shape,axis", [((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1)])
def test_normalize(order, shape, axis, rng):
    x = rng.standard_normal(shape)
    norm = np.sum(np.abs(x) ** order, axis=axis, keepdims=True) ** (1 / order)
    np.testing.assert_allclose(ops.nn.normalize(x, axis=axis, order=order).numpy(), x / norm)
    check_gradients(lambda t: ops.nn.normalize(t, axis=axis, order=order), [x])


def test_normalize_several_axes_small_norms_and_errors(rng):
    x = rng.standard_normal((2, 3, 4))
    ref = x / np.sqrt(np.sum(x * x, axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(ops.nn.normalize(x, axis=(1, 2)).numpy(), ref)
    check_gradients(lambda t: ops.nn.normalize(t, axis=(1, 2)), [x])
    tiny = np.array([[1e-9, 0.0], [3.0, 4.0]])
    np.testing.assert_allclose(ops.nn.normalize(tiny, epsilon=1e-3).numpy()[0], [1e-6, 0.0])
    check_gradients(lambda t: ops.nn.normalize(t, epsilon=1e-3), [tiny])
    assert ops.nn.normalize(np.float32(2.0)).shape == (1,)
    assert ops.nn.normalize(np.array([[1, 2]], "int32")).dtype == "float32"
    with pytest.raises(ValueError, match="order"):
        ops.nn.normalize(x, order=0)
    with pytest.raises(ValueError, match="matrix norm"):
        ops.nn.normalize(x, axis=(1, 2), order=1)


@pytest.mark.parametrize("shape,axis", [((4, 3), -1), ((2, 3, 4, 5), 1), ((3,), 0)])
def test_batch_normalization(shape, axis, rng):
    x = rng.standard_normal(shape)
    c = shape[axis]
    mean, var = rng.standard_normal(c), rng.uniform(0.5, 2, c)
    offset, scale = rng.standard_normal(c), rng.standard_normal(c)
    laid = [1] * len(shape)
    laid[axis] = c
    m, v, o, s = (a.reshape(laid) for a in (mean, var, offset, scale))
    out = ops.nn.batch_normalization(x, mean, var, axis, offset=offset, scale=scale, epsilon=1e-3)
    np.testing.assert_allclose(out.numpy(), (x - m) / np.sqrt(v + 1e-3) * s + o)
    check_gradients(
        lambda *a: ops.nn.batch_normalization(*a[:3], axis, offset=a[3], scale=a[4]),
        [x, mean, var, offset, scale],
    )
    check_gradients(lambda *a: ops.nn.batch_normalization(*a, axis), [x, mean, var])


def test_batch_normalization_accepts_python_statistics():
    out = ops.nn.batch_normalization(np.ones((2, 2), "float32"), [0.0, 1.0], [1.0, 1.0], -1)
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), [[1 / np.sqrt(1.001), 0]] * 2, rtol=1e-6)


@pytest.mark.parametrize(
    "shape,axis,param_shape",
    [((4, 6), -1, (6,)), ((2, 3, 4), [1, 2], (3, 4)), ((2, 3, 4), 1, (3,)), ((2, 1, 5), -1, None)],
)
def test_layer_normalization(shape, axis, param_shape, rng):
    x = rng.standard_normal(shape) * 3 + 1
    axes = tuple(axis) if isinstance(axis, list) else (axis,)
    mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    xhat = (x - mean) / np.sqrt(var + 1e-5)
    if param_shape is None:
        out = ops.nn.layer_normalization(x, axis=axis, epsilon=1e-5)
        np.testing.assert_allclose(out.numpy(), xhat, rtol=1e-10, atol=1e-12)
        check_gradients(lambda t: ops.nn.layer_normalization(t, axis=axis), [x])
        return
    gamma, beta = rng.standard_normal(param_shape), rng.standard_normal(param_shape)
    laid = [shape[i] if i in [a % len(shape) for a in axes] else 1 for i in range(len(shape))]
    out = ops.nn.layer_normalization(x, gamma, beta, axis=axis, epsilon=1e-5)
    ref = xhat * gamma.reshape(laid) + beta.reshape(laid)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-10, atol=1e-12)
    check_gradients(lambda *a: ops.nn.layer_normalization(*a, axis=axis), [x, gamma, beta])


def test_layer_normalization_dtypes_and_rms_scaling(rng):
    x16 = rng.standard_normal((2, 8)).astype("float16")
    out = ops.nn.layer_normalization(x16, np.ones(8, "float32"))
    assert out.dtype == "float16"
    x = rng.standard_normal((3, 5))
    gamma = rng.standard_normal(5)
    with pytest.warns(UserWarning, match="rms_scaling"):
        out = ops.nn.layer_normalization(x, gamma, rms_scaling=True)
    np.testing.assert_allclose(out.numpy(), x / np.sqrt(x.var(-1, keepdims=True) + 1e-7) * gamma)
    with pytest.warns(UserWarning):
        check_gradients(lambda a, g: ops.nn.layer_normalization(a, g, rms_scaling=True), [x, gamma])
    with pytest.raises(TypeError, match="unexpected"):
        ops.nn.layer_normalization(x, bogus=1)


@pytest.mark.parametrize("shape,axis", [((4, 6), -1), ((2, 3, 4), (1, 2)), ((5,), -1)])
def test_rms_normalization(shape, axis, rng):
    x = rng.standard_normal(shape)
    scale = rng.standard_normal(shape[-1])
    rms = np.sqrt(np.mean(x * x, axis=axis, keepdims=True) + 1e-7)
    np.testing.assert_allclose(
        ops.nn.rms_normalization(x, scale, axis=axis).numpy(), x / rms * scale
    )
    check_gradients(lambda a, s: ops.nn.rms_normalization(a, s, axis=axis), [x, scale])
    check_gradients(lambda a: ops.nn.rms_normalization(a, axis=axis, epsilon=1e-3), [x])


def test_rms_normalization_dtype_and_scalar():
    assert ops.nn.rms_normalization(np.ones((2, 3), "float16")).dtype == "float16"
    assert ops.nn.rms_normalization(np.float32(3.0)).shape == (1,)
