"""Cumulative reductions: cumsum, cumprod and their NaN-ignoring forms."""

from lamina.autodiff import primitive
from lamina.backend import standardize_dtype
from lamina.ops._axes import canonical_axis
from lamina.ops._dtypes import xp_of

__all__ = ["cumprod", "cumsum", "nancumprod", "nancumsum"]


def _prepare(x, axis, dtype, name):
    """Flatten for `axis=None`, resolve the axis and Keras's result dtype."""
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    else:
        axis = canonical_axis(axis, x.ndim, name)
    if dtype is not None:
        dtype = standardize_dtype(dtype)
    elif x.dtype.kind == "b":
        dtype = "int32"
    if dtype is not None and x.dtype != dtype:
        x = x.astype(dtype)
    return x, axis


def _reverse_cumsum(xp, g, axis):
    return xp.flip(xp.cumsum(xp.flip(g, axis=axis), axis=axis), axis=axis)


def _cumprod_grad(xp, x, out, g, axis):
    """Exact vjp of cumprod along `axis`, zeros included (no division by zero).

    Before the first zero of a slice, `grad_i = sum_{j>=i} g_j out_j / x_i`.
    At the first zero, the product of the others is the cumprod with that
    element replaced by one. After it, every term holds the zero: gradient 0.
    """
    if x.size == 0:
        return xp.zeros(x.shape, g.dtype)
    x = xp.moveaxis(x, axis, -1)
    out = xp.moveaxis(out, axis, -1)
    g = xp.moveaxis(g, axis, -1)
    n = x.shape[-1]
    pos = xp.arange(n)
    is_zero = x == 0
    first = xp.where(is_zero.any(axis=-1), xp.argmax(is_zero, axis=-1), n)[..., None]
    before = pos < first
    tail = _reverse_cumsum(xp, g * out, -1)
    grad = xp.where(before, tail / xp.where(before, x, 1), 0)
    if bool(is_zero.any()):
        at_zero = pos == first
        others = xp.cumprod(xp.where(at_zero, 1, x), axis=-1)
        value = xp.sum(xp.where(pos >= first, g * others, 0), axis=-1, keepdims=True)
        grad = xp.where(at_zero, value, grad)
    return xp.moveaxis(grad, -1, axis)


@primitive
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (the flattened tensor when None).

    Args:
        x: input tensor.
        axis: the axis to accumulate along; None flattens first.
        dtype: result dtype (default: the input's; bool gives int32).

    Example:
        >>> ops.cumsum([1, 2, 3])  # [1, 3, 6]
    """
    xp = xp_of(x)
    shape = x.shape
    x, axis = _prepare(x, axis, dtype, "cumsum")

    def vjp(g):
        return _reverse_cumsum(xp, g, axis).reshape(shape)

    return xp.cumsum(x, axis=axis, dtype=x.dtype), vjp


@primitive
def cumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis` (the flattened tensor when None).

    Args:
        x: input tensor.
        axis: the axis to accumulate along; None flattens first.
        dtype: result dtype (default: the input's; bool gives int32).

    Example:
        >>> ops.cumprod([1, 2, 3])  # [1, 2, 6]
    """
    xp = xp_of(x)
    shape = x.shape
    x, axis = _prepare(x, axis, dtype, "cumprod")
    out = xp.cumprod(x, axis=axis, dtype=x.dtype)

    def vjp(g):
        return _cumprod_grad(xp, x, out, g, axis).reshape(shape)

    return out, vjp


@primitive
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis`, treating NaN as zero.

    Example:
        >>> ops.nancumsum([1.0, float("nan"), 2.0])  # [1., 1., 3.]
    """
    xp = xp_of(x)
    shape = x.shape
    x, axis = _prepare(x, axis, dtype, "nancumsum")
    if x.dtype.kind not in "fc":
        return xp.cumsum(x, axis=axis, dtype=x.dtype), None
    nan = xp.isnan(x)
    out = xp.cumsum(xp.where(nan, 0, x), axis=axis)

    def vjp(g):
        return xp.where(nan, 0, _reverse_cumsum(xp, g, axis)).reshape(shape)

    return out, vjp


@primitive
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along `axis`, treating NaN as one.

    Example:
        >>> ops.nancumprod([2.0, float("nan"), 3.0])  # [2., 2., 6.]
    """
    xp = xp_of(x)
    shape = x.shape
    x, axis = _prepare(x, axis, dtype, "nancumprod")
    if x.dtype.kind not in "fc":
        return xp.cumprod(x, axis=axis, dtype=x.dtype), None
    nan = xp.isnan(x)
    filled = xp.where(nan, 1, x)
    out = xp.cumprod(filled, axis=axis)

    def vjp(g):
        grad = _cumprod_grad(xp, filled, out, g, axis)
        return xp.where(nan, 0, grad).reshape(shape)

    return out, vjp
