"""Sorting: sort, argsort, argpartition, top_k.

Sorts are stable, as in JAX, so the gradient of tied values follows input order.
"""

from lamina.autodiff import primitive
from lamina.ops._axes import canonical_axis
from lamina.ops._dtypes import xp_of

__all__ = ["argpartition", "argsort", "sort", "top_k"]


def _flat_or_axis(x, axis, name):
    if axis is None:
        return x.reshape(-1), 0
    return x, canonical_axis(axis, x.ndim, name)


def _scatter_permuted(xp, g, perm, axis, shape):
    """The inverse of `take_along_axis(x, perm, axis)` for a permutation (or part of one)."""
    grad = xp.zeros(shape, g.dtype)
    key = []
    for d in range(len(shape)):
        if d == axis:
            key.append(perm)
        else:
            view = [1] * len(shape)
            view[d] = shape[d]
            key.append(xp.arange(shape[d]).reshape(view))
    grad[tuple(key)] = g  # indices are distinct within each slice
    return grad


@primitive
def sort(x, axis=-1):
    """Sorted copy of `x` along `axis` (flattened when None); NaN sorts last.

    Example:
        >>> ops.sort([3, 1, 2])  # [1, 2, 3]
    """
    xp = xp_of(x)
    shape = x.shape
    x, axis = _flat_or_axis(x, axis, "sort")
    out = xp.sort(x, axis=axis)

    def vjp(g):
        perm = xp.argsort(x, axis=axis, kind="stable")
        return _scatter_permuted(xp, g, perm, axis, x.shape).reshape(shape)

    return out, vjp


@primitive
def argsort(x, axis=-1):
    """Indices that sort `x` along `axis` (stable; flattened when None), int32.

    Example:
        >>> ops.argsort([3, 1, 2])  # [1, 2, 0]
    """
    xp = xp_of(x)
    if x.ndim == 0:
        axis = None
    x, axis = _flat_or_axis(x, axis, "argsort")
    return xp.argsort(x, axis=axis, kind="stable").astype("int32"), None


@primitive(nin=1)
def argpartition(x, kth, axis=-1):
    """Indices that partition `x` around its `kth` smallest element along `axis`, int32.

    The element at position `kth` is where a full sort would put it; smaller
    ones come before it and larger ones after, in no particular order.

    Example:
        >>> ops.argpartition([3, 1, 2, 0], 1)[1]  # 1 (the index of value 1)
    """
    xp = xp_of(x)
    x, axis = _flat_or_axis(x, axis, "argpartition")
    return xp.argpartition(x, int(kth), axis=axis).astype("int32"), None


@primitive(nin=1, multiple_outputs=True)
def top_k(x, k, sorted=True):
    """The `k` largest values along the last axis and their indices (int32).

    Ties are broken towards the lower index; results are always sorted.

    Args:
        x: input tensor of rank >= 1.
        k: how many values to keep.
        sorted: accepted for compatibility (the result is always sorted).

    Returns:
        `(values, indices)`.

    Example:
        >>> values, indices = ops.top_k([1.0, 3.0, 2.0], 2)  # [3., 2.], [1, 2]
    """
    xp = xp_of(x)
    k = int(k)
    if x.ndim == 0:
        raise ValueError("top_k: expected a tensor of rank >= 1, received a scalar.")
    if not 0 <= k <= x.shape[-1]:
        raise ValueError(
            f"top_k: k={k} must be between 0 and the last axis length {x.shape[-1]} "
            f"(input shape {x.shape})."
        )
    key = -x if x.dtype.kind in "fc" else -x.astype("int64")
    indices = xp.argsort(key, axis=-1, kind="stable")[..., :k]
    values = xp.take_along_axis(x, indices, axis=-1)
    shape = x.shape

    def vjp(gs):
        return _scatter_permuted(xp, gs[0], indices, x.ndim - 1, shape)

    return (values, indices.astype("int32")), vjp
