"""`adaptive_max_pool` and `adaptive_average_pool`: pooling to a fixed output size.

Output cell `i` of an axis of length `L` pooled to `m` cells covers input cells
`floor(i * L / m)` to `ceil((i + 1) * L / m)` (exclusive), as in Keras and PyTorch. Such
boxes are products of per-axis ranges, so both pools run one axis at a time.
"""

from __future__ import annotations

import math

from lamina.autodiff import primitive
from lamina.backend import floatx, kernels_for, namespace
from lamina_conv.ops._geometry import data_format_arg, spatial_axes, spatial_rank, tuple_arg

__all__ = ["adaptive_max_pool", "adaptive_average_pool"]


def _windows(length, size):
    """Start and end (exclusive) of each of the `size` adaptive windows over `length` cells."""
    starts = [(i * length) // size for i in range(size)]
    ends = [-(-((i + 1) * length) // size) for i in range(size)]
    return starts, ends


def _geometry(op, inputs, output_size, data_format):
    n = spatial_rank(op, inputs)
    output_size = tuple_arg(op, "output_size", output_size, n)
    return spatial_axes(n, data_format_arg(data_format)), output_size


@primitive(nin=1)
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling whose windows are chosen to give exactly `output_size` cells.

    Args:
        inputs: tensor of rank N+2 (N = 1, 2 or 3), channels last or first.
        output_size: int or tuple of N ints, the spatial shape of the output.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Example:
        >>> ops.adaptive_average_pool(ops.ones((2, 10, 7, 3)), output_size=(4, 3)).shape
        (2, 4, 3, 3)
    """
    xp = namespace(inputs)
    axes, output_size = _geometry("adaptive_average_pool", inputs, output_size, data_format)
    x = inputs if inputs.dtype.kind == "f" else inputs.astype(floatx())
    # One averaging matrix (size, length) per axis, applied as a GEMM along that axis.
    matrices = []
    for axis, size in zip(axes, output_size):
        length = x.shape[axis]
        matrix = xp.zeros((size, length), dtype=x.dtype)
        for i, (start, end) in enumerate(zip(*_windows(length, size))):
            matrix[i, start:end] = 1.0 / (end - start)
        matrices.append(matrix)
    out = x
    for axis, matrix in zip(axes, matrices):
        out = xp.moveaxis(xp.moveaxis(out, axis, -1) @ matrix.T, -1, axis)

    def vjp(g):
        for axis, matrix in reversed(list(zip(axes, matrices))):
            g = xp.moveaxis(xp.moveaxis(g, axis, -1) @ matrix, -1, axis)
        return g

    return xp.ascontiguousarray(out), vjp


@primitive(nin=1)
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling whose windows are chosen to give exactly `output_size` cells.

    Args:
        inputs: tensor of rank N+2 (N = 1, 2 or 3), channels last or first.
        output_size: int or tuple of N ints, the spatial shape of the output.
        data_format: "channels_last" or "channels_first" (None: the global default).

    Example:
        >>> ops.adaptive_max_pool(ops.ones((2, 10, 7, 3)), output_size=(4, 3)).shape
        (2, 4, 3, 3)
    """
    xp = namespace(inputs)
    axes, output_size = _geometry("adaptive_max_pool", inputs, output_size, data_format)
    out = inputs
    stages = []  # per axis: (axis, input length, input index of each output cell's max)
    for axis, size in zip(axes, output_size):
        length = out.shape[axis]
        starts, ends = _windows(length, size)
        width = max(e - s for s, e in zip(starts, ends))
        # Short windows repeat their last cell, which cannot change their maximum.
        cells = xp.minimum(
            xp.asarray(starts)[:, None] + xp.arange(width), xp.asarray(ends)[:, None] - 1
        )
        moved = xp.moveaxis(out, axis, -1)
        windows = moved[..., cells]  # (..., size, width)
        best = xp.argmax(windows, axis=-1)
        out = xp.moveaxis(xp.take_along_axis(windows, best[..., None], axis=-1)[..., 0], -1, axis)
        stages.append((axis, length, cells[xp.arange(size), best]))

    def vjp(g):
        scatter_add = kernels_for(xp).scatter_add
        for axis, length, source in reversed(stages):
            moved = xp.moveaxis(g, axis, -1)
            rows = math.prod(moved.shape[:-1])
            dx = xp.zeros((rows, length), dtype=g.dtype)
            row = xp.arange(rows)[:, None]
            scatter_add(dx, (row, source.reshape(rows, -1)), moved.reshape(rows, -1))
            g = xp.moveaxis(dx.reshape(*moved.shape[:-1], length), -1, axis)
        return g

    return xp.ascontiguousarray(out), vjp
