"""Unit tests of Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout,
AlphaDropout and ActivityRegularization."""

import math

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.layers.regularization import (
    ActivityRegularization,
    AlphaDropout,
    Dropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)

NOISY = [
    lambda: Dropout(0.4, seed=1),
    lambda: Dropout(0.4, noise_shape=(None, 1, None), seed=1),
    lambda: SpatialDropout1D(0.4, seed=1),
    lambda: GaussianNoise(0.2, seed=1),
    lambda: GaussianDropout(0.4, seed=1),
    lambda: AlphaDropout(0.4, seed=1),
]


@pytest.mark.parametrize("make", NOISY)
def test_identity_at_inference(make):
    x = np.random.default_rng(0).standard_normal((4, 5, 6)).astype("float32")
    layer = make()
    for kwargs in ({}, {"training": False}):
        np.testing.assert_array_equal(layer(x, **kwargs).numpy(), x)
    assert layer.compute_output_shape((None, 5, 6)) == (None, 5, 6)
    assert layer.supports_masking and layer.built


@pytest.mark.parametrize("make", NOISY)
def test_training_changes_values_and_is_seeded(make):
    x = np.ones((4, 5, 6), "float32")
    a = make()(x, training=True).numpy()
    b = make()(x, training=True).numpy()
    layer = make()
    c, d = layer(x, training=True).numpy(), layer(x, training=True).numpy()
    assert a.shape == x.shape and a.dtype == np.float32
    assert not np.array_equal(a, x)
    np.testing.assert_array_equal(a, b)  # same seed, same first draw
    assert not np.array_equal(c, d)  # the generator advances


def test_dropout_statistics_and_gradient():
    rate = 0.3
    x = ops.ones((200, 100))
    layer = Dropout(rate, seed=0)
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        total = ops.sum(y)
    values = y.numpy()
    assert set(np.unique(values)) == {0.0, np.float32(1 / (1 - rate))}
    assert abs((values == 0).mean() - rate) < 0.02
    np.testing.assert_array_equal(tape.gradient(total, x).numpy(), values)


def test_dropout_noise_shape_broadcasts():
    y = Dropout(0.5, noise_shape=(None, 1, 4), seed=3)(np.ones((3, 5, 4), "float32"), training=True)
    values = y.numpy()
    np.testing.assert_array_equal(values, np.broadcast_to(values[:, :1], values.shape))


@pytest.mark.parametrize(
    "layer,shape,shared",
    [
        (SpatialDropout1D(0.5, seed=2), (4, 6, 8), (1,)),
        (SpatialDropout2D(0.5, seed=2), (4, 3, 3, 8), (1, 2)),
        (SpatialDropout2D(0.5, data_format="channels_first", seed=2), (4, 8, 3, 3), (2, 3)),
        (SpatialDropout3D(0.5, seed=2), (2, 2, 2, 2, 8), (1, 2, 3)),
        (SpatialDropout3D(0.5, data_format="channels_first", seed=2), (2, 8, 2, 2, 2), (2, 3, 4)),
    ],
)
def test_spatial_dropout_drops_whole_channels(layer, shape, shared):
    values = layer(np.ones(shape, "float32"), training=True).numpy()
    first = values[tuple(slice(0, 1) if i in shared else slice(None) for i in range(len(shape)))]
    np.testing.assert_array_equal(values, np.broadcast_to(first, shape))
    assert (values == 0).any() and (values == 2).any()


@pytest.mark.parametrize(
    "layer,shape", [(SpatialDropout1D(0.1), (2, 3)), (SpatialDropout2D(0.1), (2, 3, 4))]
)
def test_spatial_dropout_rank_error(layer, shape):
    with pytest.raises(ValueError, match=layer.name):
        layer(np.ones(shape, "float32"))


def test_gaussian_layers_moments():
    x = np.ones((400, 250), "float32")
    noise = GaussianNoise(0.5, seed=0)(x, training=True).numpy() - 1.0
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.5) < 0.01
    rate = 0.2
    scaled = GaussianDropout(rate, seed=0)(x, training=True).numpy()
    assert abs(scaled.mean() - 1.0) < 0.01
    assert abs(scaled.std() - math.sqrt(rate / (1 - rate))) < 0.01


def test_alpha_dropout_keeps_selu_moments():
    x = lamina.activations.selu(
        ops.convert_to_tensor(np.random.default_rng(0).standard_normal((500, 400)), "float32")
    )
    y = AlphaDropout(0.3, seed=0)(x, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1.0) < 0.02


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: Dropout(1.5), "rate"),
        (lambda: Dropout(-0.1), "rate"),
        (lambda: Dropout(0.1, noise_shape="abc"), "noise_shape"),
        (lambda: Dropout(0.1, noise_shape=(2, 0)), "noise_shape"),
        (lambda: Dropout(0.1, noise_shape=(2.0,)), "noise_shape"),
        (lambda: GaussianNoise(2.0), "stddev"),
        (lambda: GaussianDropout(1.1), "rate"),
        (lambda: AlphaDropout(-1), "rate"),
    ],
)
def test_invalid_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_rate_zero_has_no_seed_generator_and_is_identity():
    layer = Dropout(0.0)
    x = np.ones((2, 2), "float32")
    np.testing.assert_array_equal(layer(x, training=True).numpy(), x)
    assert not hasattr(layer, "seed_generator")


def test_activity_regularization_adds_batch_scaled_loss():
    layer = ActivityRegularization(l1=0.1, l2=0.5)
    x = np.array([[1.0, -2.0], [3.0, 0.0]], "float32")
    y = layer(x)
    np.testing.assert_array_equal(y.numpy(), x)
    (loss,) = layer.losses
    want = (0.1 * np.abs(x).sum() + 0.5 * (x**2).sum()) / 2
    np.testing.assert_allclose(loss.numpy(), want, rtol=1e-6)
    config = layer.get_config()
    assert config["l1"] == 0.1 and config["l2"] == 0.5 and "activity_regularizer" not in config


@pytest.mark.parametrize(
    "layer,expected",
    [
        (Dropout(0.2, noise_shape=[None, 1], seed=4), {"rate": 0.2, "noise_shape": (None, 1)}),
        (SpatialDropout1D(0.1, seed=3), {"rate": 0.1, "seed": 3, "dtype": "float32"}),
        (SpatialDropout2D(0.1, data_format="channels_first"), {"data_format": "channels_first"}),
        (GaussianNoise(0.1, seed=1), {"stddev": 0.1, "seed": 1}),
        (GaussianDropout(0.3), {"rate": 0.3, "seed": None}),
        (AlphaDropout(0.3, noise_shape=(None, 2)), {"noise_shape": (None, 2)}),
    ],
)
def test_config(layer, expected):
    config = layer.get_config()
    assert {k: config[k] for k in expected} == expected
    assert type(layer).from_config(config).get_config() == config
