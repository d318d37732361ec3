"""Spaced sequences and grids: linspace, logspace, geomspace, meshgrid, vander.

linspace/logspace/geomspace are differentiable in `start` and `stop` and use
JAX's formula (`start * (1 - t) + stop * t`, the end point exactly `stop`).
"""

import math

import numpy as np

from lamina.autodiff import Tensor, primitive, unwrap
from lamina.backend import floatx, standardize_dtype
from lamina.ops._axes import canonical_axis, named, result_dtype
from lamina.ops._dtypes import xp_of

__all__ = ["geomspace", "linspace", "logspace", "meshgrid", "vander"]


def _float_dtype(start, stop, dtype):
    """(result dtype, computation dtype): integers compute in floatx."""
    if dtype is None:
        dtype = result_dtype(start, stop).name
        if dtype[0] in "bui":
            dtype = floatx()
    else:
        dtype = standardize_dtype(dtype)
    compute = dtype if dtype.startswith(("float", "complex")) else floatx()
    return dtype, compute


def _linspace(xp, start, stop, num, endpoint, compute, axis):
    """Raw linspace and its vjp over (start, stop) in the broadcast bounds shape."""
    if num < 0:
        raise ValueError(f"linspace: `num` must be non-negative, received {num}.")
    start = xp.asarray(start, dtype=compute)
    stop = xp.asarray(stop, dtype=compute)
    bounds = np.broadcast_shapes(start.shape, stop.shape)
    start_b, stop_b = xp.broadcast_to(start, bounds), xp.broadcast_to(stop, bounds)
    axis = canonical_axis(axis, len(bounds) + 1, "linspace")
    expanded = (*bounds[:axis], 1, *bounds[axis:])
    div = num - 1 if endpoint else num
    if num > 1:
        view = [1] * len(expanded)
        view[axis] = div
        t = (xp.arange(div, dtype=compute) / xp.asarray(div, dtype=compute)).reshape(view)
        out = start_b.reshape(expanded) * (1 - t) + stop_b.reshape(expanded) * t
        if endpoint:
            out = xp.concatenate([out, stop_b.reshape(expanded)], axis=axis)
        step = (stop_b - start_b) / xp.asarray(div, dtype=compute)
    else:
        t = None
        shape = (*bounds[:axis], num, *bounds[axis:])
        out = xp.broadcast_to(start_b.reshape(expanded), shape).copy()
        step = xp.full(bounds, xp.nan if endpoint else 0, compute)
        if not endpoint and num == 1:
            step = stop_b - start_b

    def vjp(g):
        if t is None:
            return g.sum(axis=axis), xp.zeros(bounds, g.dtype)
        body = g.take(xp.arange(div), axis=axis)
        grad_start = (body * (1 - t)).sum(axis=axis)
        grad_stop = (body * t).sum(axis=axis)
        if endpoint:
            grad_stop = grad_stop + g.take(num - 1, axis=axis)
        return grad_start, grad_stop

    return out, step, vjp


@primitive(nin=2)
@named("linspace")
def _linspace_op(start, stop, num, endpoint, dtype, axis):
    xp = xp_of(start, stop)
    dtype, compute = _float_dtype(start, stop, dtype)
    out, _, vjp = _linspace(xp, start, stop, num, endpoint, compute, axis)
    if dtype[0] in "ui":
        out = xp.floor(out)
    return out.astype(dtype, copy=False), vjp


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """`num` evenly spaced values from `start` to `stop`.

    Args:
        start, stop: the first and last values (tensors broadcast; the
            samples run along `axis` of the result).
        num: the number of samples.
        endpoint: include `stop` (otherwise the samples stop one step short).
        retstep: also return the spacing.
        dtype: result dtype (default: floatx for ints, else the inputs' float type).
        axis: where the samples axis goes in the result.

    Example:
        >>> ops.linspace(0, 1, 5)  # [0., 0.25, 0.5, 0.75, 1.]
    """
    out = _linspace_op(start, stop, int(num), endpoint, dtype, axis)
    if retstep:
        lo, hi = unwrap(start), unwrap(stop)
        xp = xp_of(lo, hi, out.value)
        _, compute = _float_dtype(lo, hi, dtype)
        step = _linspace(xp, lo, hi, int(num), endpoint, compute, axis)[1]
        return out, Tensor(step.astype(out.dtype))
    return out


