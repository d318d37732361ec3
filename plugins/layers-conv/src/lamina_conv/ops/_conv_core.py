"""The N-D grouped convolution as im2col + one GEMM, with its backward, on raw arrays."""

from __future__ import annotations

import math

import numpy as np

from lamina.backend import floatx, namespace
from lamina_conv.ops._buffers import empty
from lamina_conv.ops._depthwise_core import depthwise_channels_last
from lamina_conv.ops._geometry import (
    crop_spatial,
    data_format_arg,
    effective_window,
    pad_spatial,
    padding_arg,
    spatial_rank,
    tuple_arg,
    valid_counts,
    window_padding,
)
from lamina_conv.ops._im2col import col2im, im2col


def compute_dtypes(kernel):
    """`(result dtype, dtype the GEMMs run in)`.

    Keras converts the inputs to the kernel's dtype (a float kernel; else floatx). BLAS has
    no float16 GEMM, so float16 is computed in float32 and rounded once at the end.
    """
    dtype = np.dtype(kernel.dtype if kernel.dtype.kind == "f" else floatx())
    return dtype, (np.dtype(np.float32) if dtype == np.float16 else dtype)


def to_channels_last(xp, x, data_format):
    return x if data_format == "channels_last" else xp.moveaxis(x, 1, -1)


def from_channels_last(xp, x, data_format):
    if data_format == "channels_last":
        return x
    return xp.ascontiguousarray(xp.moveaxis(x, -1, 1))


