"""Convolution values against a direct loop over output cells (no Keras needed)."""

import itertools

import numpy as np
import pytest

from lamina import ops


def _reference_conv2d(x, kernel, strides, pads, dilation):
    """Channels-last grouped 2-D convolution by its definition."""
    (sh, sw), (dh, dw) = strides, dilation
    x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    kh, kw, group_in, filters = kernel.shape
    groups = x.shape[-1] // group_in
    group_out = filters // groups
    oh = (x.shape[1] - (kh - 1) * dh - 1) // sh + 1
    ow = (x.shape[2] - (kw - 1) * dw - 1) // sw + 1
    out = np.zeros((x.shape[0], oh, ow, filters))
    for i, j, f in itertools.product(range(oh), range(ow), range(filters)):
        g = f // group_out
        patch = x[
            :, i * sh : i * sh + (kh - 1) * dh + 1 : dh, j * sw : j * sw + (kw - 1) * dw + 1 : dw
        ]
        patch = patch[..., g * group_in : (g + 1) * group_in]
        out[:, i, j, f] = np.einsum("nabc,abc->n", patch, kernel[..., f])
    return out


@pytest.mark.parametrize(
    "size,k,strides,dilation,padding,groups,pads",
    [
        ((6, 6), (3, 3), (1, 1), (1, 1), "valid", 1, ((0, 0), (0, 0))),
        ((6, 6), (2, 2), (1, 1), (1, 1), "same", 1, ((0, 1), (0, 1))),  # extra at the end
        ((7, 5), (3, 2), (2, 2), (1, 1), "same", 2, ((1, 1), (0, 1))),
        ((7, 7), (3, 3), (1, 1), (2, 2), "same", 3, ((2, 2), (2, 2))),
    ],
)
def test_conv_matches_definition(rng, size, k, strides, dilation, padding, groups, pads):
    x = rng.standard_normal((2, *size, 2 * groups))
    kernel = rng.standard_normal((*k, 2, 2 * groups))
    expected = _reference_conv2d(x, kernel, strides, pads, dilation)
    got = ops.conv(x, kernel, strides, padding, "channels_last", dilation).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    channels_first = ops.conv(
        np.moveaxis(x, -1, 1), kernel, strides, padding, "channels_first", dilation
    ).numpy()
    np.testing.assert_allclose(np.moveaxis(channels_first, 1, -1), expected, atol=1e-12)


def test_conv_transpose_is_the_adjoint_of_conv(rng):
    # <conv(x, k), y> == <x, conv_transpose(y, k)> for the stride-2 "same" pair.
    x = rng.standard_normal((2, 8, 8, 3))
    kernel = rng.standard_normal((3, 3, 3, 4))
    y = rng.standard_normal((2, 4, 4, 4))
    forward = ops.conv(x, kernel, 2, "same").numpy()
    backward = ops.conv_transpose(y, kernel.transpose(0, 1, 2, 3), 2, "same").numpy()
    assert backward.shape == x.shape
    np.testing.assert_allclose(np.sum(forward * y), np.sum(x * backward), rtol=1e-10)


def test_depthwise_conv_filters_each_channel_alone(rng):
    x = rng.standard_normal((1, 5, 5, 2))
    kernel = rng.standard_normal((3, 3, 2, 1))
    got = ops.depthwise_conv(x, kernel).numpy()
    for c in range(2):
        alone = ops.conv(x[..., c : c + 1], kernel[:, :, c : c + 1, :]).numpy()
        np.testing.assert_allclose(got[..., c : c + 1], alone, atol=1e-12)
