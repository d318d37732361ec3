"""lamina.ops conv/pool ops vs keras.ops on JAX: values, input and kernel gradients.

The grid (dims x kernel size x strides x dilation x padding x groups x data format) is
large; a fixed-seed sample of it keeps the run short while covering every value of
every axis.
"""

import inspect
import itertools
import random

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import ops
from lamina_conv import ops as conv_ops

RTOL, ATOL = 1e-5, 2e-5  # float32 sums of up to a few hundred products
FORMATS = ("channels_last", "channels_first")


def _sample(grid, count, seed):
    cases = list(itertools.product(*grid))
    return random.Random(seed).sample(cases, min(count, len(cases)))


def _input(rng, dims, channels, size, data_format, batch=2):
    spatial = (size,) * dims if isinstance(size, int) else size
    shape = (
        (batch, *spatial, channels)
        if data_format == "channels_last"
        else (batch, channels, *spatial)
    )
    return rng.standard_normal(shape).astype("float32")


CONV_GRID = (
    (1, 2, 3),  # dims
    (1, 2, 3, 4),  # kernel size
    (1, 2, 3),  # strides
    (1, 2),  # dilation
    ("valid", "same"),
    (1, 2, 3),  # groups
    FORMATS,
)


@pytest.mark.parametrize("dims,k,s,d,padding,groups,fmt", _sample(CONV_GRID, 24, 0))
def test_conv(dims, k, s, d, padding, groups, fmt):
    rng = np.random.default_rng(dims * 100 + k * 10 + s)
    size = {1: 11, 2: 9, 3: 7}[dims]
    x = _input(rng, dims, 2 * groups, size, fmt)
    kernel = rng.standard_normal((k,) * dims + (2, 3 * groups)).astype("float32")
    args = dict(strides=s, padding=padding, data_format=fmt, dilation_rate=d)
    assert_parity(
        lambda a, b: ops.conv(a, b, **args),
        lambda a, b: keras.ops.conv(a, b, **args),
        [x, kernel],
        rtol=RTOL,
        atol=ATOL,
    )


def test_conv_asymmetric_arguments():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 10, 9, 4)).astype("float32")
    kernel = rng.standard_normal((3, 2, 4, 5)).astype("float32")
    args = dict(strides=(2, 1), padding="same", dilation_rate=(1, 2))
    assert_parity(
        lambda a, b: ops.conv(a, b, **args),
        lambda a, b: keras.ops.conv(a, b, **args),
        [x, kernel],
        rtol=RTOL,
        atol=ATOL,
    )


TRANSPOSE_GRID = (
    (1, 2, 3),
    (1, 2, 3, 4),
    (1, 2, 3),
    (1, 2),
    ("valid", "same"),
    (None, 0, 1),  # output_padding (kept below the stride)
    FORMATS,
)


@pytest.mark.parametrize("dims,k,s,d,padding,out_pad,fmt", _sample(TRANSPOSE_GRID, 18, 1))
def test_conv_transpose(dims, k, s, d, padding, out_pad, fmt):
    if out_pad is not None and out_pad >= s:
        out_pad = s - 1
    rng = np.random.default_rng(dims * 100 + k * 10 + s)
    size = {1: 7, 2: 5, 3: 4}[dims]
    x = _input(rng, dims, 3, size, fmt)
    kernel = rng.standard_normal((k,) * dims + (4, 3)).astype("float32")
    args = dict(
        strides=s, padding=padding, output_padding=out_pad, data_format=fmt, dilation_rate=d
    )
    assert_parity(
        lambda a, b: ops.conv_transpose(a, b, **args),
        lambda a, b: keras.ops.conv_transpose(a, b, **args),
        [x, kernel],
        rtol=RTOL,
        atol=ATOL,
    )


DEPTHWISE_GRID = ((1, 2), (1, 2, 3), (1, 2), (1, 2), ("valid", "same"), (1, 2), FORMATS)


