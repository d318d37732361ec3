"""Searching and counting: nonzero, searchsorted, digitize, bincount, histogram, unique, ..."""

import builtins

from lamina.autodiff import Tensor, primitive, unwrap
from lamina.backend import asarray, floatx
from lamina.ops._axes import named
from lamina.ops._dtypes import xp_of

__all__ = [
    "bincount",
    "digitize",
    "histogram",
    "nonzero",
    "searchsorted",
    "unique",
    "unravel_index",
]


def _int32(xp, a):
    return xp.asarray(a).astype("int32", copy=False)


@primitive(multiple_outputs=True)
@named("nonzero")
def _nonzero(x):
    xp = xp_of(x)
    if x.ndim == 0:
        raise ValueError("nonzero: a 0-d tensor has no axes to index; reshape it to 1-D first.")
    return tuple(_int32(xp, i) for i in xp.nonzero(x)), None


def nonzero(x):
    """Indices of the non-zero elements of `x`, one int32 tensor per axis.

    Example:
        >>> ops.nonzero([[0, 1], [2, 0]])  # ([0, 1], [1, 0])
    """
    return _nonzero(x)


@primitive
def searchsorted(sorted_sequence, values, side="left"):
    """Indices at which `values` would be inserted to keep `sorted_sequence` sorted, int32.

    Args:
        sorted_sequence: a sorted 1-D tensor.
        values: the values to place.
        side: `"left"` (first suitable index) or `"right"` (last).

    Example:
        >>> ops.searchsorted([1.0, 2.0, 3.0], [2.5, 1.0])  # [2, 0]
    """
    xp = xp_of(sorted_sequence, values)
    if getattr(sorted_sequence, "ndim", 1) != 1:
        raise ValueError(
            "searchsorted: `sorted_sequence` must be 1-D, received shape "
            f"{sorted_sequence.shape}. Use ops.vectorized_map for batches."
        )
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: `side` must be 'left' or 'right', received {side!r}.")
    return _int32(xp, xp.searchsorted(sorted_sequence, values, side=side)), None


@primitive
def digitize(x, bins):
    """Index of the bin of `bins` (increasing edges) each value of `x` falls in, int32.

    Example:
        >>> ops.digitize([0.5, 1.5, 3.2], [0.0, 1.0, 2.0, 3.0])  # [1, 2, 4]
    """
    xp = xp_of(x, bins)
    return _int32(xp, xp.digitize(x, bins)), None


def bincount(x, weights=None, minlength=0, sparse=False):
    """Count (or sum `weights` of) each non-negative integer value of `x`.

    Args:
        x: a 1-D integer tensor, or 2-D to count each row separately.
        weights: per-element weights of `x`'s shape (sums instead of counts).
        minlength: the minimum length of the output's last axis.
        sparse: not supported (lamina has no sparse tensors).

    Example:
        >>> ops.bincount([0, 1, 1, 3])  # [1, 2, 0, 1]
    """
    if sparse:
        raise ValueError("bincount: lamina has no sparse tensors; use sparse=False.")
    return _bincount(x, weights, int(minlength))


@primitive(nin=2)
@named("bincount")
def _bincount(x, weights, minlength):
    xp = xp_of(x, weights)
    if x.dtype.kind not in "iu":
        raise TypeError(f"bincount: `x` must be integers, received dtype {x.dtype}.")
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: `x` must be 1-D or 2-D, received shape {x.shape}.")
    if weights is not None and weights.shape != x.shape:
        raise ValueError(
            f"bincount: `weights` must have the shape of `x` {x.shape}, received {weights.shape}."
        )
    if x.size and int(x.min()) < 0:
        raise ValueError("bincount: `x` must be non-negative.")
    length = builtins.max(int(x.max()) + 1 if x.size else 0, minlength)
    flat = x.reshape(-1).astype("int64")
    if x.ndim == 2:  # one row of counts per input row
        flat = flat + xp.repeat(xp.arange(x.shape[0]) * length, x.shape[1])
    total = length * (x.shape[0] if x.ndim == 2 else 1)
    w = None if weights is None else weights.reshape(-1)
    counts = xp.bincount(flat, weights=w, minlength=total)
    out_shape = (x.shape[0], length) if x.ndim == 2 else (length,)
    dtype = "int32" if weights is None else weights.dtype
    out = counts.reshape(out_shape).astype(dtype)
    if weights is None or weights.dtype.kind not in "fc":
        return out, None

    def vjp(g):
        return None, (lambda: g.reshape(-1)[flat].reshape(x.shape))

    return out, vjp


