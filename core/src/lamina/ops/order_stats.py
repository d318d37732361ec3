"""Order statistics: quantile, percentile, median and their NaN-ignoring forms.

The values are picked from a stable sort, as JAX does, so the gradient goes to
the elements at the chosen sorted positions (ties: the first in input order).
"""

from lamina.autodiff import primitive, unwrap
from lamina.backend import kernels_for
from lamina.ops._axes import move_to_end, normalize_axis, reduced_shape, restore_from_end
from lamina.ops._dtypes import as_float, xp_of

__all__ = [
    "median",
    "nanmedian",
    "nanpercentile",
    "nanquantile",
    "percentile",
    "quantile",
]

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(x, q, axis, method, keepdims, ignore_nan, name, scale=1.0):
    """Forward and vjp of `name`; `q` is divided by `scale` (100 for percentiles)."""
    if method not in _METHODS:
        raise ValueError(f"{name}: `method` must be one of {_METHODS}, received {method!r}.")
    xp = xp_of(x)
    x = as_float(x)
    out_dtype = x.dtype
    ctype = "float32" if x.dtype == "float16" else x.dtype
    q = xp.asarray(unwrap(q), dtype=ctype)
    if q.ndim > 1:
        raise ValueError(f"{name}: `q` must be a scalar or 1-D, received shape {q.shape}.")
    if scale != 1.0:
        q = q / scale
    axes = normalize_axis(axis, x.ndim)
    merged, moved_shape = move_to_end(x.astype(ctype, copy=False), axes)
    n = merged.shape[-1]
    if n == 0:
        raise ValueError(f"{name}: cannot reduce a size-0 axis (input shape {x.shape}).")
    perm = xp.argsort(merged, axis=-1, kind="stable")  # NaN sorts last
    ordered = xp.take_along_axis(merged, perm, axis=-1)
    nan_last = xp.isnan(ordered[..., -1:])
    if ignore_nan:
        counts = n - xp.isnan(ordered).sum(axis=-1, keepdims=True).astype(ctype)
    else:
        counts = xp.asarray(n, dtype=ctype)
    pos = q.reshape(-1) * (counts - 1)  # rest + (m,)
    low = xp.floor(pos)
    high_weight = pos - low
    last = counts - 1
    low_index = xp.maximum(xp.minimum(low, last), 0).astype("int64")
    high_index = xp.maximum(xp.minimum(xp.ceil(pos), last), 0).astype("int64")
    target = (*ordered.shape[:-1], pos.shape[-1])
    low_index = xp.broadcast_to(low_index, target)
    high_index = xp.broadcast_to(high_index, target)
    low_value = xp.take_along_axis(ordered, low_index, axis=-1)
    high_value = xp.take_along_axis(ordered, high_index, axis=-1)
    if method == "linear":
        low_weight, high_weight = 1 - high_weight, high_weight
        out = low_value * low_weight + high_value * high_weight
    elif method == "lower":
        low_weight, high_weight, out = 1.0, 0.0, low_value
    elif method == "higher":
        low_weight, high_weight, out = 0.0, 1.0, high_value
    elif method == "midpoint":
        low_weight, high_weight, out = 0.5, 0.5, (low_value + high_value) * 0.5
    else:  # nearest: ties at .5 go to the lower value, as in JAX
        pick_low = high_weight <= 0.5
        low_weight, high_weight = pick_low, ~pick_low
        out = xp.where(pick_low, low_value, high_value)
    if not ignore_nan:
        out = xp.where(nan_last, xp.nan, out)
    rest = ordered.shape[:-1]
    out = _to_output(xp, out, q.ndim, x.shape, axes, keepdims, rest).astype(out_dtype)
    q_ndim = q.ndim

    def vjp(g):
        g = g.astype(ctype, copy=False)
        if keepdims:
            g = g.reshape(q.shape + rest)
        g = xp.moveaxis(g, 0, -1) if q_ndim else g[..., None]
        if not ignore_nan:
            g = xp.where(nan_last, 0, g)
        rows = xp.arange(_size(rest)).reshape(-1, 1)
        grad = xp.zeros((rows.shape[0], n), ctype)
        scatter_add = kernels_for(xp).scatter_add
        for index, weight in ((low_index, low_weight), (high_index, high_weight)):
            if isinstance(weight, float) and weight == 0.0:
                continue
            source = xp.take_along_axis(perm, index, axis=-1).reshape(rows.shape[0], target[-1])
            contribution = xp.broadcast_to(g * weight, target).reshape(rows.shape[0], target[-1])
            scatter_add(grad, (rows, source), contribution)
        grad = grad.reshape(merged.shape)
        if ignore_nan:
            grad = xp.where(xp.isnan(merged), 0, grad)
        return restore_from_end(grad, moved_shape, axes, x.ndim)

    return out, vjp


def _size(shape):
    size = 1
    for n in shape:
        size *= n
    return size


def _to_output(xp, out, q_ndim, shape, axes, keepdims, rest):
    """From `rest + (m,)` to `q.shape + reduced shape` (Keras's layout)."""
    out = xp.moveaxis(out, -1, 0) if q_ndim else out[..., 0]
    if keepdims:
        out = out.reshape(out.shape[:q_ndim] + reduced_shape(shape, axes, True))
    return out


@primitive(nin=1)
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th quantile(s) of `x` over `axis`.

    Args:
        x: input tensor.
        q: a probability or 1-D sequence of probabilities in [0, 1]; with
            several, they index the first axis of the result.
        axis: axis or axes to reduce; None reduces all.
        method: `"linear"`, `"lower"`, `"higher"`, `"midpoint"` or `"nearest"`.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> ops.quantile([1.0, 2.0, 3.0, 4.0], 0.5)  # 2.5
    """
    return _quantile(x, q, axis, method, keepdims, False, "quantile")


@primitive(nin=1)
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The `q`-th percentile(s) of `x` over `axis` (`q` in [0, 100]).

    Example:
        >>> ops.percentile([1.0, 2.0, 3.0, 4.0], 50)  # 2.5
    """
    return _quantile(x, q, axis, method, keepdims, False, "percentile", scale=100.0)


@primitive
def median(x, axis=None, keepdims=False):
    """Median of `x` over `axis` (mean of the two middle values for even counts).

    Example:
        >>> ops.median([[1.0, 3.0, 2.0]], axis=1)  # [2.]
    """
    return _quantile(x, 0.5, axis, "midpoint", keepdims, False, "median")


@primitive(nin=1)
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """`quantile` ignoring NaN values (NaN where a slice is all NaN).

    Example:
        >>> ops.nanquantile([1.0, float("nan"), 3.0], 0.5)  # 2.0
    """
    return _quantile(x, q, axis, method, keepdims, True, "nanquantile")


@primitive(nin=1)
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """`percentile` ignoring NaN values.

    Example:
        >>> ops.nanpercentile([1.0, float("nan"), 3.0], 50)  # 2.0
    """
    return _quantile(x, q, axis, method, keepdims, True, "nanpercentile", scale=100.0)


@primitive
def nanmedian(x, axis=None, keepdims=False):
    """`median` ignoring NaN values.

    Example:
        >>> ops.nanmedian([1.0, float("nan"), 3.0, 4.0])  # 3.0
    """
    return _quantile(x, 0.5, axis, "midpoint", keepdims, True, "nanmedian")
