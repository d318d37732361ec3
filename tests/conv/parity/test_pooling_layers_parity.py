"""Pooling and spatial layers of lamina-layers-conv vs Keras 3 (JAX): outputs, input
gradients, masks and get_config.

Pooling runs over a grid of pool sizes, strides, paddings and both data formats (a
fixed-seed sample covering every value of every axis); global and adaptive pooling,
UpSampling (nearest and the interpolating modes), ZeroPadding and Cropping over their
argument forms; `.keras` files both ways; and the constructor signature of every layer
the plugin provides.
"""

import inspect
import itertools
import random

import numpy as np
import pytest
from layer_harness import assert_layer_parity, keras

import lamina

FORMATS = ("channels_last", "channels_first")
RTOL, ATOL = 1e-5, 1e-6


def _sample(grid, count, seed):
    """`count` cases of the grid that together use every value of every axis."""
    cases = list(itertools.product(*grid))
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


def _inputs(dims, fmt, size=None, channels=3, seed=0):
    size = size or {1: 9, 2: 7, 3: 5}[dims]
    spatial = (size,) * dims if isinstance(size, int) else size
    shape = (2, *spatial, channels) if fmt == "channels_last" else (2, channels, *spatial)
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _parity(make, x, **kwargs):
    layer, keras_layer = make(lamina.layers), make(keras.layers)
    assert_layer_parity(layer, keras_layer, x, rtol=RTOL, atol=ATOL, **kwargs)
    assert layer.get_config() == keras_layer.get_config()
    shape = tuple(layer.compute_output_shape(x.shape))
    assert shape == tuple(keras_layer.compute_output_shape(x.shape))
    return layer


POOL_GRID = (
    ("Max", "Average"),
    (1, 2, 3),  # dims
    (1, 2, 3),  # pool size
    (None, 1, 2),  # strides
    ("valid", "same"),
    FORMATS,
)


@pytest.mark.parametrize("mode,dims,pool,strides,padding,fmt", _sample(POOL_GRID, 10, 0))
def test_pooling(mode, dims, pool, strides, padding, fmt):
    def make(L):
        return getattr(L, f"{mode}Pooling{dims}D")(
            pool_size=pool, strides=strides, padding=padding, data_format=fmt
        )

    _parity(make, _inputs(dims, fmt))


@pytest.mark.parametrize(
    "mode,dims,pool,strides,fmt",
    [("Average", 2, 3, 2, "channels_last"), ("Average", 1, 2, None, "channels_first")],
)
def test_average_pooling_same_counts_only_real_elements(mode, dims, pool, strides, fmt):
    def make(L):
        return getattr(L, f"{mode}Pooling{dims}D")(pool, strides, "same", data_format=fmt)

    _parity(make, _inputs(dims, fmt))


def test_max_pooling_ties_send_the_gradient_to_one_element():
    # Constant windows: each window's gradient goes to a single element, as in Keras.
    x = np.ones((1, 4, 4, 1), "float32")
    _parity(lambda L: L.MaxPooling2D(2), x)


@pytest.mark.parametrize("mode", ["Max", "Average"])
@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling(mode, dims, keepdims):
    fmt = FORMATS[(dims + keepdims) % 2]

    def make(L):
        return getattr(L, f"Global{mode}Pooling{dims}D")(data_format=fmt, keepdims=keepdims)

    _parity(make, _inputs(dims, fmt, size=4))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling_1d_mask(fmt, keepdims):
    mask = np.array([[True, True, False, True, False], [True, False, False, False, False]])
    x = _inputs(1, fmt, size=5)

    def make(L):
        return L.GlobalAveragePooling1D(data_format=fmt, keepdims=keepdims)

    _parity(make, x, call_kwargs={"mask": mask})


@pytest.mark.parametrize(
    "mode,dims,size,in_size,fmt",
    [
        ("Average", 1, 4, 10, "channels_last"),
        ("Max", 1, 3, 7, "channels_first"),
        ("Average", 2, (3, 2), (7, 5), "channels_first"),
        ("Max", 2, 3, (7, 5), "channels_last"),
        ("Average", 3, 2, (3, 4, 3), "channels_last"),
        ("Max", 3, (2, 1, 2), (3, 2, 4), "channels_first"),
    ],
)
def test_adaptive_pooling(mode, dims, size, in_size, fmt):
    def make(L):
        return getattr(L, f"Adaptive{mode}Pooling{dims}D")(size, data_format=fmt)

    _parity(make, _inputs(dims, fmt, size=in_size))


