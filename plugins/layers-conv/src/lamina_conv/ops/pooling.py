"""`max_pool` and `average_pool`: N-D window pooling, vectorized over every window at once.

Both loop over the window's offsets (at most a few dozen), each step one strided
elementwise operation on the whole output. Max pooling's backward pass finds each window's
winner again by comparing the inputs with the saved output, so the forward (all that
predict runs) is only a running maximum.
"""

from __future__ import annotations

import math

from lamina.autodiff import primitive
from lamina.backend import floatx, namespace
from lamina_conv.ops._buffers import empty, zeros
from lamina_conv.ops._geometry import (
    crop_spatial,
    data_format_arg,
    offset_slices,
    pad_spatial,
    padding_arg,
    spatial_axes,
    spatial_rank,
    tuple_arg,
    window_padding,
)

__all__ = ["max_pool", "average_pool"]


def _pool_geometry(op, inputs, pool_size, strides, padding, data_format):
    n = spatial_rank(op, inputs)
    data_format = data_format_arg(data_format)
    pool_size = tuple_arg(op, "pool_size", pool_size, n)
    strides = pool_size if strides is None else tuple_arg(op, "strides", strides, n)
    padding = padding_arg(op, padding)
    axes = spatial_axes(n, data_format)
    size = tuple(inputs.shape[a] for a in axes)
    counts, pads = window_padding(op, size, pool_size, strides, padding)
    slices = list(offset_slices(pool_size, (1,) * n, strides, counts, axes, inputs.ndim))
    return axes, pool_size, strides, counts, pads, slices


def _lowest(xp, dtype):
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


@primitive(nin=1)
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """N-D max pooling over the spatial dimensions.

    Args:
        inputs: tensor of rank N+2 (channels last or first, see `data_format`).
        pool_size: int or tuple of N ints.
        strides: int or tuple of N ints; None means `pool_size`.
        padding: "valid" or "same" (padding cells never win).
        data_format: "channels_last" or "channels_first" (None: the global default).

    Example:
        >>> ops.max_pool(ops.ones((2, 8, 8, 3)), pool_size=2).shape
        (2, 4, 4, 3)
    """
    xp = namespace(inputs)
    axes, pool, step, counts, pads, slices = _pool_geometry(
        "max_pool", inputs, pool_size, strides, padding, data_format
    )
    x = pad_spatial(xp, inputs, pads, axes, fill=_lowest(xp, inputs.dtype))
    # A running maximum over the window offsets, one elementwise op each. Which cell won
    # is only needed by the backward pass, so it is found there (predict never pays it).
    out = x[slices[0][1]].copy()
    for _, index in slices[1:]:
        xp.maximum(out, x[index], out=out)

    def vjp(g):
        disjoint = all(s >= p for s, p in zip(step, pool))
        covered = disjoint and all(
            s == p and c * p == x.shape[a] for a, s, p, c in zip(axes, step, pool, counts)
        )
        # Windows that tile `x` exactly write every cell of `dx`: no zero fill needed.
        dx = (empty if covered else zeros)(xp, x.shape, g.dtype)
        taken = None
        for k, (_, index) in enumerate(slices):
            # The gradient goes to the first cell (in offset order) that equals the max.
            hit = x[index] == out
            if taken is not None:
                hit &= ~taken
            # `g * hit` routes the gradient (a multiply is several times faster than
            # `where` on NumPy); disjoint windows write their cells once, in place.
            if disjoint:
                xp.multiply(g, hit, out=dx[index])
            else:
                dx[index] += g * hit
            if k + 1 < len(slices):
                taken = hit if taken is None else xp.logical_or(taken, hit, out=taken)
        return crop_spatial(dx, pads, axes)

    return out, vjp


def _window_counts(xp, inputs, axes, counts, pads, pool_size, strides, dtype):
    """How many real (unpadded) cells each output window covers, broadcastable to the output."""
    total = None
    for axis, count, (before, _), k, s in zip(axes, counts, pads, pool_size, strides):
        starts = xp.arange(count) * s - before
        covered = xp.minimum(starts + k, inputs.shape[axis]) - xp.maximum(starts, 0)
        shape = [1] * inputs.ndim
        shape[axis] = count
        covered = covered.reshape(shape).astype(dtype)
        total = covered if total is None else total * covered
    return total


@primitive(nin=1)
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """N-D average pooling over the spatial dimensions.

    With padding="same" each window averages only its real cells (padding is not counted).

    Args:
        inputs: tensor of rank N+2 (channels last or first, see `data_format`).
        pool_size: int or tuple of N ints.
        strides: int or tuple of N ints; None means `pool_size`.
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first" (None: the global default).

    Example:
        >>> ops.average_pool(ops.ones((2, 8, 8, 3)), pool_size=2).shape
        (2, 4, 4, 3)
    """
    xp = namespace(inputs)
    axes, pool, step, counts, pads, slices = _pool_geometry(
        "average_pool", inputs, pool_size, strides, padding, data_format
    )
    if inputs.dtype.kind != "f":
        inputs = inputs.astype(floatx())
    x = pad_spatial(xp, inputs, pads, axes)
    total = x[slices[0][1]].copy()
    for _, index in slices[1:]:
        total += x[index]
    if any(before or after for before, after in pads):
        divisor = _window_counts(xp, inputs, axes, counts, pads, pool, step, inputs.dtype)
    else:
        divisor = math.prod(pool)
    total /= divisor

    def vjp(g):
        share = g / divisor
        dx = zeros(xp, x.shape, share.dtype)
        for _, index in slices:
            dx[index] += share
        return crop_spatial(dx, pads, axes)

    return total, vjp
