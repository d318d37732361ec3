"""Parity of the normalization layers with Keras 3 (JAX): outputs, input and weight
gradients, training and inference, moving statistics after a training call, masks."""

import types

import numpy as np
import pytest
from harness import keras
from stateless_layer_parity import layer_parity

from lamina.layers import normalization

LAMINA = types.SimpleNamespace(
    **{name: getattr(normalization, name) for name in normalization.__all__}
)
RNG = np.random.default_rng(0)


def rand(*shape):
    return (RNG.standard_normal(shape) * 2 + 0.5).astype("float32")


SHAPES = [(4, 3), (2, 5, 3), (2, 4, 4, 3), (1, 3), (3, 1)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_parity(shape, training):
    layer_parity(lambda L: L.BatchNormalization(), rand(*shape), training=training)


BN_CONFIGS = [
    {"axis": 1},
    {"axis": -2, "momentum": 0.9, "epsilon": 1e-2},
    {"center": False},
    {"scale": False},
    {"center": False, "scale": False},
]


@pytest.mark.parametrize("config", BN_CONFIGS, ids=str)
@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_config_parity(config, training):
    layer_parity(lambda L: L.BatchNormalization(**config), rand(2, 3, 4), training=training)


def test_frozen_batch_normalization_runs_in_inference_mode():
    def make(L):
        layer = L.BatchNormalization()
        layer.trainable = False
        return layer

    layer_parity(make, rand(4, 3), training=True)


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_mask_parity(training):
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    layer_parity(lambda L: L.BatchNormalization(), rand(2, 4, 3), masks=mask, training=training)


@pytest.mark.parametrize(
    "clipping", [None, {"rmax": 1.5, "rmin": 0.5, "dmax": 0.2}], ids=["noclip", "clip"]
)
def test_batch_renormalization_parity(clipping):
    layer_parity(
        lambda L: L.BatchNormalization(renorm=True, renorm_clipping=clipping),
        rand(6, 3),
        training=True,
    )


def test_batch_normalization_moving_statistics_over_steps():
    k_layer, l_layer = (
        keras.layers.BatchNormalization(momentum=0.8),
        LAMINA.BatchNormalization(momentum=0.8),
    )
    for _ in range(3):
        x = rand(5, 2)
        k_layer(x, training=True)
        l_layer(x, training=True)
    for got, want in zip(l_layer.get_weights(), k_layer.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


LN_CASES = [
    ({}, (4, 3)),
    ({}, (2, 5, 3)),
    ({"axis": [1, 2]}, (2, 3, 4)),
    ({"axis": 1}, (2, 3, 4)),
    ({"epsilon": 1e-5, "center": False}, (2, 6)),
    ({"scale": False}, (2, 6)),
    ({"rms_scaling": True}, (2, 6)),
    ({}, (3, 1)),
]


@pytest.mark.parametrize("config,shape", LN_CASES, ids=str)
def test_layer_normalization_parity(config, shape):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling's deprecation warning
        layer_parity(lambda L: L.LayerNormalization(**config), rand(*shape))


GN_CASES = [
    ({"groups": 2}, (2, 5, 4)),
    ({"groups": 1}, (2, 3, 6)),
    ({"groups": -1}, (2, 3, 3, 4)),
    ({"groups": 3, "axis": 1, "center": False}, (2, 6, 4)),
    ({"groups": 2, "scale": False, "epsilon": 1e-5}, (2, 4)),
]


@pytest.mark.parametrize("config,shape", GN_CASES, ids=str)
def test_group_normalization_parity(config, shape):
    layer_parity(lambda L: L.GroupNormalization(**config), rand(*shape))


@pytest.mark.parametrize("axis,shape", [(-1, (3, 4)), ([1, 2], (2, 3, 4)), (1, (2, 3, 4))], ids=str)
def test_unit_normalization_parity(axis, shape):
    layer_parity(lambda L: L.UnitNormalization(axis=axis), rand(*shape))


@pytest.mark.parametrize(
    "config,shape", [({}, (3, 4)), ({"axis": [1, 2]}, (2, 3, 4)), ({"epsilon": 1e-3}, (2, 5))]
)
def test_rms_normalization_parity(config, shape):
    layer_parity(lambda L: L.RMSNormalization(**config), rand(*shape))


@pytest.mark.parametrize("mask_shape", [(2, 3)])
def test_normalization_layers_keep_masks(mask_shape):
    mask = np.array([[True, False, True], [False, True, True]])
    layer_parity(lambda L: L.LayerNormalization(), rand(2, 3, 4), masks=mask)
    layer_parity(lambda L: L.GroupNormalization(groups=2), rand(2, 3, 4), masks=mask)
    layer_parity(lambda L: L.UnitNormalization(), rand(2, 3, 4), masks=mask)


CONFIGS = [
    lambda L: L.BatchNormalization(axis=1, momentum=0.9, center=False),
    lambda L: L.LayerNormalization(axis=[1, 2], epsilon=1e-5),
    lambda L: L.GroupNormalization(groups=4),
    lambda L: L.UnitNormalization(axis=[1, 2]),
    lambda L: L.RMSNormalization(epsilon=1e-4),
]


@pytest.mark.parametrize("make", CONFIGS)
def test_get_config_matches_keras(make):
    want, got = make(keras.layers).get_config(), make(LAMINA).get_config()
    assert set(got) == set(want)
    for key in set(want) - {"name", "dtype"}:
        assert got[key] == want[key], key