def histogram(x, bins=10, range=None):
    """Counts of the values of a 1-D `x` in `bins` equal-width bins, and the bin edges.

    Args:
        x: a 1-D tensor.
        bins: the number of bins.
        range: `(lower, upper)` limits; default the min and max of `x`.
            Values outside are ignored; the last bin includes its upper edge.

    Returns:
        `(counts, edges)`, both floats.

    Example:
        >>> counts, edges = ops.histogram([0.0, 1.0, 1.0, 3.0], bins=3)  # counts [1., 2., 1.]
    """
    if not isinstance(bins, int) or isinstance(bins, bool):
        raise TypeError(f"histogram: `bins` must be an int, received {bins!r}.")
    if bins < 0:
        raise ValueError(f"histogram: `bins` must be non-negative, received {bins}.")
    if range is not None:
        if not isinstance(range, tuple) or len(range) != 2:
            raise ValueError(
                f"histogram: `range` must be a (lower, upper) tuple, received {range!r}."
            )
        if range[1] < range[0]:
            raise ValueError(f"histogram: `range` must be increasing, received {range!r}.")
    return _histogram(x, bins, range)


@primitive(nin=1, multiple_outputs=True)
@named("histogram")
def _histogram(x, bins, limits):
    xp = xp_of(x)
    if x.ndim > 1:
        raise ValueError(f"histogram: `x` must be 1-D, received shape {x.shape}.")
    dtype = x.dtype if x.dtype.kind == "f" else floatx()
    values = x.astype(dtype, copy=False)
    if limits is None:
        limits = (values.min(), values.max()) if values.size else (0.0, 1.0)
    low, high = (float(v) for v in limits)
    if low == high:  # a degenerate range widens by 0.5 on each side, as in NumPy
        low, high = low - 0.5, high + 0.5
    low, high = xp.asarray(low, dtype), xp.asarray(high, dtype)
    step = xp.arange(bins, dtype=dtype) / xp.asarray(builtins.max(bins, 1), dtype)
    edges = xp.concatenate([low * (1 - step) + high * step, high.reshape(1)])
    position = xp.searchsorted(edges, values, side="right")
    position = xp.where(values == edges[-1], bins, position)
    inside = (position >= 1) & (position <= bins)
    counts = xp.bincount(position[inside] - 1, minlength=bins)[:bins]
    return (counts.astype(dtype), edges), None


def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """The sorted unique values of `x` (or unique slices along `axis`).

    Args:
        x: input tensor.
        sorted: accepted for compatibility; the values are always sorted.
        return_index: also return the first index of each unique value.
        return_inverse: also return, per element, the index of its unique value.
        return_counts: also return how often each unique value occurs.
        axis: None (flatten) or the axis whose slices are compared.
        size: pad (or cut) the results to this length; padding repeats the
            smallest value unless `fill_value` is given, with count 0.
        fill_value: the padding value for the unique values.

    Returns:
        The unique values, or a tuple with the requested extras (int32).

    Example:
        >>> ops.unique([3, 1, 1, 2])  # [1, 2, 3]
    """
    del sorted
    raw = unwrap(x)
    raw = raw if hasattr(raw, "dtype") else asarray(raw)
    xp = xp_of(raw)
    results = xp.unique(
        raw,
        return_index=True,
        return_inverse=True,
        return_counts=True,
        axis=axis,
        equal_nan=False,
    )
    values, index, inverse, counts = results
    if axis is None:
        inverse = inverse.reshape(raw.shape)
    else:
        inverse = inverse.reshape(-1)
    if size is not None:
        values, index, counts = _resize(xp, values, index, counts, int(size), axis, fill_value)
    extras = (
        (return_index, index),
        (return_inverse, inverse),
        (return_counts, counts),
    )
    chosen = [Tensor(values)] + [Tensor(_int32(xp, a)) for wanted, a in extras if wanted]
    return chosen[0] if len(chosen) == 1 else tuple(chosen)


def _resize(xp, values, index, counts, size, axis, fill_value):
    """Pad or cut the unique results to `size` entries along the unique axis."""
    ax = 0 if axis is None else axis % values.ndim
    n = values.shape[ax]
    if size <= n:
        keep = xp.arange(size)
        return xp.take(values, keep, axis=ax), index[:size], counts[:size]
    pad = size - n
    if fill_value is None:
        filler = xp.take(values, xp.zeros(pad, "int64"), axis=ax)
    else:
        shape = list(values.shape)
        shape[ax] = pad
        filler = xp.full(shape, fill_value, values.dtype)
    values = xp.concatenate([values, filler], axis=ax)
    index = xp.concatenate([index, xp.full(pad, index[0] if n else 0, index.dtype)])
    counts = xp.concatenate([counts, xp.zeros(pad, counts.dtype)])
    return values, index, counts


@primitive(nin=1, multiple_outputs=True)
@named("unravel_index")
def _unravel_index(indices, shape):
    xp = xp_of(indices)
    return tuple(_int32(xp, i) for i in xp.unravel_index(indices, shape)), None


def unravel_index(indices, shape):
    """Convert flat indices into a tuple of coordinate tensors for `shape` (int32).

    Example:
        >>> ops.unravel_index([5, 7], (3, 4))  # ([1, 1], [1, 3])
    """
    shape = tuple(int(n) for n in (unwrap(shape).tolist() if hasattr(shape, "tolist") else shape))
    return _unravel_index(indices, shape)
