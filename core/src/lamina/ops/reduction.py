"""Reductions: sum, mean, max, min, prod, std, var, argmax, ..."""

import numpy as np

from lamina.autodiff import primitive
from lamina.backend import standardize_dtype
from lamina.ops._axes import (
    accumulate_dtype,
    canonical_axis,
    count,
    expand_reduced,
    move_to_end,
    named,
    normalize_axis,
    reduced_shape,
    restore_from_end,
    result_dtype,
)
from lamina.ops._dtypes import as_float, xp_of

__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "average",
    "count_nonzero",
    "max",
    "mean",
    "min",
    "prod",
    "ptp",
    "std",
    "sum",
    "var",
]


@primitive
def sum(x, axis=None, keepdims=False):
    """Sum of elements over `axis` (an int, a tuple, or None for all).

    Args:
        x: input tensor.
        axis: axis or axes to reduce; None reduces all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> ops.sum([[1, 2], [3, 4]], axis=0)  # [4, 6], int32
    """
    if axis is not None:
        axis = normalize_axis(axis, x.ndim)
    shape = x.shape
    dtype = None if x.dtype.kind in "fc" else accumulate_dtype(x.dtype)
    out = x.sum(axis=axis, dtype=dtype, keepdims=keepdims)

    def vjp(g):
        return xp_of(g).broadcast_to(expand_reduced(g, axis, len(shape), keepdims), shape)

    return out, vjp


@primitive
def mean(x, axis=None, keepdims=False):
    """Mean of elements over `axis`; integer and bool inputs give floatx.

    Args:
        x: input tensor.
        axis: axis or axes to reduce; None reduces all.
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> ops.mean([1, 2], axis=0)  # 1.5, float32
    """
    if axis is not None:
        axis = normalize_axis(axis, x.ndim)
    if x.dtype.kind not in "fc":
        x = as_float(x)
    shape = x.shape
    n = count(shape, axis)
    if x.dtype == "float16":  # accumulate in float32, as JAX does
        out = (x.sum(axis=axis, dtype="float32", keepdims=keepdims) / n).astype(x.dtype)
    elif n:
        out = x.sum(axis=axis, keepdims=keepdims) / n
    else:
        with np.errstate(invalid="ignore", divide="ignore"):  # mean of nothing: NaN
            out = x.sum(axis=axis, keepdims=keepdims) / n

    def vjp(g):
        return xp_of(g).broadcast_to(expand_reduced(g, axis, len(shape), keepdims) / n, shape)

    return out, vjp


def _extremum(x, axis, keepdims, initial, largest):
    """Forward and vjp of max/min: ties share the gradient equally, as in JAX."""
    if axis is not None:
        axis = normalize_axis(axis, x.ndim)
    reduce = x.max if largest else x.min
    if initial is None:
        if x.size == 0 and count(x.shape, axis) == 0:
            raise ValueError(
                f"{'max' if largest else 'min'}: cannot reduce a size-0 tensor of shape "
                f"{x.shape} without `initial`."
            )
        out = reduce(axis=axis, keepdims=keepdims)
    elif x.size == 0:
        out = xp_of(x).full(reduced_shape(x.shape, axis, keepdims), initial, x.dtype)
    else:
        bound = xp_of(x).maximum if largest else xp_of(x).minimum
        out = bound(reduce(axis=axis, keepdims=keepdims), initial)
    if x.dtype.kind not in "fc":
        return out, None

    def vjp(g):
        xp = xp_of(g)
        hit = x == expand_reduced(out, axis, x.ndim, keepdims)
        ties = hit.sum(axis=axis, keepdims=True).astype(g.dtype)
        share = expand_reduced(g, axis, x.ndim, keepdims) / xp.maximum(ties, 1)
        return xp.where(hit, share, xp.zeros((), g.dtype))

    return out, vjp


@primitive
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over `axis`; tied maxima share the gradient equally.

    Args:
        x: input tensor.
        axis: axis or axes to reduce; None reduces all.
        keepdims: keep the reduced axes with size 1.
        initial: a lower bound for the result (required for size-0 inputs).

    Example:
        >>> ops.max([[1.0, 5.0], [3.0, 2.0]], axis=1)  # [5., 3.]
    """
    return _extremum(x, axis, keepdims, initial, largest=True)


@primitive
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over `axis`; tied minima share the gradient equally.

    Args:
        x: input tensor.
        axis: axis or axes to reduce; None reduces all.
        keepdims: keep the reduced axes with size 1.
        initial: an upper bound for the result (required for size-0 inputs).

    Example:
        >>> ops.min([[1.0, 5.0], [3.0, 2.0]], axis=1)  # [1., 2.]
    """
    return _extremum(x, axis, keepdims, initial, largest=False)


