"""NaN-ignoring reductions: nansum, nanmean, nanmax, nanvar, nanargmax, ...

Integer and bool tensors hold no NaN, so they take the plain reduction.
"""

import numpy as np

from lamina.autodiff import primitive
from lamina.ops import reduction
from lamina.ops._axes import accumulate_dtype, expand_reduced, normalize_axis
from lamina.ops._dtypes import as_float, xp_of

__all__ = [
    "nanargmax",
    "nanargmin",
    "nanmax",
    "nanmean",
    "nanmin",
    "nanprod",
    "nanstd",
    "nansum",
    "nanvar",
]


def _is_float(x):
    return x.dtype.kind in "fc"


@primitive
def nansum(x, axis=None, keepdims=False):
    """Sum over `axis`, treating NaN as zero.

    Example:
        >>> ops.nansum([1.0, float("nan"), 2.0])  # 3.0
    """
    if not _is_float(x):
        return reduction.sum.forward(x, axis, keepdims)
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    nan = xp.isnan(x)

    def vjp(g):
        return xp.where(nan, 0, expand_reduced(g, axis, x.ndim, keepdims))

    return xp.sum(xp.where(nan, 0, x), axis=axis, keepdims=keepdims), vjp


def _nan_moments(x, axis):
    """`(valid mask, count, mean)` over `axis` with kept dims, in at least float32."""
    xp = xp_of(x)
    valid = ~xp.isnan(x)
    n = valid.sum(axis=axis, keepdims=True).astype(x.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):  # all-NaN slices give NaN
        m = xp.sum(xp.where(valid, x, 0), axis=axis, keepdims=True) / n
    return valid, n, m


def _float_compute(x):
    x = as_float(x)
    return (x.astype("float32"), x.dtype) if x.dtype == "float16" else (x, x.dtype)


def _squeeze(xp, value, axis, keepdims):
    if keepdims:
        return value
    return value.reshape(()) if axis is None else xp.squeeze(value, axis=axis)


@primitive
def nanmean(x, axis=None, keepdims=False):
    """Mean over `axis` of the non-NaN values (NaN for an all-NaN slice).

    Example:
        >>> ops.nanmean([1.0, float("nan"), 3.0])  # 2.0
    """
    if not _is_float(x):
        return reduction.mean.forward(x, axis, keepdims)
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    xc, out_dtype = _float_compute(x)
    valid, n, m = _nan_moments(xc, axis)
    safe_n = xp.maximum(n, 1)

    def vjp(g):
        return xp.where(valid, expand_reduced(g, axis, x.ndim, keepdims) / safe_n, 0)

    return _squeeze(xp, m, axis, keepdims).astype(out_dtype, copy=False), vjp


