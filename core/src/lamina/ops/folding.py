"""Patch extraction: unfold (im2col) and its adjoint fold (col2im), channels-first 4-D."""

from __future__ import annotations

import math

from lamina.autodiff import primitive
from lamina.ops._dtypes import xp_of

__all__ = ["unfold", "fold"]


def _pair(value, name, op):
    if isinstance(value, int) or hasattr(value, "__index__"):
        return int(value), int(value)
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"{op}: {name} must be an int or a pair of ints, received {value!r}.")
    return value


def _patch_geometry(op, spatial, kernel_size, dilation, padding, stride):
    k = _pair(kernel_size, "kernel_size", op)
    d = _pair(dilation, "dilation", op)
    p = _pair(padding, "padding", op)
    s = _pair(stride, "stride", op)
    counts = tuple((spatial[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))
    if min(counts) < 1:
        raise ValueError(
            f"{op}: kernel_size={k} with dilation={d} does not fit the padded spatial "
            f"size {tuple(spatial[i] + 2 * p[i] for i in range(2))}."
        )
    return k, d, p, s, counts


def _patch_slices(k, d, s, counts):
    """For each kernel offset, the strided spatial slices it reads."""
    for i in range(k[0]):
        for j in range(k[1]):
            yield (
                i,
                j,
                (
                    slice(i * d[0], i * d[0] + s[0] * (counts[0] - 1) + 1, s[0]),
                    slice(j * d[1], j * d[1] + s[1] * (counts[1] - 1) + 1, s[1]),
                ),
            )


def _unfold_raw(xp, x, k, d, p, s, counts):
    n, c, h, w = x.shape
    padded = xp.zeros((n, c, h + 2 * p[0], w + 2 * p[1]), dtype=x.dtype)
    padded[:, :, p[0] : p[0] + h, p[1] : p[1] + w] = x
    out = xp.empty((n, c, k[0], k[1], counts[0], counts[1]), dtype=x.dtype)
    for i, j, (rows, cols) in _patch_slices(k, d, s, counts):
        out[:, :, i, j] = padded[:, :, rows, cols]
    return out.reshape(n, c * k[0] * k[1], counts[0] * counts[1])


def _fold_raw(xp, cols, size, k, d, p, s, counts):
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    blocks = cols.reshape(n, c, k[0], k[1], counts[0], counts[1])
    padded = xp.zeros((n, c, size[0] + 2 * p[0], size[1] + 2 * p[1]), dtype=cols.dtype)
    # Within one kernel offset the strided positions are distinct, so += is exact.
    for i, j, (rows, cols_) in _patch_slices(k, d, s, counts):
        padded[:, :, rows, cols_] += blocks[:, :, i, j]
    return padded[:, :, p[0] : p[0] + size[0], p[1] : p[1] + size[1]]


@primitive(nin=1)
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks (im2col) from a channels-first 4-D tensor.

    Args:
        x: tensor of shape `(N, C, H, W)`.
        kernel_size: int or pair `(kH, kW)`.
        dilation, padding, stride: int or pair each.

    Returns:
        A tensor of shape `(N, C * kH * kW, L)`, L the number of blocks.

    Example:
        >>> ops.unfold(ops.ones((1, 2, 4, 4)), kernel_size=2, stride=2).shape
        (1, 8, 4)
    """
    if x.ndim != 4:
        raise ValueError(f"unfold: input must be a 4-D tensor (N, C, H, W), received {x.shape}.")
    xp = xp_of(x)
    k, d, p, s, counts = _patch_geometry(
        "unfold", x.shape[2:], kernel_size, dilation, padding, stride
    )
    size = x.shape[2:]

    def vjp(g):
        return _fold_raw(xp, g, size, k, d, p, s, counts)

    return _unfold_raw(xp, x, k, d, p, s, counts), vjp


@primitive(nin=1)
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding local blocks back into a channels-first 4-D tensor (col2im).

    Args:
        x: tensor of shape `(N, C * kH * kW, L)`.
        output_size: int or pair `(H, W)`.
        kernel_size: int or pair `(kH, kW)`.
        dilation, padding, stride: int or pair each, as given to `unfold`.

    Example:
        >>> cols = ops.unfold(ops.ones((1, 2, 4, 4)), kernel_size=2, stride=2)
        >>> ops.fold(cols, output_size=4, kernel_size=2, stride=2).shape
        (1, 2, 4, 4)
    """
    if x.ndim != 3:
        raise ValueError(f"fold: input must be a 3-D tensor (N, C*kH*kW, L), received {x.shape}.")
    xp = xp_of(x)
    size = _pair(output_size, "output_size", "fold")
    k, d, p, s, counts = _patch_geometry("fold", size, kernel_size, dilation, padding, stride)
    if x.shape[1] % (k[0] * k[1]) or x.shape[2] != counts[0] * counts[1]:
        raise ValueError(
            f"fold: input shape {x.shape} does not match kernel_size={k} and "
            f"{counts[0]}x{counts[1]}={math.prod(counts)} blocks for output_size={size}."
        )

    def vjp(g):
        return _unfold_raw(xp, g, k, d, p, s, counts)

    return _fold_raw(xp, x, size, k, d, p, s, counts), vjp
