"""`pad`, with gradients for every mode.

Constant padding is one primitive (its vjp slices the interior out). The
modes that copy input elements (reflect, symmetric, edge, wrap) are one
primitive whose vjp sums the cotangent into the copied-from positions, found
by padding an index array the same way. The statistic modes (maximum,
minimum, mean, median, linear_ramp) are built axis by axis from
differentiable ops, as NumPy and JAX define them.
"""

import numpy as np

from lamina.autodiff import Tensor, primitive, unwrap
from lamina.backend import asarray, kernels_for
from lamina.ops import joining, reduction
from lamina.ops._axes import named
from lamina.ops._dtypes import xp_of
from lamina.ops.elementwise_binary import multiply
from lamina.ops.indexing import take
from lamina.ops.order_stats import median
from lamina.ops.shape import broadcast_to

__all__ = ["pad"]

_COPY_MODES = ("reflect", "symmetric", "edge", "wrap")
_STAT_MODES = ("maximum", "minimum", "mean", "median", "linear_ramp")


def _pairs(pad_width, ndim):
    """`pad_width` as one `(before, after)` pair of ints per axis."""
    width = unwrap(pad_width)
    if hasattr(width, "get"):
        width = width.get()
    try:
        pairs = np.broadcast_to(np.asarray(width, dtype="int64"), (ndim, 2))
    except ValueError as err:
        raise ValueError(
            f"pad: `pad_width` {pad_width!r} does not fit a tensor of rank {ndim}; pass an "
            "int, a (before, after) pair, or one pair per axis."
        ) from err
    if (pairs < 0).any():
        raise ValueError(f"pad: `pad_width` must be non-negative, received {pad_width!r}.")
    return tuple((int(b), int(a)) for b, a in pairs)


def _interior(pairs, shape):
    return tuple(slice(b, b + n) for (b, _), n in zip(pairs, shape))


@primitive(nin=1)
@named("pad")
def _pad_constant(x, pairs, value):
    xp = xp_of(x)
    shape = tuple(n + b + a for n, (b, a) in zip(x.shape, pairs))
    inside = _interior(pairs, x.shape)
    if value is None or np.ndim(value) == 0:
        out = xp.full(shape, 0 if value is None else value, dtype=x.dtype)
        out[inside] = x
    else:  # per-axis values: NumPy's layout rules
        out = kernels_for(xp).pad(x, pairs, "constant", constant_values=value)

    def vjp(g):
        return g[inside]

    return out, vjp


@primitive(nin=1)
@named("pad")
def _pad_copy(x, pairs, mode):
    xp = xp_of(x)
    kernels = kernels_for(xp)
    out = kernels.pad(x, pairs, mode)
    shape, n = x.shape, x.size

    def vjp(g):
        source = kernels.pad(xp.arange(n).reshape(shape), pairs, mode).reshape(-1)
        summed = xp.bincount(source, weights=g.reshape(-1), minlength=n)
        return summed.reshape(shape)

    return out, vjp


@primitive(nin=1)
@named("pad")
def _pad_kernel(x, pairs, mode):
    return kernels_for(xp_of(x)).pad(x, pairs, mode), None


def _pad_statistic(x, pairs, mode):
    """Float tensors: pad one axis at a time from differentiable reductions."""
    for axis, (before, after) in enumerate(pairs):
        if not before and not after:
            continue
        shape = x.shape
        if mode == "linear_ramp":
            n = shape[axis]
            up = _along(np.arange(before) / max(before, 1), axis, x)
            down = _along(1 - np.arange(1, after + 1) / max(after, 1), axis, x)
            left = multiply(take(x, [0], axis=axis), up)
            right = multiply(take(x, [n - 1], axis=axis), down)
        else:
            reduce = {
                "maximum": reduction.max,
                "minimum": reduction.min,
                "mean": reduction.mean,
                "median": median,
            }[mode]
            stat = reduce(x, axis=axis, keepdims=True)
            left = broadcast_to(stat, (*shape[:axis], before, *shape[axis + 1 :]))
            right = broadcast_to(stat, (*shape[:axis], after, *shape[axis + 1 :]))
        x = joining.concatenate([left, x, right], axis=axis)
    return x


def _along(values, axis, like):
    shape = [1] * like.ndim
    shape[axis] = values.shape[0]
    return asarray(values.reshape(shape).astype(like.dtype))


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad `x` with `pad_width` elements before and after each axis.

    Args:
        x: input tensor.
        pad_width: an int (every side), a `(before, after)` pair (every axis),
            or one pair per axis.
        mode: `"constant"`, `"edge"`, `"linear_ramp"`, `"maximum"`, `"mean"`,
            `"median"`, `"minimum"`, `"reflect"`, `"symmetric"`, `"wrap"` or
            `"empty"` (zeros here).
        constant_values: the fill value for `"constant"` (default 0).

    Example:
        >>> ops.pad([[1, 2]], ((0, 0), (1, 1)))  # [[0, 1, 2, 0]]
    """
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"pad: `constant_values` can only be given with mode='constant', received "
            f"mode={mode!r}."
        )
    if not isinstance(x, Tensor) and not hasattr(x, "dtype"):
        x = asarray(x)
    pairs = _pairs(pad_width, len(x.shape))
    if mode in ("constant", "empty"):
        return _pad_constant(x, pairs, unwrap(constant_values))
    if mode in _COPY_MODES:
        return _pad_copy(x, pairs, mode)
    if mode in _STAT_MODES:
        if not isinstance(x, Tensor):
            x = Tensor(x)
        if x.dtype.startswith("float"):
            return _pad_statistic(x, pairs, mode)
        return _pad_kernel(x, pairs, mode)  # integers: nothing to differentiate
    raise ValueError(
        f"pad: unknown mode {mode!r}; expected one of "
        f"{('constant', 'empty', *_COPY_MODES, *_STAT_MODES)}."
    )