@primitive
def amax(x, axis=None, keepdims=False):
    """Maximum over `axis` (`max` without `initial`).

    Example:
        >>> ops.amax([1, 7, 3])  # 7
    """
    return _extremum(x, axis, keepdims, None, largest=True)


@primitive
def amin(x, axis=None, keepdims=False):
    """Minimum over `axis` (`min` without `initial`).

    Example:
        >>> ops.amin([1, 7, 3])  # 1
    """
    return _extremum(x, axis, keepdims, None, largest=False)


@primitive
def ptp(x, axis=None, keepdims=False):
    """Range (`max - min`) of values over `axis`.

    Example:
        >>> ops.ptp([[1.0, 5.0], [3.0, 2.0]], axis=1)  # [4., 1.]
    """
    if x.dtype.kind == "b":
        raise TypeError("ptp: bool tensors have no range; cast to an integer or float dtype.")
    high, high_vjp = _extremum(x, axis, keepdims, None, largest=True)
    low, low_vjp = _extremum(x, axis, keepdims, None, largest=False)
    vjp = None if high_vjp is None else (lambda g: high_vjp(g) - low_vjp(g))
    return high - low, vjp


def _others_product(x, axis):
    """For each element, the product of the other elements of its reduction group.

    Built from exclusive cumulative products, so zeros need no division.
    """
    xp = xp_of(x)
    if x.size == 0:
        return xp.zeros(x.shape, x.dtype)
    merged, moved_shape = move_to_end(x, axis)
    ones = xp.ones((*merged.shape[:-1], 1), merged.dtype)
    left = xp.concatenate([ones, xp.cumprod(merged[..., :-1], axis=-1)], axis=-1)
    right = xp.flip(xp.cumprod(xp.flip(merged[..., 1:], axis=-1), axis=-1), axis=-1)
    right = xp.concatenate([right, ones], axis=-1)
    return restore_from_end(left * right, moved_shape, axis, x.ndim)


