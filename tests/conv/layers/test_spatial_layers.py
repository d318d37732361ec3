"""Unit tests of UpSampling, ZeroPadding and Cropping: shapes, values, float64 gradient
checks, errors and configs."""

import numpy as np
import pytest

from lamina import layers
from lamina.autodiff.gradient_check import check_gradients

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


CASES = [
    (lambda **kw: layers.UpSampling1D(3, **kw), (2, 4, 3), (2, 12, 3)),
    (lambda **kw: layers.UpSampling2D((2, 3), **kw), (2, 3, 2, 3), (2, 6, 6, 3)),
    (
        lambda **kw: layers.UpSampling2D(2, interpolation="bilinear", **kw),
        (2, 3, 4, 2),
        (2, 6, 8, 2),
    ),
    (
        lambda **kw: layers.UpSampling2D((1, 3), "channels_first", "bicubic", **kw),
        (1, 2, 3, 4),
        (1, 2, 3, 12),
    ),
    (lambda **kw: layers.UpSampling3D(2, **kw), (1, 2, 2, 3, 2), (1, 4, 4, 6, 2)),
    (lambda **kw: layers.ZeroPadding1D((1, 2), **kw), (2, 4, 3), (2, 7, 3)),
    (lambda **kw: layers.ZeroPadding2D(((1, 0), 2), **kw), (2, 3, 3, 2), (2, 4, 7, 2)),
    (
        lambda **kw: layers.ZeroPadding3D(1, data_format="channels_first", **kw),
        (1, 2, 2, 2, 3),
        (1, 2, 4, 4, 5),
    ),
    (lambda **kw: layers.Cropping1D((1, 2), **kw), (2, 6, 3), (2, 3, 3)),
    (lambda **kw: layers.Cropping2D(((1, 0), (0, 2)), **kw), (2, 4, 5, 2), (2, 3, 3, 2)),
    (
        lambda **kw: layers.Cropping3D(1, data_format="channels_first", **kw),
        (1, 2, 3, 4, 5),
        (1, 2, 1, 2, 3),
    ),
]


@pytest.mark.parametrize("make,in_shape,out_shape", CASES)
def test_shapes(make, in_shape, out_shape):
    layer = make()
    y = layer(rand(*in_shape))
    assert tuple(y.shape) == out_shape
    assert y.dtype == "float32"
    assert tuple(layer.compute_output_shape(in_shape)) == out_shape


@pytest.mark.parametrize("make,in_shape,out_shape", CASES)
def test_input_gradients_float64(make, in_shape, out_shape):
    check_gradients(make(dtype="float64"), [RNG.standard_normal(in_shape)])


def test_unknown_sizes_stay_unknown():
    assert layers.UpSampling2D(2).compute_output_shape((None, None, 4, 3)) == (None, None, 8, 3)
    assert layers.Cropping1D(1).compute_output_shape((2, None, 3)) == (2, None, 3)
    assert layers.ZeroPadding1D(1).compute_output_shape((2, None, 3)) == (2, None, 3)


def test_values():
    x = np.array([[[1.0], [2.0]]], "float32")
    np.testing.assert_array_equal(layers.UpSampling1D(2)(x).numpy().ravel(), [1, 1, 2, 2])
    np.testing.assert_array_equal(layers.ZeroPadding1D((1, 0))(x).numpy().ravel(), [0, 1, 2])
    np.testing.assert_array_equal(layers.Cropping1D((1, 0))(x).numpy().ravel(), [2])
    img = np.array([0.0, 4.0], "float32").reshape(1, 1, 2, 1)
    up = layers.UpSampling2D((1, 2), interpolation="bilinear")(img).numpy().ravel()
    # Half-pixel centers: samples at -0.25, 0.25, 0.75, 1.25 of the input, clamped.
    np.testing.assert_allclose(up, [0.0, 1.0, 3.0, 4.0])


def test_bilinear_preserves_constants():
    x = np.full((1, 3, 3, 2), 5.0, "float32")
    for mode in ("bilinear", "bicubic", "lanczos3", "lanczos5"):
        y = layers.UpSampling2D(3, interpolation=mode)(x).numpy()
        np.testing.assert_allclose(y, 5.0, rtol=1e-6)


ERRORS = [
    (lambda: layers.UpSampling1D(2.0), TypeError, "size"),
    (lambda: layers.UpSampling1D(0), ValueError, "size"),
    (lambda: layers.UpSampling2D(interpolation="cubic"), ValueError, "interpolation"),
    (lambda: layers.UpSampling3D((2, 2)), ValueError, "size"),
    (lambda: layers.ZeroPadding2D((1, 2, 3)), ValueError, "padding"),
    (lambda: layers.ZeroPadding3D(-1), ValueError, "padding"),
    (lambda: layers.Cropping2D(((1, -1), 0)), ValueError, "cropping"),
    (lambda: layers.Cropping3D("1"), ValueError, "cropping"),
]


@pytest.mark.parametrize("make,error,match", ERRORS)
def test_argument_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_cropping_too_much():
    with pytest.raises(ValueError, match=r"Cropping2D.*smaller"):
        layers.Cropping2D(2)(rand(1, 4, 6, 1))
    with pytest.raises(ValueError, match=r"Cropping1D.*smaller"):
        layers.Cropping1D((2, 2)).compute_output_shape((1, 4, 1))


def test_configs():
    assert layers.ZeroPadding2D(1).get_config()["padding"] == ((1, 1), (1, 1))
    assert layers.Cropping3D((1, 2, 3)).get_config()["cropping"] == ((1, 1), (2, 2), (3, 3))
    assert "data_format" not in layers.Cropping1D().get_config()
    assert "data_format" not in layers.UpSampling1D().get_config()
    config = layers.UpSampling2D(interpolation="BILINEAR").get_config()
    assert config["interpolation"] == "bilinear"
    assert layers.UpSampling2D.from_config(config).get_config() == config
