"""`conv_bias_activation` (the Conv layers' fused conv + bias + ReLU) against the unfused ops."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina_conv.ops._fused_conv import conv_bias_activation

CASES = [
    # spatial, kernel, strides, padding, groups, data_format
    ((7,), 3, 1, "valid", 1, "channels_last"),
    ((6, 5), 3, 1, "same", 1, "channels_last"),
    ((6, 7), 2, (2, 1), "same", 2, "channels_first"),
    ((4, 5, 3), 2, 1, "valid", 1, "channels_first"),
]


def _case(rng, spatial, k, groups, fmt, dtype="float64"):
    n = len(spatial)
    channels = 2 * groups
    shape = (2, *spatial, channels) if fmt == "channels_last" else (2, channels, *spatial)
    x = rng.standard_normal(shape).astype(dtype)
    kernel = rng.standard_normal((*(k,) * n, 2, 3 * groups)).astype(dtype)
    bias = rng.standard_normal(3 * groups).astype(dtype)
    return x, kernel, bias


def _unfused(x, kernel, bias, strides, padding, fmt, activation):
    y = ops.conv(x, kernel, strides, padding, fmt)
    if bias is not None:
        axis = -1 if fmt == "channels_last" else 1
        y = y + ops.reshape(bias, (-1,) + (1,) * (y.ndim - 1 - axis % y.ndim))
    return ops.relu(y) if activation == "relu" else y


@pytest.mark.parametrize("spatial,k,strides,padding,groups,fmt", CASES)
@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_fused_gradients(rng, spatial, k, strides, padding, groups, fmt, activation):
    x, kernel, bias = _case(rng, spatial, k, groups, fmt)
    check_gradients(
        lambda a, b, c: conv_bias_activation(a, b, c, strides, padding, fmt, 1, activation),
        [x, kernel, bias],
        rtol=1e-6,
    )


@pytest.mark.parametrize("spatial,k,strides,padding,groups,fmt", CASES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_fused_relu_matches_unfused(rng, spatial, k, strides, padding, groups, fmt, with_bias):
    arrays = _case(rng, spatial, k, groups, fmt, "float32")
    x, kernel, bias = (ops.convert_to_tensor(a) for a in arrays)
    bias = bias if with_bias else None
    results = []
    for fn in (
        lambda: conv_bias_activation(x, kernel, bias, strides, padding, fmt, 1, "relu"),
        lambda: _unfused(x, kernel, bias, strides, padding, fmt, "relu"),
    ):
        with lamina.GradientTape() as tape:
            tape.watch(x)
            tape.watch(kernel)
            if bias is not None:
                tape.watch(bias)
            y = fn()
            loss = ops.sum(y * ops.cos(y))
        watched = [x, kernel] + ([bias] if bias is not None else [])
        results.append([y, *tape.gradient(loss, watched)])
    for fused, unfused in zip(*results):
        np.testing.assert_allclose(fused.numpy(), unfused.numpy(), rtol=1e-6, atol=1e-6)


def test_fused_rejects_other_activations():
    with pytest.raises(ValueError, match="activation must be one of"):
        conv_bias_activation(np.ones((1, 4, 1)), np.ones((3, 1, 1)), None, activation="tanh")


def test_conv_layer_relu_is_relu_of_conv_plus_bias(rng):
    layer = lamina.layers.Conv2D(3, 3, padding="same", activation="relu")
    x = rng.standard_normal((2, 5, 5, 2)).astype("float32")
    layer(x)  # builds
    layer.bias.assign(rng.standard_normal(3).astype("float32"))
    y = layer(x).numpy()
    expected = np.maximum(ops.conv(x, layer.kernel, 1, "same").numpy() + layer.bias.numpy(), 0.0)
    np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-6)
