"""Numerical gradient checks (float64) of every convolution op, over strides, dilation,
padding, groups and both data formats."""

import pytest

from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


def _inputs(rng, batch, spatial, channels, fmt):
    shape = (batch, *spatial, channels) if fmt == "channels_last" else (batch, channels, *spatial)
    return rng.standard_normal(shape)


@pytest.mark.parametrize(
    "spatial,k,strides,dilation,padding,groups,fmt",
    [
        ((7,), 3, 1, 1, "valid", 1, "channels_last"),
        ((8,), 2, 2, 1, "same", 2, "channels_first"),
        ((6, 5), 3, 1, 2, "same", 1, "channels_last"),
        ((6, 7), 2, (2, 1), 1, "same", 3, "channels_first"),
        ((7, 6), (3, 2), 2, 1, "valid", 1, "channels_first"),
        ((5, 4, 4), 2, 1, 1, "same", 2, "channels_last"),
        ((4, 5, 3), 3, 2, 1, "same", 1, "channels_first"),
    ],
)
def test_conv_gradients(rng, spatial, k, strides, dilation, padding, groups, fmt):
    n = len(spatial)
    kernel_size = (k,) * n if isinstance(k, int) else k
    x = _inputs(rng, 2, spatial, 2 * groups, fmt)
    kernel = rng.standard_normal((*kernel_size, 2, 2 * groups))
    check_gradients(
        lambda a, b: ops.conv(a, b, strides, padding, fmt, dilation), [x, kernel], rtol=1e-6
    )


@pytest.mark.parametrize(
    "spatial,k,strides,dilation,padding,output_padding,fmt",
    [
        ((5,), 3, 2, 1, "valid", None, "channels_last"),
        ((4,), 2, 3, 1, "same", 1, "channels_first"),
        ((4, 3), 3, 2, 1, "same", None, "channels_first"),
        ((3, 4), 3, 1, 2, "valid", 0, "channels_last"),
        ((3, 3), (2, 3), (2, 1), 1, "same", (1, 0), "channels_last"),
        ((3, 2, 3), 2, 2, 1, "valid", None, "channels_first"),
    ],
)
def test_conv_transpose_gradients(rng, spatial, k, strides, dilation, padding, output_padding, fmt):
    n = len(spatial)
    kernel_size = (k,) * n if isinstance(k, int) else k
    x = _inputs(rng, 2, spatial, 3, fmt)
    kernel = rng.standard_normal((*kernel_size, 2, 3))
    check_gradients(
        lambda a, b: ops.conv_transpose(a, b, strides, padding, output_padding, fmt, dilation),
        [x, kernel],
        rtol=1e-6,
    )


@pytest.mark.parametrize(
    "spatial,strides,dilation,padding,multiplier,fmt",
    [
        ((9,), 2, 1, "same", 1, "channels_first"),
        ((6, 7), 1, 2, "valid", 2, "channels_last"),
        ((7, 6), 2, 1, "same", 1, "channels_last"),
        ((5, 6), 1, 1, "same", 3, "channels_first"),
    ],
)
def test_depthwise_and_separable_gradients(
    rng, spatial, strides, dilation, padding, multiplier, fmt
):
    n = len(spatial)
    x = _inputs(rng, 2, spatial, 3, fmt)
    depthwise = rng.standard_normal((3,) * n + (3, multiplier))
    pointwise = rng.standard_normal((1,) * n + (3 * multiplier, 4))
    check_gradients(
        lambda a, b: ops.depthwise_conv(a, b, strides, padding, fmt, dilation),
        [x, depthwise],
        rtol=1e-6,
    )
    check_gradients(
        lambda a, b, c: ops.separable_conv(a, b, c, strides, padding, fmt, dilation),
        [x, depthwise, pointwise],
        rtol=1e-6,
    )
