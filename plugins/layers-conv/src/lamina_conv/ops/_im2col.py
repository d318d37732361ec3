"""im2col and col2im on channels-last arrays, the data movement around one convolution GEMM.

`cols` has the layout `(batch, *out_spatial, *kernel_size, channels)`: reshaped to
`(batch * out_positions, kernel_volume * channels)` it is the GEMM's left operand, and
its column order matches a Keras kernel `(*kernel_size, in, out)` reshaped to
`(kernel_volume * in, out)`, so neither the kernel nor the output needs a transpose.
"""

from __future__ import annotations

from lamina.backend import kernels_for
from lamina_conv.ops._buffers import empty, zeros
from lamina_conv.ops._geometry import offset_slices


def im2col(xp, x, kernel_size, dilation, stride, counts):
    """The windows of channels-last `x` as one contiguous `(N, *counts, *kernel_size, C)` array.

    `x` is already padded; window `j` along an axis starts at `j * stride` and reads
    `kernel_size` cells `dilation` apart. One strided view, one copy.
    """
    n = len(kernel_size)
    if max(kernel_size) == 1 and max(stride) == 1:  # 1x1 kernels: the inputs are the windows
        return xp.ascontiguousarray(x).reshape(*x.shape[:-1], *kernel_size, x.shape[-1])
    extent = tuple((k - 1) * d + 1 for k, d in zip(kernel_size, dilation))
    windows = kernels_for(xp).sliding_window_view(x, extent, axis=tuple(range(1, n + 1)))
    positions = [slice(0, s * (c - 1) + 1, s) for s, c in zip(stride, counts)]
    taps = [slice(None, None, d) for d in dilation]
    index = (slice(None), *positions, slice(None), *taps)
    # (N, *counts, C, *kernel) -> (N, *counts, *kernel, C): the copy puts C innermost.
    order = (0, *range(1, n + 1), *range(n + 2, 2 * n + 2), n + 1)
    windows = windows[index].transpose(order)
    cols = empty(xp, windows.shape, x.dtype)
    xp.copyto(cols, windows)
    return cols


def col2im(xp, cols, shape, kernel_size, dilation, stride, counts):
    """The adjoint of `im2col`: sum each window of `cols` back into a zero array of `shape`.

    One strided accumulation per kernel offset; within an offset the cells are distinct.
    """
    n = len(kernel_size)
    out = zeros(xp, shape, cols.dtype)
    lead = (slice(None),) * (n + 1)
    axes = tuple(range(1, n + 1))
    for offset, index in offset_slices(kernel_size, dilation, stride, counts, axes, n + 2):
        out[index] += cols[lead + offset]
    return out