@pytest.mark.parametrize("dims,k,s,d,padding,multiplier,fmt", _sample(DEPTHWISE_GRID, 12, 2))
def test_depthwise_conv(dims, k, s, d, padding, multiplier, fmt):
    if s > 1 and d > 1:  # jax's depthwise conv (and the Keras layers) reject the pair
        d = 1
    rng = np.random.default_rng(dims * 100 + k * 10 + s)
    x = _input(rng, dims, 3, {1: 10, 2: 8}[dims], fmt)
    kernel = rng.standard_normal((k,) * dims + (3, multiplier)).astype("float32")
    args = dict(strides=s, padding=padding, data_format=fmt, dilation_rate=d)
    assert_parity(
        lambda a, b: ops.depthwise_conv(a, b, **args),
        lambda a, b: keras.ops.depthwise_conv(a, b, **args),
        [x, kernel],
        rtol=RTOL,
        atol=ATOL,
    )


@pytest.mark.parametrize(
    "dims,k,s,d,padding,fmt",
    _sample(((1, 2), (1, 3), (1, 2), (1, 2), ("valid", "same"), FORMATS), 8, 3),
)
def test_separable_conv(dims, k, s, d, padding, fmt):
    if s > 1 and d > 1:
        d = 1
    rng = np.random.default_rng(dims * 100 + k * 10 + s)
    x = _input(rng, dims, 3, {1: 10, 2: 8}[dims], fmt)
    depthwise = rng.standard_normal((k,) * dims + (3, 2)).astype("float32")
    pointwise = rng.standard_normal((1,) * dims + (6, 4)).astype("float32")
    args = dict(strides=s, padding=padding, data_format=fmt, dilation_rate=d)
    assert_parity(
        lambda a, b, c: ops.separable_conv(a, b, c, **args),
        lambda a, b, c: keras.ops.separable_conv(a, b, c, **args),
        [x, depthwise, pointwise],
        rtol=RTOL,
        atol=ATOL,
    )


POOL_GRID = (
    ("max_pool", "average_pool"),
    (1, 2, 3),
    (1, 2, 3),  # pool size
    (None, 1, 2),  # strides
    ("valid", "same"),
    FORMATS,
)


@pytest.mark.parametrize("name,dims,pool,s,padding,fmt", _sample(POOL_GRID, 20, 4))
def test_pool(name, dims, pool, s, padding, fmt):
    rng = np.random.default_rng(dims * 100 + pool * 10)
    x = _input(rng, dims, 3, {1: 9, 2: 7, 3: 5}[dims], fmt)
    args = dict(pool_size=pool, strides=s, padding=padding, data_format=fmt)
    # keras 3.15 on JAX breaks on strides=None with an int pool_size: pass it explicitly there.
    keras_args = dict(args, strides=pool if s is None else s)
    assert_parity(
        lambda a: getattr(ops, name)(a, **args),
        lambda a: getattr(keras.ops, name)(a, **keras_args),
        [x],
        rtol=RTOL,
        atol=ATOL,
    )


# JAX compiles Keras's adaptive pools slowly (seconds per 3-D case): a hand-picked few.
ADAPTIVE_CASES = [
    ("adaptive_max_pool", 1, 3, "channels_last"),
    ("adaptive_average_pool", 1, 4, "channels_first"),
    ("adaptive_max_pool", 2, 3, "channels_first"),
    ("adaptive_average_pool", 2, 4, "channels_last"),
    ("adaptive_max_pool", 2, 1, "channels_last"),
    ("adaptive_average_pool", 3, 3, "channels_last"),
    ("adaptive_max_pool", 3, 4, "channels_first"),
]


@pytest.mark.parametrize("name,dims,out,fmt", ADAPTIVE_CASES)
def test_adaptive_pool(name, dims, out, fmt):
    rng = np.random.default_rng(dims * 10 + out)
    size = {1: (10,), 2: (10, 7), 3: (6, 5, 7)}[dims]
    x = _input(rng, dims, 3, size, fmt)
    assert_parity(
        lambda a: getattr(ops, name)(a, out, data_format=fmt),
        lambda a: getattr(keras.ops, name)(a, out, data_format=fmt),
        [x],
        rtol=RTOL,
        atol=ATOL,
    )


@pytest.mark.parametrize("name", conv_ops.__all__)
def test_signature_matches_keras(name):
    ours = inspect.signature(getattr(ops, name))
    theirs = inspect.signature(getattr(keras.ops, name))
    assert str(ours) == str(theirs)
