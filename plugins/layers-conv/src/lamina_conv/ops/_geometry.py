"""Argument checking and window geometry shared by the convolution and pooling ops."""

from __future__ import annotations

import itertools

from lamina.backend import standardize_data_format
from lamina_conv.ops._buffers import empty

_PADDINGS = ("valid", "same")


def spatial_rank(op: str, x, kernel_rank: int | None = None) -> int:
    """Number of spatial dimensions of `x` (rank 3 to 5), checked against the kernel's."""
    if not 3 <= x.ndim <= 5:
        raise ValueError(
            f"{op}: inputs must have rank 3, 4 or 5 (batch, spatial dims and channels), "
            f"received shape {tuple(x.shape)}."
        )
    n = x.ndim - 2
    if kernel_rank is not None and kernel_rank != x.ndim:
        raise ValueError(
            f"{op}: the kernel must have rank {x.ndim} for inputs of rank {x.ndim} "
            f"({n} spatial dims + in and out channels), received kernel rank {kernel_rank}."
        )
    return n


def tuple_arg(op: str, name: str, value, n: int, minimum: int = 1) -> tuple[int, ...]:
    """`value` as a tuple of `n` ints >= `minimum` (an int is repeated)."""
    if isinstance(value, int) or hasattr(value, "__index__"):
        value = (int(value),) * n
    else:
        try:
            value = tuple(int(v) for v in value)
        except TypeError:
            raise ValueError(
                f"{op}: {name} must be an int or a tuple of {n} ints, received {value!r}."
            ) from None
    if len(value) != n or min(value) < minimum:
        raise ValueError(
            f"{op}: {name} must be an int or a tuple of {n} ints, each >= {minimum}, "
            f"received {value!r}."
        )
    return value


def padding_arg(op: str, padding) -> str:
    value = str(padding).lower()
    if value not in _PADDINGS:
        raise ValueError(
            f"{op}: padding must be 'valid' or 'same', received {padding!r}. "
            "('causal' is handled by the Conv1D layer, which pads the inputs first.)"
        )
    return value


def data_format_arg(data_format) -> str:
    return standardize_data_format(data_format)


def spatial_axes(n: int, data_format: str) -> tuple[int, ...]:
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + n))


def channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def window_padding(op, size, window, stride, padding):
    """`(output sizes, ((before, after), ...))` for windows sliding over `size`.

    `window` holds the effective (dilated) window extents. "same" pads so the output
    has `ceil(size / stride)` positions, with the odd extra cell at the end (as Keras).
    """
    counts, pads = [], []
    for s_in, k, s in zip(size, window, stride):
        if padding == "same":
            count = -(-s_in // s)
            total = max((count - 1) * s + k - s_in, 0)
            pads.append((total // 2, total - total // 2))
        else:
            count = (s_in - k) // s + 1 if s_in >= k else 0
            pads.append((0, 0))
        counts.append(count)
    if min(counts) < 1:
        raise ValueError(
            f"{op}: the window (effective size {tuple(window)}) does not fit the input's "
            f"spatial shape {tuple(size)} with padding='{padding}': the output would be "
            "empty. Use padding='same', a smaller kernel/pool size or dilation, or larger inputs."
        )
    return tuple(counts), tuple(pads)


def effective_window(kernel_size, dilation):
    return tuple((k - 1) * d + 1 for k, d in zip(kernel_size, dilation))


def valid_counts(size, kernel_size, dilation, stride):
    """Window positions along each axis of an already padded `size`."""
    extents = effective_window(kernel_size, dilation)
    return tuple((n - e) // s + 1 for n, e, s in zip(size, extents, stride))


def offset_slices(kernel_size, dilation, stride, counts, axes, ndim):
    """For every kernel offset, `(offset, index)`: the index reading its strided window cells.

    `index` selects, along each spatial axis `axes[i]`, the `counts[i]` cells
    `offset[i] * dilation[i] + stride[i] * j`; other axes are taken whole.
    """
    for offset in itertools.product(*(range(k) for k in kernel_size)):
        index = [slice(None)] * ndim
        for axis, o, d, s, c in zip(axes, offset, dilation, stride, counts):
            start = o * d
            index[axis] = slice(start, start + s * (c - 1) + 1, s)
        yield offset, tuple(index)


def pad_spatial(xp, x, pads, axes, fill=0):
    """`x` padded by `pads` along `axes` (a new array), or `x` itself when no padding."""
    if not any(before or after for before, after in pads):
        return x
    shape = list(x.shape)
    index = [slice(None)] * x.ndim
    for axis, (before, after) in zip(axes, pads):
        shape[axis] += before + after
        index[axis] = slice(before, before + x.shape[axis])
    out = empty(xp, shape, x.dtype)
    out.fill(fill)
    out[tuple(index)] = x
    return out


def crop_spatial(x, pads, axes):
    """The inverse of `pad_spatial`: the view of `x` without its padding."""
    if not any(before or after for before, after in pads):
        return x
    index = [slice(None)] * x.ndim
    for axis, (before, after) in zip(axes, pads):
        index[axis] = slice(before, x.shape[axis] - after)
    return x[tuple(index)]
