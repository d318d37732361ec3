"""Unit tests of the pooling layers: shapes, values, float64 gradient checks, masks,
errors and configs."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.autodiff.gradient_check import check_gradients

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


CASES = [
    (lambda **kw: layers.MaxPooling1D(**kw), (2, 7, 3), (2, 3, 3)),
    (
        lambda **kw: layers.MaxPooling2D(3, strides=1, padding="same", **kw),
        (2, 5, 4, 3),
        (2, 5, 4, 3),
    ),
    (lambda **kw: layers.MaxPooling3D(**kw), (1, 4, 5, 4, 2), (1, 2, 2, 2, 2)),
    (lambda **kw: layers.AveragePooling1D(3, 2, padding="same", **kw), (2, 7, 3), (2, 4, 3)),
    (lambda **kw: layers.AveragePooling2D((2, 3), **kw), (2, 5, 6, 3), (2, 2, 2, 3)),
    (
        lambda **kw: layers.AveragePooling3D(2, padding="same", **kw),
        (1, 3, 3, 3, 2),
        (1, 2, 2, 2, 2),
    ),
    (lambda **kw: layers.GlobalMaxPooling1D(**kw), (2, 7, 3), (2, 3)),
    (lambda **kw: layers.GlobalAveragePooling2D(keepdims=True, **kw), (2, 4, 5, 3), (2, 1, 1, 3)),
    (lambda **kw: layers.GlobalMaxPooling3D(**kw), (1, 2, 3, 4, 2), (1, 2)),
    (lambda **kw: layers.AdaptiveAveragePooling1D(3, **kw), (2, 7, 3), (2, 3, 3)),
    (lambda **kw: layers.AdaptiveMaxPooling2D((2, 3), **kw), (2, 5, 7, 3), (2, 2, 3, 3)),
    (lambda **kw: layers.AdaptiveAveragePooling3D(2, **kw), (1, 3, 4, 5, 2), (1, 2, 2, 2, 2)),
]


@pytest.mark.parametrize("make,in_shape,out_shape", CASES)
def test_shapes(make, in_shape, out_shape):
    layer = make()
    y = layer(rand(*in_shape))
    assert tuple(y.shape) == out_shape
    assert y.dtype == "float32"
    assert tuple(layer.compute_output_shape(in_shape)) == out_shape
    assert layer.weights == []


@pytest.mark.parametrize("make,in_shape,out_shape", CASES)
def test_input_gradients_float64(make, in_shape, out_shape):
    check_gradients(make(dtype="float64"), [RNG.standard_normal(in_shape)])


def test_channels_first_matches_channels_last():
    x = rand(2, 6, 5, 3)
    x_cf = np.transpose(x, (0, 3, 1, 2))
    for name in ("MaxPooling2D", "AveragePooling2D"):
        cls = getattr(layers, name)
        last = cls(2, padding="same")(x).numpy()
        first = cls(2, padding="same", data_format="channels_first")(x_cf).numpy()
        np.testing.assert_allclose(np.transpose(first, (0, 2, 3, 1)), last, rtol=1e-6)


def test_values():
    x = np.arange(8, dtype="float32").reshape(1, 8, 1)
    np.testing.assert_array_equal(layers.MaxPooling1D(2)(x).numpy().ravel(), [1, 3, 5, 7])
    np.testing.assert_array_equal(layers.AveragePooling1D(4)(x).numpy().ravel(), [1.5, 5.5])
    # "same" averages only the real elements of the last, partial window.
    np.testing.assert_array_equal(
        layers.AveragePooling1D(3, padding="same")(x).numpy().ravel(), [1, 4, 6.5]
    )
    np.testing.assert_array_equal(layers.GlobalMaxPooling1D()(x).numpy(), [[7]])


def test_global_average_pooling_1d_mask():
    x = np.array([[[1.0], [3.0], [100.0]], [[2.0], [4.0], [6.0]]], "float32")
    mask = np.array([[True, True, False], [True, True, True]])
    layer = layers.GlobalAveragePooling1D()
    np.testing.assert_allclose(layer(x, mask=mask).numpy(), [[2.0], [4.0]])
    assert layer.compute_mask(x, mask) is None


def test_global_average_pooling_1d_mask_from_embedding():
    inputs = lamina.Input((4,), dtype="int32")
    embedded = layers.Embedding(5, 2, mask_zero=True, embeddings_initializer="ones")(inputs)
    model = lamina.Model(inputs, layers.GlobalAveragePooling1D()(embedded))
    y = model(np.array([[1, 2, 0, 0]], "int32")).numpy()
    np.testing.assert_allclose(y, [[1.0, 1.0]])


def test_built_at_construction_like_keras():
    assert layers.MaxPooling2D().built
    assert layers.GlobalAveragePooling3D().built
    assert not layers.AdaptiveMaxPooling1D(2).built


def test_aliases():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool3D is layers.AveragePooling3D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D


def test_config():
    config = layers.MaxPooling2D(3, padding="same").get_config()
    assert (config["pool_size"], config["strides"], config["padding"]) == ((3, 3), (3, 3), "same")
    clone = layers.AdaptiveMaxPooling3D.from_config(layers.AdaptiveMaxPooling3D(2).get_config())
    assert clone.output_size == (2, 2, 2)


ERRORS = [
    (lambda: layers.MaxPooling2D((2, 2, 2)), ValueError, "pool_size"),
    (lambda: layers.AveragePooling1D(2, padding="causal"), ValueError, "padding"),
    (lambda: layers.MaxPooling1D(2, strides=0), ValueError, "strides"),
    (lambda: layers.AdaptiveAveragePooling2D((2, 2, 2)), TypeError, "output_size"),
    (lambda: layers.AdaptiveMaxPooling1D(0), ValueError, "output_size"),
    (lambda: layers.GlobalMaxPooling2D(data_format="nhwc"), ValueError, "data_format"),
]


@pytest.mark.parametrize("make,error,match", ERRORS)
def test_argument_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_window_larger_than_input():
    with pytest.raises(ValueError, match=r"MaxPooling2D.*zero or negative"):
        layers.MaxPooling2D(4).compute_output_shape((1, 3, 3, 1))
    with pytest.raises(ValueError, match="ndim"):
        layers.MaxPooling2D()(rand(1, 4, 4))
