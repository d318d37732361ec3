"""Reductions: sum, mean, max, min, prod, std, var, argmax, ..."""

from lamina.autodiff import primitive
from lamina.ops._axes import normalize_axis, expand_reduced
from lamina.ops._dtypes import as_float, xp_of

__all__ = ["mean", "sum"]


@primitive
def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    """Sum of elements over `axis` (an int, a tuple, or None for all)."""
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    if x.dtype.kind == "b" or x.dtype.kind in "iu" and x.dtype.itemsize < 4:
        x = x.astype("int32")
    shape = x.shape

    def vjp(g):
        return xp.broadcast_to(expand_reduced(g, axis, len(shape), keepdims), shape)

    return xp.sum(x, axis=axis, keepdims=keepdims), vjp


@primitive
def mean(x, axis=None, keepdims=False):
    """Mean of elements over `axis`; integer inputs give floatx."""
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    x = as_float(x)
    shape = x.shape
    count = x.size if axis is None else _count(shape, axis)

    def vjp(g):
        g = expand_reduced(g, axis, len(shape), keepdims) / count
        return xp.broadcast_to(g, shape)

    return xp.mean(x, axis=axis, keepdims=keepdims), vjp


def _count(shape, axis):
    n = 1
    for a in axis:
        n *= shape[a]
    return n
