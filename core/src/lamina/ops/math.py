"""Keras's "math" ops: logsumexp, in_top_k, segment reductions, framing, FFTs.

The Fourier transforms (fft, fft2, ifft2, rfft, irfft, stft, istft) live in
`math_fft` and are re-exported here.
"""

import numpy as np

from lamina.autodiff import primitive
from lamina.backend import kernels_for
from lamina.ops._axes import expand_reduced, normalize_axis
from lamina.ops._dtypes import as_float, xp_of
from lamina.ops.math_fft import (
    fft,
    fft2,
    frames,
    ifft2,
    irfft,
    istft,
    overlap_add,
    rfft,
    stft,
)

__all__ = [
    "extract_sequences",
    "fft",
    "fft2",
    "ifft2",
    "in_top_k",
    "irfft",
    "istft",
    "logsumexp",
    "rfft",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "stft",
]


@primitive
def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed stably.

    Args:
        x: input tensor.
        axis: axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> ops.logsumexp([0.0, 0.0])  # 0.6931472
    """
    x = as_float(x)
    xp = xp_of(x)
    axes = normalize_axis(axis, x.ndim)
    if x.size == 0:
        shape = x.sum(axis=axes, keepdims=keepdims).shape
        return xp.full(shape, -xp.inf, dtype=x.dtype), (lambda g: xp.zeros_like(x))
    m = x.max(axis=axes, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0.0)  # all -inf (or an inf) along the axis: no shift
    e = xp.exp(x - m)
    s = e.sum(axis=axes, keepdims=True)
    if xp is np and not np.all(s > 0):
        with np.errstate(divide="ignore"):
            lse = np.log(s)
    else:
        lse = xp.log(s)
    lse += m
    out = lse if keepdims else lse.reshape(s.sum(axis=axes).shape)

    def vjp(g):
        d = e / s
        d *= expand_reduced(g, axes, x.ndim, keepdims)
        return d

    return out, vjp


@primitive(nin=2)
def in_top_k(targets, predictions, k):
    """Whether each target class is among the `k` largest predictions.

    Ties count in the target's favor; NaN predictions never do. As in Keras on
    JAX, negative targets count from the end; targets past either end give False.

    Args:
        targets: `(batch,)` integer class indices.
        predictions: `(batch, num_classes)` scores.
        k: how many top predictions to consider.

    Example:
        >>> ops.in_top_k([1], [[0.1, 0.5, 0.4]], 1)  # [True]
    """
    xp = xp_of(predictions)
    classes = predictions.shape[-1]
    valid = (targets >= -classes) & (targets < classes)
    index = xp.where(valid, targets % max(classes, 1), 0).astype("int64")[..., None]
    at_target = xp.take_along_axis(predictions, index, axis=-1)
    at_target = xp.where(xp.isnan(at_target), -xp.inf, at_target)
    rank = 1 + xp.sum(predictions > at_target, axis=-1)
    return (rank <= k) & valid, None


def _segment_args(data, segment_ids, num_segments, name):
    if segment_ids.ndim != 1:
        raise ValueError(
            f"{name}: argument `segment_ids` should be an 1-D vector, got shape: "
            f"{segment_ids.shape}. Consider either flatten input with "
            "segment_ids.reshape((-1)) and "
            "data.reshape((-1, ) + data.shape[len(segment_ids.shape):]) or vectorize."
        )
    if data.ndim == 0 or segment_ids.shape[0] != data.shape[0]:
        raise ValueError(
            f"{name}: argument `segment_ids` and `data` should have same leading "
            f"dimension. Got {segment_ids.shape} v.s. {data.shape}."
        )
    ids = segment_ids.astype("int64", copy=False)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    num_segments = int(num_segments)
    valid = (ids >= 0) & (ids < num_segments)
    return ids, valid, num_segments


def _per_row(mask, data):
    """`mask` (one entry per row of `data`) shaped to broadcast against `data`."""
    return mask.reshape(mask.shape + (1,) * (data.ndim - 1))


def _extreme_value(xp, dtype, largest):
    if dtype.kind == "f":
        return xp.inf if largest else -xp.inf
    if dtype.kind == "b":
        return largest
    info = xp.iinfo(dtype)
    return info.max if largest else info.min


def _scan_reduce(xp, combine, data, ids, valid, num_segments, fill):
    """Segment reduction by sorting and a doubling segmented scan (any array module).

    After sorting by segment, step `d` combines each row with the row `d` before
    it when both are in the same segment; log2(n) steps leave each segment's
    result in its last row.
    """
    out = xp.full((num_segments, *data.shape[1:]), fill, dtype=data.dtype)
    ids, data = ids[valid], data[valid]
    if ids.shape[0] == 0:
        return out
    order = xp.argsort(ids)
    ids, values = ids[order], data[order]
    step = 1
    while step < ids.shape[0]:
        same = _per_row(ids[step:] == ids[:-step], values)
        values[step:] = xp.where(same, combine(values[step:], values[:-step]), values[step:])
        step *= 2
    last = xp.ones(ids.shape, dtype=bool)
    last[:-1] = ids[1:] != ids[:-1]
    out[ids[last]] = values[last]
    return out


def _reduce(xp, kind, data, ids, valid, num_segments, fill):
    if kind == "prod" and xp is not np:
        # CuPy's multiplicative scatter takes one round per repeat of an index; the
        # doubling scan takes log2(rows) steps whatever the segment sizes
        return _scan_reduce(xp, xp.multiply, data, ids, valid, num_segments, fill)
    out = xp.full((num_segments, *data.shape[1:]), fill, dtype=data.dtype)
    scatter = getattr(kernels_for(xp), f"scatter_{'mul' if kind == 'prod' else kind}")
    if bool(valid.all()):
        scatter(out, ids, data)
    else:
        scatter(out, ids[valid], data[valid])
    return out


def _gather_rows(xp, g, ids, valid):
    """`g[ids]` with zero rows where `ids` is out of range."""
    rows = g[xp.where(valid, ids, 0)]
    return rows if bool(valid.all()) else rows * _per_row(valid, rows)


@primitive(nin=2)
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sum the rows of `data` that share a segment id.

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D int tensor, one id per row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments (default: `max(segment_ids) + 1`).
        sorted: accepted for Keras compatibility (any order works).

    Example:
        >>> ops.segment_sum([1.0, 2.0, 10.0], [0, 0, 1], 2)  # [3., 10.]
    """
    xp = xp_of(data)
    ids, valid, n = _segment_args(data, segment_ids, num_segments, "segment_sum")
    out = xp.zeros((n, *data.shape[1:]), dtype=data.dtype)
    if bool(valid.all()):
        kernels_for(xp).scatter_add(out, ids, data)
    else:
        kernels_for(xp).scatter_add(out, ids[valid], data[valid])

    def vjp(g):
        return _gather_rows(xp, g, ids, valid)

    return out, vjp


