"""`conv_transpose`: the N-D transposed convolution as one GEMM + col2im, one primitive."""

from __future__ import annotations

import math

from lamina.autodiff import primitive
from lamina.backend import namespace
from lamina_conv.ops._buffers import zeros
from lamina_conv.ops._conv_core import compute_dtypes, from_channels_last, to_channels_last
from lamina_conv.ops._geometry import (
    data_format_arg,
    effective_window,
    padding_arg,
    spatial_rank,
    tuple_arg,
)
from lamina_conv.ops._im2col import col2im, im2col

__all__ = ["conv_transpose"]


def _keras_padding(extent, stride, padding, output_padding):
    """`(before, after)` padding of the stride-dilated input, as Keras defines it.

    The full transposed convolution has `(size - 1) * stride + extent` cells; Keras keeps
    the window starting `extent - 1 - before` cells in, of length
    `(size - 1) * stride + 1 + before + after - (extent - 1)`.
    """
    if padding == "valid":
        extra = max(extent, stride) - extent if output_padding is None else output_padding
        return extent - 1, extent - 1 + extra
    if output_padding is None:
        total = stride + extent - 2
    else:
        total = extent + extent % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, extent - 1)
    return before, total - before


@primitive(nin=2)
def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """General N-D transposed convolution (the gradient of `conv` with respect to its input).

    Args:
        inputs: tensor of rank N+2 (see `conv`).
        kernel: tensor `(*kernel_size, filters, channels)` (Keras's transpose layout).
        strides: int or tuple of N ints.
        padding: "valid" or "same".
        output_padding: None, or int or tuple of N ints: extra cells at the end of each
            spatial output dimension (each smaller than its stride).
        data_format: "channels_last" or "channels_first" (None: the global default).
        dilation_rate: int or tuple of N ints.

    Example:
        >>> x = ops.ones((2, 4, 4, 3))
        >>> ops.conv_transpose(x, ops.ones((3, 3, 5, 3)), strides=2, padding="same").shape
        (2, 8, 8, 5)
    """
    op = "conv_transpose"
    xp = namespace(inputs)
    n = spatial_rank(op, inputs, kernel.ndim)
    data_format = data_format_arg(data_format)
    padding = padding_arg(op, padding)
    strides = tuple_arg(op, "strides", strides, n)
    dilation = tuple_arg(op, "dilation_rate", dilation_rate, n)
    extra = (
        (None,) * n
        if output_padding is None
        else tuple_arg(op, "output_padding", output_padding, n, minimum=0)
    )
    dtype, work = compute_dtypes(kernel)
    x = to_channels_last(xp, inputs.astype(work, copy=False), data_format)
    kernel = kernel.astype(work, copy=False)
    channels, filters = x.shape[-1], kernel.shape[-2]
    if kernel.shape[-1] != channels:
        raise ValueError(
            f"{op}: the number of input channels must match the kernel's input channels "
            f"(kernel.shape[-1], the transpose layout is (*kernel_size, filters, channels)). "
            f"Received input channels={channels}, kernel shape={tuple(kernel.shape)}, "
            f"data_format='{data_format}'."
        )
    kernel_size, size, batch = kernel.shape[:n], x.shape[1:-1], x.shape[0]
    extents = effective_window(kernel_size, dilation)
    starts, lengths, full = [], [], []
    for s_in, k, s, e in zip(size, extents, strides, extra):
        before, after = _keras_padding(k, s, padding, e)
        starts.append(k - 1 - before)
        lengths.append((s_in - 1) * s + 1 + before + after - (k - 1))
        full.append(max((s_in - 1) * s + k, starts[-1] + lengths[-1]))
    if min(lengths) < 1:
        raise ValueError(f"{op}: the output would be empty for inputs of shape {inputs.shape}.")
    volume = math.prod(kernel_size)
    full_shape = (batch, *full, filters)
    window = (slice(None), *(slice(b, b + m) for b, m in zip(starts, lengths)), slice(None))
    # The GEMM's right operand: kernel (K*F, C) transposed to (C, K*F).
    weights = kernel.reshape(volume * filters, channels)
    x2d = x.reshape(-1, channels)
    cols = (x2d @ weights.T).reshape(batch, *size, *kernel_size, filters)
    out = col2im(xp, cols, full_shape, kernel_size, dilation, strides, size)[window]
    out = from_channels_last(xp, out, data_format).astype(dtype, copy=False)

    def grad_cols(g):
        g_full = zeros(xp, full_shape, g.dtype)
        g_full[window] = to_channels_last(xp, g, data_format)
        return im2col(xp, g_full, kernel_size, dilation, strides, size).reshape(
            x2d.shape[0], volume * filters
        )

    def vjp(g):
        cache = {}

        def gcols():
            if "cols" not in cache:
                cache["cols"] = grad_cols(g)
            return cache["cols"]

        def grad_inputs():
            dx = (gcols() @ weights).reshape(x.shape)
            return from_channels_last(xp, dx, data_format)

        def grad_kernel():
            return (x2d.T @ gcols()).T.reshape(kernel.shape)

        return grad_inputs, grad_kernel

    return out, vjp