SPATIAL = [
    ("UpSampling1D", lambda L: L.UpSampling1D(3), 1, "channels_last"),
    ("UpSampling2D", lambda L: L.UpSampling2D((2, 3)), 2, "channels_last"),
    (
        "UpSampling2D_cf",
        lambda L: L.UpSampling2D(2, data_format="channels_first"),
        2,
        "channels_first",
    ),
    ("UpSampling3D", lambda L: L.UpSampling3D((1, 2, 3)), 3, "channels_last"),
    (
        "UpSampling3D_cf",
        lambda L: L.UpSampling3D(2, data_format="channels_first"),
        3,
        "channels_first",
    ),
    ("ZeroPadding1D", lambda L: L.ZeroPadding1D((2, 1)), 1, "channels_last"),
    (
        "ZeroPadding1D_cf",
        lambda L: L.ZeroPadding1D(1, data_format="channels_first"),
        1,
        "channels_first",
    ),
    ("ZeroPadding2D", lambda L: L.ZeroPadding2D(((1, 0), (2, 3))), 2, "channels_last"),
    (
        "ZeroPadding2D_cf",
        lambda L: L.ZeroPadding2D((1, 2), data_format="channels_first"),
        2,
        "channels_first",
    ),
    ("ZeroPadding3D", lambda L: L.ZeroPadding3D(1), 3, "channels_last"),
    (
        "ZeroPadding3D_cf",
        lambda L: L.ZeroPadding3D(((0, 1), 2, (1, 0)), data_format="channels_first"),
        3,
        "channels_first",
    ),
    ("Cropping1D", lambda L: L.Cropping1D((2, 0)), 1, "channels_last"),
    ("Cropping2D", lambda L: L.Cropping2D(((1, 0), (2, 1))), 2, "channels_last"),
    (
        "Cropping2D_cf",
        lambda L: L.Cropping2D(1, data_format="channels_first"),
        2,
        "channels_first",
    ),
    ("Cropping3D", lambda L: L.Cropping3D(((0, 1), (1, 1), (2, 0))), 3, "channels_last"),
    (
        "Cropping3D_cf",
        lambda L: L.Cropping3D((1, 0, 2), data_format="channels_first"),
        3,
        "channels_first",
    ),
]


@pytest.mark.parametrize("make,dims,fmt", [c[1:] for c in SPATIAL], ids=[c[0] for c in SPATIAL])
def test_spatial_layers(make, dims, fmt):
    _parity(make, _inputs(dims, fmt, size=5))


@pytest.mark.parametrize(
    "interpolation,fmt",
    [
        ("bilinear", "channels_last"),
        ("bilinear", "channels_first"),
        ("bicubic", "channels_last"),
        ("lanczos3", "channels_first"),
        ("lanczos5", "channels_last"),
    ],
)
def test_up_sampling_2d_interpolation(interpolation, fmt):
    def make(L):
        return L.UpSampling2D((2, 3), data_format=fmt, interpolation=interpolation)

    _parity(make, _inputs(2, fmt, size=(4, 5)))


CONFIG_ONLY = [
    lambda L: L.MaxPooling1D(),
    lambda L: L.MaxPooling3D(strides=1, name="p3"),
    lambda L: L.AveragePooling2D(3, padding="same", data_format="channels_first"),
    lambda L: L.GlobalMaxPooling3D(keepdims=True),
    lambda L: L.AdaptiveAveragePooling1D([5]),
    lambda L: L.UpSampling2D(interpolation="bilinear"),
    lambda L: L.Cropping1D(2),
]


@pytest.mark.parametrize("make", CONFIG_ONLY)
def test_get_config(make):
    lamina_layer, keras_layer = make(lamina.layers), make(keras.layers)
    assert lamina_layer.get_config() == keras_layer.get_config()
    assert lamina_layer.built == keras_layer.built


def _pooling_model(K):
    return K.Sequential(
        [
            K.Input((6, 6, 2)),
            K.layers.ZeroPadding2D(1),
            K.layers.MaxPooling2D(2, strides=1),
            K.layers.UpSampling2D(2, interpolation="bilinear"),
            K.layers.Cropping2D(((1, 0), (0, 2))),
            K.layers.AveragePooling2D(3, padding="same"),
            K.layers.AdaptiveMaxPooling2D(2),
            K.layers.GlobalAveragePooling2D(keepdims=True),
        ]
    )


def test_keras_files_round_trip(tmp_path):
    x = np.random.default_rng(0).random((2, 6, 6, 2)).astype("float32")
    lamina_model = _pooling_model(lamina)
    path = str(tmp_path / "pooling.keras")
    lamina_model.save(path)
    keras_model = keras.saving.load_model(path)
    expected = keras_model.predict(x, verbose=0)
    np.testing.assert_allclose(lamina_model.predict(x, verbose=0), expected, rtol=RTOL, atol=ATOL)
    keras_model.save(path)
    restored = lamina.saving.load_model(path)
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, rtol=RTOL, atol=ATOL)


def _all_layer_names():
    from lamina_conv import layers as conv_layers

    return conv_layers.__all__


@pytest.mark.parametrize("name", _all_layer_names())
def test_constructor_signature(name):
    lamina_params = inspect.signature(getattr(lamina.layers, name).__init__).parameters
    keras_params = inspect.signature(getattr(keras.layers, name).__init__).parameters
    as_list = [(p.name, p.default, p.kind) for p in lamina_params.values()]
    assert as_list == [(p.name, p.default, p.kind) for p in keras_params.values()]