def _segment_extreme(kind, largest):
    def forward(data, segment_ids, num_segments=None, sorted=False):
        xp = xp_of(data)
        ids, valid, n = _segment_args(data, segment_ids, num_segments, f"segment_{kind}")
        fill = _extreme_value(xp, data.dtype, not largest)
        out = _reduce(xp, kind, data, ids, valid, n, fill)

        def vjp(g):
            # the gradient goes to the rows that reach the extreme, split among ties
            winners = (data == _gather_rows(xp, out, ids, valid)) & _per_row(valid, data)
            winners = winners.astype(g.dtype)
            counts = xp.zeros(out.shape, dtype=g.dtype)
            kernels_for(xp).scatter_add(counts, ids[valid], winners[valid])
            share = _gather_rows(xp, g / xp.maximum(counts, 1.0), ids, valid)
            return share * winners

        return out, vjp

    forward.__name__ = forward.__qualname__ = f"segment_{kind}"
    what = "Maximum" if largest else "Minimum"
    forward.__doc__ = f"""{what} of the rows of `data` that share a segment id.

    Empty segments hold {"-inf" if largest else "inf"} (the dtype's extreme for integers).

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D int tensor, one id per row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments (default: `max(segment_ids) + 1`).
        sorted: accepted for Keras compatibility (any order works).

    Example:
        >>> ops.segment_{kind}([1.0, 2.0, 10.0], [0, 0, 1], 2)
    """
    return primitive(forward)


segment_max = _segment_extreme("max", True)
segment_min = _segment_extreme("min", False)


@primitive(nin=2)
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Product of the rows of `data` that share a segment id (empty segments: 1).

    Args:
        data: tensor whose first axis is segmented.
        segment_ids: 1-D int tensor, one id per row of `data`; ids outside
            `[0, num_segments)` are dropped.
        num_segments: number of segments (default: `max(segment_ids) + 1`).
        sorted: accepted for Keras compatibility (any order works).

    Example:
        >>> ops.segment_prod([1.0, 2.0, 10.0], [0, 0, 1], 2)  # [2., 10.]
    """
    xp = xp_of(data)
    ids, valid, n = _segment_args(data, segment_ids, num_segments, "segment_prod")
    out = _reduce(xp, "prod", data, ids, valid, n, 1)

    def vjp(g):
        # product of the other rows of the segment, exact when rows are zero
        zero = data == 0
        nonzero = xp.where(zero, 1, data)
        zeros = xp.zeros(out.shape, dtype=data.dtype)
        kernels_for(xp).scatter_add(zeros, ids[valid], zero[valid].astype(data.dtype))
        prod_nonzero = _reduce(xp, "prod", nonzero, ids, valid, n, 1)
        zeros, prod_nonzero = (_gather_rows(xp, a, ids, valid) for a in (zeros, prod_nonzero))
        others = xp.where(zero, prod_nonzero, prod_nonzero / nonzero)
        others = xp.where(zeros - zero > 0, 0, others)  # another row of the segment is 0
        return _gather_rows(xp, g, ids, valid) * others

    return out, vjp


@primitive(nin=1)
def extract_sequences(x, sequence_length, sequence_stride):
    """Split the last axis of `x` into windows of `sequence_length`, `sequence_stride` apart.

    Args:
        x: input tensor of rank >= 1.
        sequence_length: window length.
        sequence_stride: hop between window starts.

    Returns:
        A tensor of shape `(..., num_sequences, sequence_length)`, with
        `num_sequences = 1 + (x.shape[-1] - sequence_length) // sequence_stride`.

    Example:
        >>> ops.extract_sequences([1, 2, 3, 4, 5, 6], 3, 2)  # [[1, 2, 3], [3, 4, 5]]
    """
    if x.ndim < 1:
        raise ValueError(f"Input should have rank >= 1. Received: input.shape = {x.shape}")
    length, stride = int(sequence_length), int(sequence_stride)
    if length < 1 or stride < 1:
        raise ValueError(
            "extract_sequences: sequence_length and sequence_stride must be positive; "
            f"received {sequence_length} and {sequence_stride}."
        )
    size = x.shape[-1]

    def vjp(g):
        return overlap_add(g, stride, size)

    return frames(x, length, stride), vjp