@primitive
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product of elements over `axis`.

    Args:
        x: input tensor.
        axis: axis or axes to reduce; None reduces all.
        keepdims: keep the reduced axes with size 1.
        dtype: the result dtype (default: the input's, small ints widened to 32 bits).

    Example:
        >>> ops.prod([[1, 2], [3, 4]], axis=1)  # [2, 12]
    """
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    if dtype is None:
        dtype = accumulate_dtype(x.dtype)
    else:
        dtype = standardize_dtype(dtype)
    if dtype is not None:
        x = x.astype(dtype, copy=False)
    out = xp.prod(x, axis=axis, keepdims=keepdims, dtype=x.dtype)

    def vjp(g):
        return expand_reduced(g, axis, x.ndim, keepdims) * _others_product(x, axis)

    return out, vjp


@primitive
def all(x, axis=None, keepdims=False):
    """True where every element over `axis` is non-zero.

    Example:
        >>> ops.all([[True, False], [True, True]], axis=1)  # [False, True]
    """
    return xp_of(x).all(x, axis=normalize_axis(axis, x.ndim), keepdims=keepdims), None


@primitive
def any(x, axis=None, keepdims=False):
    """True where some element over `axis` is non-zero.

    Example:
        >>> ops.any([[True, False], [False, False]], axis=1)  # [True, False]
    """
    return xp_of(x).any(x, axis=normalize_axis(axis, x.ndim), keepdims=keepdims), None


def _arg_extremum(x, axis, keepdims, largest, name):
    xp = xp_of(x)
    if x.size == 0:
        raise ValueError(f"{name}: cannot take the {name} of a size-0 tensor {x.shape}.")
    if axis is not None:
        axis = canonical_axis(axis, x.ndim, name) if x.ndim else None
    find = xp.argmax if largest else xp.argmin
    if axis is None:
        out = find(x.reshape(-1))
        if keepdims:
            out = out.reshape((1,) * x.ndim)
    else:
        out = find(x, axis=axis)
        if keepdims:
            out = xp.expand_dims(out, axis)
    return xp.asarray(out).astype("int32"), None


@primitive
def argmax(x, axis=None, keepdims=False):
    """Index of the largest value over `axis` (first one on ties), int32.

    Example:
        >>> ops.argmax([[1, 5], [7, 2]], axis=1)  # [1, 0]
    """
    return _arg_extremum(x, axis, keepdims, True, "argmax")


@primitive
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value over `axis` (first one on ties), int32.

    Example:
        >>> ops.argmin([[1, 5], [7, 2]], axis=1)  # [0, 1]
    """
    return _arg_extremum(x, axis, keepdims, False, "argmin")


@primitive
def count_nonzero(x, axis=None):
    """Number of non-zero values over `axis`, int32.

    Example:
        >>> ops.count_nonzero([[0, 1], [2, 3]], axis=0)  # [1, 2]
    """
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    return xp.asarray(xp.count_nonzero(x, axis=axis)).astype("int32"), None


def _moments(x, axis, keepdims):
    """`(x - mean, var)` in at least float32 (float16 inputs are computed in float32)."""
    xp = xp_of(x)
    centered = x - xp.mean(x, axis=axis, keepdims=True)
    variance = xp.mean(centered * centered, axis=axis, keepdims=keepdims)
    return centered, variance


def _float_compute(x):
    x = as_float(x)
    if x.dtype == "float16":  # JAX computes low precision moments in float32
        return x.astype("float32"), x.dtype
    return x, x.dtype


@primitive
def var(x, axis=None, keepdims=False):
    """Variance over `axis` (population variance, `ddof=0`).

    Example:
        >>> ops.var([1.0, 2.0, 3.0, 4.0])  # 1.25
    """
    axis = normalize_axis(axis, x.ndim)
    xc, out_dtype = _float_compute(x)
    centered, variance = _moments(xc, axis, keepdims)
    n = count(x.shape, axis)

    def vjp(g):
        return expand_reduced(g, axis, x.ndim, keepdims) * (2.0 / n) * centered

    return variance.astype(out_dtype, copy=False), vjp


@primitive
def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis` (population, `ddof=0`).

    Example:
        >>> ops.std([1.0, 2.0, 3.0, 4.0])  # 1.118034
    """
    xp = xp_of(x)
    axis = normalize_axis(axis, x.ndim)
    xc, out_dtype = _float_compute(x)
    centered, variance = _moments(xc, axis, keepdims)
    out = xp.sqrt(variance)
    n = count(x.shape, axis)

    def vjp(g):
        scale = expand_reduced(g / (n * out), axis, x.ndim, keepdims)
        with np.errstate(divide="ignore", invalid="ignore"):  # std 0: NaN, as in JAX
            return scale * centered

    return out.astype(out_dtype, copy=False), vjp


def average(x, axis=None, weights=None):
    """Weighted average over `axis`; `weights` match `x` or are 1-D along `axis`.

    Args:
        x: input tensor.
        axis: axis to average over; None averages all elements.
        weights: None (plain mean), a tensor of `x`'s shape, or a 1-D tensor
            whose length is `x.shape[axis]`.

    Example:
        >>> ops.average([1.0, 2.0, 4.0], weights=[1.0, 1.0, 2.0])  # 2.75
    """
    return _average(x, weights, axis)


@primitive(nin=2)
@named("average")
def _average(x, weights, axis):
    xp = xp_of(x, weights)
    dtype = result_dtype(x, 1.0) if weights is None else result_dtype(x, 1.0, weights)
    x = x.astype(dtype, copy=False)
    if weights is None:
        out, mean_vjp = mean.forward(x, axis)
        return out, (lambda g: (mean_vjp(g), None))
    w = weights.astype(dtype, copy=False)
    axes = normalize_axis(axis, x.ndim)
    w_shape = w.shape
    if w_shape != x.shape:
        if axes is None or len(axes) != 1 or w.ndim != 1 or w_shape[0] != x.shape[axes[0]]:
            raise ValueError(
                "average: `weights` must have the shape of `x` or be 1-D with length "
                f"x.shape[axis]. Received x.shape={x.shape}, weights.shape={w_shape}, "
                f"axis={axis}."
            )
        w = w.reshape(tuple(n if i == axes[0] else 1 for i, n in enumerate(x.shape)))
    total = xp.sum(w, axis=axes, keepdims=True)
    out_keep = xp.sum(x * w, axis=axes, keepdims=True) / total
    out = out_keep.reshape(reduced_shape(x.shape, axes, False))

    def vjp(g):
        g = expand_reduced(g, axes, x.ndim, False) / total

        def grad_weights():
            gw = g * (x - out_keep)
            if gw.shape != w_shape:  # 1-D weights: sum over the other axes
                others = tuple(i for i in range(x.ndim) if i != axes[0])
                gw = gw.sum(axis=others).reshape(w_shape)
            return gw

        return (lambda: g * w), grad_weights

    return out, vjp
