"""Convolution layers of lamina-layers-conv vs Keras 3 (JAX): outputs, input gradients,
kernel and bias gradients, weight names and get_config.

Each family runs over a grid of kernel sizes, strides, dilations, paddings, groups /
depth multipliers and both data formats; a fixed-seed sample of each grid (covering every
value of every axis) keeps the run short.
"""

import itertools
import random

import numpy as np
import pytest
from layer_harness import assert_layer_parity, keras

import lamina

FORMATS = ("channels_last", "channels_first")
RTOL, ATOL = 1e-5, 2e-5  # float32 sums of up to a few hundred products


def _sample(grid, count, seed, keep=lambda *case: True):
    """`count` cases of the grid (those `keep` accepts) that together use every value of
    every axis at least once, the rest drawn at random with a fixed seed."""
    cases = [case for case in itertools.product(*grid) if keep(*case)]
    random.Random(seed).shuffle(cases)
    missing = {(axis, value) for case in cases for axis, value in enumerate(case)}
    chosen = []
    for case in cases:
        new = {(axis, value) for axis, value in enumerate(case)} & missing
        if new:
            chosen.append(case)
            missing -= new
    rest = [case for case in cases if case not in chosen]
    return chosen + rest[: max(count - len(chosen), 0)]


def _no_strided_dilation(dims, k, s, d, *rest):
    return s == 1 or d == 1  # Keras refuses strides > 1 with dilation_rate > 1


def _inputs(dims, channels, fmt, size=None, seed=0):
    size = size or {1: 8, 2: 6, 3: 4}[dims]
    spatial = (size,) * dims
    shape = (2, *spatial, channels) if fmt == "channels_last" else (2, channels, *spatial)
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _parity(make, x):
    layer, keras_layer = make(lamina.layers), make(keras.layers)
    # build() rather than a first eager call: each new shape costs Keras an XLA compile.
    keras_layer.build(x.shape)
    assert_layer_parity(layer, keras_layer, x, rtol=RTOL, atol=ATOL)
    return layer


def _bias_init(L):
    # A non-zero bias so its broadcast along the channel axis is checked too.
    return keras.initializers.RandomNormal(seed=3) if L is keras.layers else "random_normal"


CONV_GRID = (
    (1, 2, 3),  # dims
    (1, 2, 3),  # kernel size
    (1, 2),  # strides
    (1, 2),  # dilation
    ("valid", "same", "causal"),
    (1, 2),  # groups
    FORMATS,
)


def _conv_keep(dims, k, s, d, padding, groups, fmt):
    return _no_strided_dilation(dims, k, s, d) and (padding != "causal" or dims == 1)


@pytest.mark.parametrize("dims,k,s,d,padding,groups,fmt", _sample(CONV_GRID, 8, 0, _conv_keep))
def test_conv(dims, k, s, d, padding, groups, fmt):
    def make(L):
        return getattr(L, f"Conv{dims}D")(
            filters=2 * groups,
            kernel_size=k,
            strides=s,
            padding=padding,
            data_format=fmt,
            dilation_rate=d,
            groups=groups,
            activation="tanh" if k == 2 else None,
        )

    layer = _parity(make, _inputs(dims, 2 * groups, fmt))
    assert [w.name for w in layer.weights] == ["kernel", "bias"]