def conv_core(op, x, kernel, strides, padding, data_format, dilation_rate):
    """`(output, backward)` of a grouped convolution; `backward(g)` gives lazy cotangents.

    Groups come from the kernel shape as in Keras: `kernel` is `(*kernel_size, C // groups,
    filters)`, output channel `o` belongs to group `o // (filters // groups)`.
    """
    xp = namespace(x)
    n = spatial_rank(op, x, kernel.ndim)
    data_format = data_format_arg(data_format)
    padding = padding_arg(op, padding)
    strides = tuple_arg(op, "strides", strides, n)
    dilation = tuple_arg(op, "dilation_rate", dilation_rate, n)
    dtype, work = compute_dtypes(kernel)
    x, kernel = x.astype(work, copy=False), kernel.astype(work, copy=False)
    x_cl = to_channels_last(xp, x, data_format)
    channels, group_in, filters = x_cl.shape[-1], kernel.shape[-2], kernel.shape[-1]
    if group_in == 0 or channels % group_in:
        raise ValueError(
            f"{op}: the number of input channels ({channels}) must be a multiple of the "
            f"kernel's input channels (kernel.shape[-2]={group_in}); received inputs of "
            f"shape {tuple(x.shape)} ({data_format}) and a kernel of shape {tuple(kernel.shape)}."
        )
    if filters % (channels // group_in):
        raise ValueError(
            f"{op}: the kernel's output channels ({filters}) must be a multiple of the number "
            f"of groups ({channels // group_in} = {channels} input channels / {group_in} per "
            "group)."
        )
    _, pads = window_padding(
        op, x_cl.shape[1:-1], effective_window(kernel.shape[:n], dilation), strides, padding
    )
    out, backward = conv_channels_last(xp, x_cl, kernel, strides, dilation, pads)

    def backward_in_format(g):
        grad_inputs, grad_kernel = backward(to_channels_last(xp, g, data_format))
        return (lambda: from_channels_last(xp, grad_inputs(), data_format)), grad_kernel

    return from_channels_last(xp, out, data_format).astype(dtype, copy=False), backward_in_format


def conv_channels_last(xp, x, kernel, strides, dilation, pads):
    """Grouped convolution of channels-last `x` padded by `pads`: `(output, backward)`."""
    n = x.ndim - 2
    channels, group_in, filters = x.shape[-1], kernel.shape[-2], kernel.shape[-1]
    groups = channels // group_in
    if group_in == 1 and groups > 1:
        return depthwise_channels_last(xp, x, kernel, strides, dilation, pads)
    group_out = filters // groups
    kernel_size = kernel.shape[:n]
    axes = tuple(range(1, n + 1))
    x_pad = pad_spatial(xp, x, pads, axes)
    counts = valid_counts(x_pad.shape[1:-1], kernel_size, dilation, strides)
    cols = im2col(xp, x_pad, kernel_size, dilation, strides, counts)
    batch = x.shape[0]
    positions = batch * math.prod(counts)
    volume = math.prod(kernel_size)
    if groups == 1:
        lhs = cols.reshape(positions, volume * channels)
        rhs = kernel.reshape(volume * group_in, filters)
        out = xp.matmul(lhs, rhs, out=empty(xp, (positions, filters), lhs.dtype))
    else:
        # One batched GEMM over the groups: (G, P, K*Cg) @ (G, K*Cg, Og).
        lhs = cols.reshape(positions, volume, groups, group_in).transpose(2, 0, 1, 3)
        lhs = lhs.reshape(groups, positions, volume * group_in)
        rhs = kernel.reshape(volume, group_in, groups, group_out).transpose(2, 0, 1, 3)
        rhs = rhs.reshape(groups, volume * group_in, group_out)
        out = (lhs @ rhs).transpose(1, 0, 2)
    out = out.reshape(batch, *counts, filters)

    def grads_2d(g):
        g = g.reshape(positions, filters)
        if groups == 1:
            return g
        return g.reshape(positions, groups, group_out).transpose(1, 0, 2)

    def grad_kernel(g):
        g = grads_2d(g)
        if groups == 1:
            return (lhs.T @ g).reshape(kernel.shape)
        per_group = lhs.transpose(0, 2, 1) @ g  # (G, K*Cg, Og)
        per_group = per_group.reshape(groups, volume, group_in, group_out)
        return per_group.transpose(1, 2, 0, 3).reshape(kernel.shape)

    def grad_inputs(g):
        if max(strides) == 1:
            return _grad_inputs_stride_one(xp, g, kernel, dilation, pads, groups)
        g = grads_2d(g)
        if groups == 1:
            dcols = xp.matmul(g, rhs.T, out=empty(xp, (positions, rhs.shape[0]), g.dtype))
        else:
            dcols = (g @ rhs.transpose(0, 2, 1)).reshape(groups, positions, volume, group_in)
            dcols = dcols.transpose(1, 2, 0, 3)
        dcols = dcols.reshape(batch, *counts, *kernel_size, channels)
        dx = col2im(xp, dcols, x_pad.shape, kernel_size, dilation, strides, counts)
        return crop_spatial(dx, pads, axes)

    def backward(g):
        return (lambda: grad_inputs(g)), (lambda: grad_kernel(g))

    return out, backward


def _grad_inputs_stride_one(xp, g, kernel, dilation, pads, groups):
    """The input gradient of a stride-1 convolution: `g` convolved with the flipped kernel.

    Another im2col + GEMM, about twice as fast as a GEMM followed by col2im's strided
    accumulation. Padding `g` by `extent - 1 - pad` on each side lands exactly on the
    unpadded input.
    """
    n = g.ndim - 2
    kernel_size, group_in, filters = kernel.shape[:n], kernel.shape[-2], kernel.shape[-1]
    flipped = kernel[(slice(None, None, -1),) * n]
    # (*k, Cg, G*Og) -> (*k, Og, G*Cg): per group, in and out channels swap.
    flipped = flipped.reshape(*kernel_size, group_in, groups, filters // groups)
    flipped = flipped.transpose(*range(n), n + 2, n + 1, n)
    flipped = flipped.reshape(*kernel_size, filters // groups, groups * group_in)
    extents = effective_window(kernel_size, dilation)
    full = tuple((e - 1 - before, e - 1 - after) for e, (before, after) in zip(extents, pads))
    dx, _ = conv_channels_last(xp, g, flipped, (1,) * n, dilation, full)
    return dx
