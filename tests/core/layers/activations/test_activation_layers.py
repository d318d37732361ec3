"""Unit tests of Activation, ReLU, LeakyReLU, PReLU, ELU and Softmax."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.layers.activations import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax

X = np.array([[-2.0, -0.5, 0.0, 0.3, 1.5, 7.0]], dtype="float32")


@pytest.mark.parametrize(
    "layer,expected",
    [
        (Activation("relu"), np.maximum(X, 0)),
        (Activation(None), X),
        (ReLU(), np.maximum(X, 0)),
        (ReLU(max_value=1.0), np.clip(X, 0, 1)),
        (ReLU(negative_slope=0.1), np.where(X > 0, X, 0.1 * X)),
        (ReLU(threshold=0.5), np.where(X >= 0.5, X, 0.0)),
        (LeakyReLU(), np.where(X > 0, X, 0.3 * X)),
        (LeakyReLU(negative_slope=0.05), np.where(X > 0, X, 0.05 * X)),
        (ELU(), np.where(X > 0, X, np.expm1(X))),
        (ELU(alpha=0.5), np.where(X > 0, X, 0.5 * np.expm1(X))),
        (Softmax(), np.exp(X) / np.exp(X).sum(-1, keepdims=True)),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, np.ndarray) else "",
)
def test_values_shape_dtype(layer, expected):
    y = layer(X)
    assert y.shape == X.shape and y.dtype == "float32"
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6, atol=1e-7)
    assert layer.compute_output_shape((None, 6)) == (None, 6)
    assert layer.supports_masking


@pytest.mark.parametrize(
    "make",
    [
        lambda: ReLU(max_value=1.0, negative_slope=0.1),
        lambda: LeakyReLU(0.2),
        lambda: ELU(0.7),
        lambda: Softmax(axis=1),
        lambda: Softmax(axis=(1, 2)),
        lambda: Activation("tanh"),
    ],
)
def test_gradients(make):
    x = np.random.default_rng(0).standard_normal((2, 3, 4)) + 0.05  # away from kinks
    layer = make()
    layer.dtype_policy = "float64"
    check_gradients(lambda t: layer(t), [x])


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: ReLU(max_value=-1.0), "max_value"),
        (lambda: ReLU(negative_slope=-0.1), "negative_slope"),
        (lambda: ReLU(threshold=None), "threshold"),
        (lambda: LeakyReLU(negative_slope=-1), "negative_slope"),
    ],
)
def test_invalid_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_leaky_relu_alpha_is_deprecated():
    with pytest.warns(UserWarning, match="deprecated"):
        layer = LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


@pytest.mark.parametrize(
    "shared_axes,shape,alpha_shape",
    [(None, (2, 3, 4), (3, 4)), ([1], (2, 3, 4), (1, 4)), (2, (2, 3, 4, 5), (3, 1, 5))],
)
def test_prelu_weights_and_values(shared_axes, shape, alpha_shape):
    layer = PReLU(alpha_initializer=lamina.initializers.Constant(0.25), shared_axes=shared_axes)
    x = np.random.default_rng(1).standard_normal(shape).astype("float32")
    y = layer(x)
    assert layer.alpha.shape == alpha_shape
    np.testing.assert_allclose(y.numpy(), np.where(x > 0, x, 0.25 * x), rtol=1e-6)
    x = ops.convert_to_tensor(x)
    with lamina.GradientTape() as tape:
        total = ops.sum(layer(x))
    g = tape.gradient(total, layer.alpha).numpy()
    want = np.minimum(x.numpy(), 0).sum(axis=0)
    if shared_axes is not None:
        axes = [shared_axes] if isinstance(shared_axes, int) else shared_axes
        want = want.sum(axis=tuple(a - 1 for a in axes), keepdims=True)
    np.testing.assert_allclose(g, want, rtol=1e-5)


def test_prelu_input_spec_checks_unshared_axes():
    layer = PReLU(shared_axes=[1])
    layer(np.ones((2, 3, 4), "float32"))
    layer(np.ones((2, 5, 4), "float32"))  # axis 1 is shared: any size
    with pytest.raises(ValueError, match=layer.name):
        layer(np.ones((2, 3, 5), "float32"))


def test_softmax_mask_zeroes_masked_and_full_rows():
    x = np.ones((2, 3), "float32")
    mask = np.array([[True, True, False], [False, False, False]])
    y = Softmax()(x, mask=mask).numpy()
    np.testing.assert_allclose(y, [[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])
    y = Softmax()(x, mask=np.array([[1.0, 0.2, 0.9]], "float32")).numpy()
    np.testing.assert_allclose(y, [[0.5, 0.0, 0.5]] * 2)


def test_softmax_mask_float16_uses_finite_fill():
    x = np.ones((1, 3), "float16")
    y = Softmax(dtype="float16")(x, mask=np.array([[True, False, True]])).numpy()
    assert y.dtype == np.float16 and np.all(np.isfinite(y))
    np.testing.assert_allclose(y, [[0.5, 0.0, 0.5]])


@pytest.mark.parametrize("mask_shape", [(2, 3, 5), (3, 2, 4, 5)], ids=str)
def test_softmax_mask_shape_errors(mask_shape):
    layer = Softmax(name="probs")
    with pytest.raises(ValueError, match="probs"):
        layer(np.ones((2, 3, 4), "float32"), mask=np.ones(mask_shape, bool))


@pytest.mark.parametrize(
    "layer,key,value",
    [
        (Activation("relu"), "activation", "relu"),
        (ReLU(max_value=2.0), "max_value", 2.0),
        (LeakyReLU(0.1), "negative_slope", 0.1),
        (ELU(0.2), "alpha", 0.2),
        (Softmax(axis=[1, 2]), "axis", [1, 2]),
        (PReLU(shared_axes=1), "shared_axes", [1]),
    ],
)
def test_config_roundtrip(layer, key, value):
    config = layer.get_config()
    assert config[key] == value
    assert type(layer).from_config(config).get_config() == config