def test_conv_without_bias_relu():
    def make(L):
        return L.Conv2D(3, (3, 2), use_bias=False, activation="relu", padding="same")

    layer = _parity(make, _inputs(2, 2, "channels_last"))
    assert [w.name for w in layer.weights] == ["kernel"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_conv_strided_same_with_bias(fmt):
    def make(L):
        # Strided "same": Keras pads the odd extra row/column at the end.
        return L.Conv2D(
            3, 2, strides=2, padding="same", data_format=fmt, bias_initializer=_bias_init(L)
        )

    layer = _parity(make, _inputs(2, 2, fmt))
    assert np.abs(layer.bias.numpy()).sum() > 0


TRANSPOSE_GRID = (
    (1, 2, 3),  # dims
    (1, 2, 3),  # kernel size
    (1, 2, 3),  # strides
    (1, 2),  # dilation
    ("valid", "same"),
    (None, 1),  # output_padding
    FORMATS,
)


def _transpose_keep(dims, k, s, d, padding, output_padding, fmt):
    return _no_strided_dilation(dims, k, s, d) and (output_padding is None or output_padding < s)


@pytest.mark.parametrize(
    "dims,k,s,d,padding,output_padding,fmt",
    _sample(TRANSPOSE_GRID, 7, 1, _transpose_keep),
)
def test_conv_transpose(dims, k, s, d, padding, output_padding, fmt):
    def make(L):
        return getattr(L, f"Conv{dims}DTranspose")(
            filters=3,
            kernel_size=k,
            strides=s,
            padding=padding,
            output_padding=output_padding,
            data_format=fmt,
            dilation_rate=d,
        )

    layer = _parity(make, _inputs(dims, 2, fmt, size={1: 5, 2: 4, 3: 3}[dims]))
    assert [w.name for w in layer.weights] == ["kernel", "bias"]


DEPTHWISE_GRID = (
    (1, 2),  # dims
    (1, 2, 3),  # kernel size
    (1, 2),  # strides
    (1, 2),  # dilation
    ("valid", "same"),
    (1, 3),  # depth_multiplier
    FORMATS,
)


@pytest.mark.parametrize(
    "dims,k,s,d,padding,multiplier,fmt",
    _sample(DEPTHWISE_GRID, 6, 2, _no_strided_dilation),
)
def test_depthwise_conv(dims, k, s, d, padding, multiplier, fmt):
    def make(L):
        return getattr(L, f"DepthwiseConv{dims}D")(
            kernel_size=k,
            strides=s,
            padding=padding,
            depth_multiplier=multiplier,
            data_format=fmt,
            dilation_rate=d,
        )

    layer = _parity(make, _inputs(dims, 3, fmt))
    assert [w.name for w in layer.weights] == ["kernel", "bias"]


@pytest.mark.parametrize(
    "dims,k,s,d,padding,multiplier,fmt",
    _sample(DEPTHWISE_GRID, 6, 3, _no_strided_dilation),
)
def test_separable_conv(dims, k, s, d, padding, multiplier, fmt):
    def make(L):
        return getattr(L, f"SeparableConv{dims}D")(
            filters=4,
            kernel_size=k,
            strides=s,
            padding=padding,
            depth_multiplier=multiplier,
            data_format=fmt,
            dilation_rate=d,
        )

    layer = _parity(make, _inputs(dims, 3, fmt))
    assert [w.name for w in layer.weights] == ["depthwise_kernel", "pointwise_kernel", "bias"]


CONFIGS = {
    "Conv1D": lambda L: L.Conv1D(4, 3, padding="causal", dilation_rate=2, name="c1"),
    "Conv2D": lambda L: L.Conv2D(
        4,
        (3, 2),
        strides=(2, 1),
        padding="same",
        groups=2,
        activation="relu",
        use_bias=False,
        kernel_initializer="he_normal",
        kernel_regularizer="l2",
        bias_regularizer="l1",
        activity_regularizer="l1",
        kernel_constraint="max_norm",
        data_format="channels_first",
        name="c2",
    ),
    "Conv3D": lambda L: L.Conv3D(2, 1, name="c3"),
    "Conv1DTranspose": lambda L: L.Conv1DTranspose(2, 3, strides=2, output_padding=1, name="t1"),
    "Conv2DTranspose": lambda L: L.Conv2DTranspose(
        2, 3, padding="same", bias_constraint="non_neg", name="t2"
    ),
    "Conv3DTranspose": lambda L: L.Conv3DTranspose(2, (1, 2, 3), dilation_rate=2, name="t3"),
    "DepthwiseConv1D": lambda L: L.DepthwiseConv1D(3, depth_multiplier=2, name="d1"),
    "DepthwiseConv2D": lambda L: L.DepthwiseConv2D(
        3,
        depthwise_regularizer="l2",
        depthwise_constraint="unit_norm",
        depthwise_initializer="ones",
        activation="sigmoid",
        name="d2",
    ),
    "SeparableConv1D": lambda L: L.SeparableConv1D(4, 3, depth_multiplier=2, name="s1"),
    "SeparableConv2D": lambda L: L.SeparableConv2D(
        4,
        3,
        pointwise_regularizer="l1",
        pointwise_initializer="zeros",
        pointwise_constraint="non_neg",
        strides=2,
        name="s2",
    ),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_get_config(name):
    lamina_layer, keras_layer = CONFIGS[name](lamina.layers), CONFIGS[name](keras.layers)
    assert lamina_layer.get_config() == keras_layer.get_config()
    clone = type(lamina_layer).from_config(lamina_layer.get_config())
    assert clone.get_config() == lamina_layer.get_config()


@pytest.mark.parametrize(
    "name,shape",
    [("Conv2D", (None, 4, 9, 8)), ("Conv2DTranspose", (None, 4, None, 2)), ("Conv1D", (2, 9, 3))],
)
def test_compute_output_shape(name, shape):
    make = CONFIGS[name]
    lamina_shape = make(lamina.layers).compute_output_shape(shape)
    assert tuple(lamina_shape) == tuple(make(keras.layers).compute_output_shape(shape))


def _conv_model(K):
    return K.Sequential(
        [
            K.Input((8, 8, 3)),
            K.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
            K.layers.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise"),
            K.layers.SeparableConv2D(4, 2, name="separable"),
            K.layers.Conv2DTranspose(2, 3, strides=2, name="transpose"),
        ]
    )


def test_weights_files_load_in_keras_and_back(tmp_path):
    lamina_model, keras_model = _conv_model(lamina), _conv_model(keras)
    x = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
    path = str(tmp_path / "conv.weights.h5")
    lamina_model.save_weights(path)
    keras_model.load_weights(path)
    expected = keras_model.predict(x, verbose=0)
    np.testing.assert_allclose(lamina_model.predict(x, verbose=0), expected, rtol=RTOL, atol=ATOL)
    keras_model.save(str(tmp_path / "conv.keras"))
    restored = lamina.saving.load_model(str(tmp_path / "conv.keras"))
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, rtol=RTOL, atol=ATOL)