@primitive(nin=2)
@named("logspace")
def _logspace_op(start, stop, num, endpoint, base, dtype, axis):
    xp = xp_of(start, stop)
    dtype, compute = _float_dtype(start, stop, dtype)
    lin, _, lin_vjp = _linspace(xp, start, stop, num, endpoint, compute, axis)
    out = xp.power(xp.asarray(base, dtype=compute), lin)
    log_base = math.log(base)

    def vjp(g):
        return lin_vjp(g * out * log_base)

    return out.astype(dtype, copy=False), vjp


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """`num` values spaced evenly on a log scale, from `base**start` to `base**stop`.

    Example:
        >>> ops.logspace(0, 2, 3)  # [1., 10., 100.]
    """
    return _logspace_op(start, stop, int(num), endpoint, float(base), dtype, axis)


@primitive(nin=2)
@named("geomspace")
def _geomspace_op(start, stop, num, endpoint, dtype, axis):
    xp = xp_of(start, stop)
    dtype, compute = _float_dtype(start, stop, dtype)
    start = xp.asarray(start, dtype=compute)
    stop = xp.asarray(stop, dtype=compute)
    start, stop = xp.broadcast_arrays(start, stop)
    sign = xp.sign(start)
    lin, _, lin_vjp = _linspace(
        xp, xp.log10(start / sign), xp.log10(stop / sign), num, endpoint, compute, axis
    )
    power = xp.power(xp.asarray(10.0, dtype=compute), lin)
    signs = xp.expand_dims(sign, canonical_axis(axis, sign.ndim + 1, "geomspace"))
    out = signs * power

    def vjp(g):
        grad_lo, grad_hi = lin_vjp(g * signs * power * math.log(10.0))
        return grad_lo / (start * math.log(10.0)), grad_hi / (stop * math.log(10.0))

    return out.astype(dtype, copy=False), vjp


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """`num` values spaced evenly on a log scale between `start` and `stop` (same sign).

    Example:
        >>> ops.geomspace(1, 100, 3)  # [1., 10., 100.]
    """
    return _geomspace_op(start, stop, int(num), endpoint, dtype, axis)


_MESHGRID_OPS: dict = {}


def _meshgrid_forward(*args):
    *xs, indexing = args
    xp = xp_of(*xs)
    xs = [xp.asarray(x).reshape(-1) for x in xs]
    grids = xp.meshgrid(*xs, indexing=indexing)
    n = len(xs)
    # With "xy" the first two inputs run along axes 1 and 0.
    axes = list(range(n))
    if indexing == "xy" and n > 1:
        axes[0], axes[1] = 1, 0

    def vjp(gs):
        grads = []
        for g, axis in zip(gs, axes):
            others = tuple(a for a in range(n) if a != axis)
            grads.append(g.sum(axis=others))
        return tuple(grads)

    return tuple(grids), vjp


_meshgrid_forward.__name__ = "meshgrid"


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D coordinate vectors.

    Args:
        *x: 1-D tensors.
        indexing: `"xy"` (Cartesian: the first two axes swapped) or `"ij"` (matrix).

    Returns:
        A list of tensors, one per input.

    Example:
        >>> [g.shape for g in ops.meshgrid(ops.arange(3), ops.arange(2))]
        [(2, 3), (2, 3)]
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: `indexing` must be 'xy' or 'ij', received {indexing!r}.")
    if not x:
        return []
    n = len(x)
    op = _MESHGRID_OPS.get(n)
    if op is None:
        op = _MESHGRID_OPS[n] = primitive(_meshgrid_forward, nin=n, multiple_outputs=True)
    return list(op(*x, indexing))


@primitive(nin=1)
def vander(x, N=None, increasing=False):
    """Vandermonde matrix: columns are powers of the 1-D `x` (highest first by default).

    Args:
        x: a 1-D tensor.
        N: the number of columns (default `len(x)`).
        increasing: powers increase from left to right.

    Example:
        >>> ops.vander([1, 2, 3], 2)  # [[1, 1], [2, 1], [3, 1]]
    """
    xp = xp_of(x)
    if x.ndim != 1:
        raise ValueError(f"vander: `x` must be 1-D, received shape {x.shape}.")
    if N is not None and (not isinstance(N, int) or N < 0):
        raise ValueError(f"vander: `N` must be a non-negative int, received {N!r}.")
    if not isinstance(increasing, bool):
        raise TypeError(f"vander: `increasing` must be a bool, received {increasing!r}.")
    n = x.shape[0] if N is None else N
    powers = xp.arange(n, dtype=x.dtype if x.dtype.kind != "b" else "int32")
    if not increasing:
        powers = powers[::-1]
    out = xp.power(x[:, None], powers[None, :]).astype(x.dtype, copy=False)

    def vjp(g):
        lowered = xp.power(x[:, None], xp.maximum(powers - 1, 0)[None, :])
        return (g * powers * lowered).sum(axis=1)

    return out, vjp
