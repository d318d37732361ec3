"""Unit tests of the normalization layers."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.layers.normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    RMSNormalization,
    SpectralNormalization,
    UnitNormalization,
)
from lamina.layers.normalization.batch_normalization import _batch_norm_train

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return (RNG.standard_normal(shape) * 2 + 1).astype(dtype)


def test_batch_norm_defaults_and_weights():
    layer = BatchNormalization()
    assert (layer.momentum, layer.epsilon, layer.axis) == (0.99, 1e-3, -1)
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]


@pytest.mark.parametrize("shape,axis", [((6, 3), 1), ((2, 4, 3), 2), ((2, 3, 4), 1), ((1, 1), 1)])
@pytest.mark.parametrize("affine", [True, False])
def test_fused_training_primitive_gradients(shape, axis, affine):
    c = shape[axis]
    gamma = RNG.standard_normal(c) if affine else None
    beta = RNG.standard_normal(c) if affine else None
    inputs = [RNG.standard_normal(shape)] + ([gamma, beta] if affine else [])

    def fn(x, *params):
        g, b = params if params else (None, None)
        return _batch_norm_train(x, g, b, axis, 1e-3)

    check_gradients(fn, inputs)  # (out, mean, variance), cotangents on all three


def test_training_uses_batch_statistics_with_biased_variance_and_updates_moving():
    x = rand(8, 3)
    layer = BatchNormalization(momentum=0.9)
    y = layer(x, training=True).numpy()
    want = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * x.var(0), rtol=1e-5)


def test_training_step_is_one_tape_node():
    layer = BatchNormalization()
    x = ops.convert_to_tensor(rand(4, 3))
    layer.build(x.shape)
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
    assert y._node.name == "_batch_norm_train"
    grads = tape.gradient(y, [x, *layer.trainable_weights])
    assert all(g is not None for g in grads)


def test_inference_uses_moving_statistics():
    x = rand(4, 3)
    layer = BatchNormalization()
    layer.build(x.shape)
    layer.moving_mean.assign(np.array([1.0, 2.0, 3.0], "float32"))
    layer.moving_variance.assign(np.array([4.0, 1.0, 0.25], "float32"))
    before = [w.numpy().copy() for w in layer.weights]
    y = layer(x).numpy()
    want = (x - [1.0, 2.0, 3.0]) / np.sqrt(np.array([4.0, 1.0, 0.25]) + 1e-3)
    np.testing.assert_allclose(y, want, rtol=1e-5)
    for w, b in zip(layer.weights, before):
        np.testing.assert_array_equal(w.numpy(), b)


def test_frozen_batch_norm_runs_in_inference_mode():
    x = rand(4, 3)
    layer = BatchNormalization()
    layer.build(x.shape)
    layer.trainable = False
    y = layer(x, training=True).numpy()
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3))
    assert layer.trainable_weights == []


def test_masked_training_ignores_masked_steps():
    x = rand(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    layer = BatchNormalization(momentum=0.0)
    layer(x, training=True, mask=ops.convert_to_tensor(mask))
    np.testing.assert_allclose(layer.moving_mean.numpy(), x[mask].mean(0), rtol=1e-5)


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="synchronized"):
        BatchNormalization(synchronized=True)
    with pytest.raises(ValueError, match="renorm_clipping"):
        BatchNormalization(renorm=True, renorm_clipping={"bad": 1})
    with pytest.raises(ValueError, match=r"bn_x.*out of bounds"):
        BatchNormalization(axis=3, name="bn_x").build((2, 3))


def test_layer_norm_values_and_gradients():
    x = rand(3, 4)
    y = LayerNormalization()(x).numpy()
    want = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)
    layer = LayerNormalization(axis=[1, 2], dtype="float64")
    check_gradients(layer, [RNG.standard_normal((2, 3, 4))])
    assert layer.axis == [1, 2] and layer.gamma.shape == (3, 4)


def test_layer_norm_rms_scaling_is_deprecated():
    with pytest.warns(UserWarning, match="deprecated"):
        layer = LayerNormalization(rms_scaling=True)
    layer.build((None, 3))
    assert layer.beta is None


def test_group_norm_matches_layer_norm_with_one_group():
    x = rand(2, 5, 4)
    np.testing.assert_allclose(
        GroupNormalization(groups=1)(x).numpy(),
        LayerNormalization(axis=[1, 2])(x).numpy(),
        rtol=1e-4,
        atol=1e-5,
    )
    check_gradients(GroupNormalization(groups=2, dtype="float64"), [RNG.standard_normal((2, 3, 4))])


@pytest.mark.parametrize("groups,channels", [(3, 4), (5, 4)])
def test_group_norm_invalid_groups(groups, channels):
    with pytest.raises(ValueError, match="groups"):
        GroupNormalization(groups=groups)(rand(2, channels))


def test_unit_and_rms_normalization():
    x = np.array([[3.0, 4.0]], "float32")
    np.testing.assert_allclose(UnitNormalization()(x).numpy(), [[0.6, 0.8]], rtol=1e-6)
    want = x / np.sqrt((x**2).mean() + 1e-6)
    np.testing.assert_allclose(RMSNormalization()(x).numpy(), want, rtol=1e-6)
    with pytest.raises(TypeError):
        UnitNormalization(axis="x")


def test_spectral_normalization_bounds_singular_value():
    from lamina.layers.core import Dense

    layer = SpectralNormalization(Dense(4), power_iterations=20)
    x = rand(3, 5)
    layer(x, training=True)
    sigma = np.linalg.svd(layer.layer.kernel.numpy(), compute_uv=False)[0]
    assert abs(sigma - 1.0) < 1e-3
    assert [w.name for w in layer.non_trainable_weights] == ["vector_u"]
    with pytest.raises(ValueError, match="power_iterations"):
        SpectralNormalization(Dense(2), power_iterations=0)


@pytest.mark.parametrize(
    "layer",
    [
        BatchNormalization(axis=1, momentum=0.9, center=False),
        LayerNormalization(axis=[1, 2], epsilon=1e-5),
        GroupNormalization(groups=4),
        UnitNormalization(axis=[1, 2]),
        RMSNormalization(epsilon=1e-4),
    ],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


@pytest.mark.parametrize(
    "layer", [BatchNormalization(), LayerNormalization(), GroupNormalization(groups=1)]
)
def test_compute_output_shape(layer):
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 4)


def test_symbolic_calls_infer_shapes():
    from lamina.layers.input_layer import Input

    x = Input(shape=(3, 4))
    for layer in (BatchNormalization(), LayerNormalization(), GroupNormalization(groups=2)):
        assert tuple(layer(x).shape) == (None, 3, 4)
    assert BatchNormalization()(x).dtype == "float32"