@primitive
def nanvar(x, axis=None, keepdims=False):
    """Variance over `axis` of the non-NaN values.

    Example:
        >>> ops.nanvar([1.0, float("nan"), 3.0])  # 1.0
    """
    if not _is_float(x):
        return reduction.var.forward(x, axis, keepdims)
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    xc, out_dtype = _float_compute(x)
    valid, n, m = _nan_moments(xc, axis)
    centered = xp.where(valid, xc - m, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = xp.sum(centered * centered, axis=axis, keepdims=True) / n
    safe_n = xp.maximum(n, 1)

    def vjp(g):
        return expand_reduced(g, axis, x.ndim, keepdims) * (2 / safe_n) * centered

    return _squeeze(xp, variance, axis, keepdims).astype(out_dtype, copy=False), vjp


@primitive
def nanstd(x, axis=None, keepdims=False):
    """Standard deviation over `axis` of the non-NaN values.

    Example:
        >>> ops.nanstd([1.0, float("nan"), 3.0])  # 1.0
    """
    if not _is_float(x):
        return reduction.std.forward(x, axis, keepdims)
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    xc, out_dtype = _float_compute(x)
    valid, n, m = _nan_moments(xc, axis)
    centered = xp.where(valid, xc - m, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = xp.sqrt(xp.sum(centered * centered, axis=axis, keepdims=True) / n)

    def vjp(g):
        with np.errstate(divide="ignore", invalid="ignore"):  # std 0: NaN, as in JAX
            scale = expand_reduced(g, axis, x.ndim, keepdims) / (n * out)
            return xp.where(valid, scale * centered, 0)

    return _squeeze(xp, out, axis, keepdims).astype(out_dtype, copy=False), vjp


def _nan_extremum(x, axis, keepdims, largest):
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    nan = xp.isnan(x)
    filled = xp.where(nan, -xp.inf if largest else xp.inf, x)
    reduce = xp.max if largest else xp.min
    out = reduce(filled, axis=axis, keepdims=keepdims)
    all_nan = nan.all(axis=axis, keepdims=keepdims)
    out = xp.where(all_nan, xp.nan, out).astype(x.dtype, copy=False)

    def vjp(g):
        hit = x == expand_reduced(out, axis, x.ndim, keepdims)
        ties = hit.sum(axis=axis, keepdims=True).astype(g.dtype)
        share = expand_reduced(g, axis, x.ndim, keepdims) / xp.maximum(ties, 1)
        return xp.where(hit, share, 0)

    return out, vjp


@primitive
def nanmax(x, axis=None, keepdims=False):
    """Maximum over `axis` ignoring NaN (NaN for an all-NaN slice).

    Example:
        >>> ops.nanmax([1.0, float("nan"), 3.0])  # 3.0
    """
    if not _is_float(x):
        return reduction.amax.forward(x, axis, keepdims)
    return _nan_extremum(x, axis, keepdims, largest=True)


@primitive
def nanmin(x, axis=None, keepdims=False):
    """Minimum over `axis` ignoring NaN (NaN for an all-NaN slice).

    Example:
        >>> ops.nanmin([1.0, float("nan"), 3.0])  # 1.0
    """
    if not _is_float(x):
        return reduction.amin.forward(x, axis, keepdims)
    return _nan_extremum(x, axis, keepdims, largest=False)


@primitive
def nanprod(x, axis=None, keepdims=False):
    """Product over `axis`, treating NaN as one.

    Example:
        >>> ops.nanprod([2.0, float("nan"), 3.0])  # 6.0
    """
    if not _is_float(x):
        return reduction.prod.forward(x, axis, keepdims, accumulate_dtype(x.dtype))
    xp = xp_of(x)
    nan = xp.isnan(x)
    out, prod_vjp = reduction.prod.forward(xp.where(nan, 1, x), axis, keepdims)

    def vjp(g):
        return xp.where(nan, 0, prod_vjp(g))

    return out, vjp


def _nan_arg_extremum(x, axis, keepdims, largest, name):
    if not _is_float(x):
        return reduction._arg_extremum(x, axis, keepdims, largest, name)
    xp = xp_of(x)
    nan = xp.isnan(x)
    filled = xp.where(nan, -xp.inf if largest else xp.inf, x)
    out, _ = reduction._arg_extremum(filled, axis, keepdims, largest, name)
    if axis is None:
        all_nan = nan.all()
    else:
        all_nan = nan.all(axis=int(axis), keepdims=keepdims)
    return xp.where(all_nan, -1, out).astype("int32"), None  # -1: all NaN, as in JAX


@primitive
def nanargmax(x, axis=None, keepdims=False):
    """Index of the largest non-NaN value over `axis` (-1 for an all-NaN slice), int32.

    Example:
        >>> ops.nanargmax([1.0, float("nan"), 3.0])  # 2
    """
    return _nan_arg_extremum(x, axis, keepdims, True, "nanargmax")


@primitive
def nanargmin(x, axis=None, keepdims=False):
    """Index of the smallest non-NaN value over `axis` (-1 for an all-NaN slice), int32.

    Example:
        >>> ops.nanargmin([1.0, float("nan"), 3.0])  # 0
    """
    return _nan_arg_extremum(x, axis, keepdims, False, "nanargmin")
