"""Triangles and diagonals: tril, triu, diag, diagflat, diagonal, trace."""

from lamina.autodiff import primitive
from lamina.ops._axes import accumulate_dtype, canonical_axis
from lamina.ops._dtypes import xp_of

__all__ = ["diag", "diagflat", "diagonal", "trace", "tril", "triu"]


def _diagonal_index(xp, rows, cols, offset):
    """Row and column indices of the `offset` diagonal of a `rows x cols` matrix."""
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    i = xp.arange(length)
    return i + max(-offset, 0), i + max(offset, 0)


def _embed_diagonal(xp, g, shape, offset, axis1, axis2, dtype):
    """Zeros of `shape` with `g` (diagonal values, last axis) on the chosen diagonal."""
    grad = xp.zeros(shape, dtype)
    view = xp.moveaxis(grad, (axis1, axis2), (-2, -1))
    rows, cols = _diagonal_index(xp, shape[axis1], shape[axis2], offset)
    view[..., rows, cols] = g  # `view` shares memory with `grad`
    return grad


def _triangle(x, k, lower, name):
    xp = xp_of(x)
    if x.ndim < 2:
        raise ValueError(f"{name}: expected a tensor of rank >= 2, received shape {x.shape}.")
    keep = xp.tril if lower else xp.triu
    k = int(k)

    def vjp(g):
        return keep(g, k)

    return keep(x, k), vjp


@primitive
def tril(x, k=0):
    """Lower triangle of the last two axes of `x` (elements above diagonal `k` zeroed).

    Example:
        >>> ops.tril([[1, 2], [3, 4]])  # [[1, 0], [3, 4]]
    """
    return _triangle(x, k, True, "tril")


@primitive
def triu(x, k=0):
    """Upper triangle of the last two axes of `x` (elements below diagonal `k` zeroed).

    Example:
        >>> ops.triu([[1, 2], [3, 4]])  # [[1, 2], [0, 4]]
    """
    return _triangle(x, k, False, "triu")


@primitive
def diag(x, k=0):
    """Build a diagonal matrix from a 1-D `x`, or take the `k`-th diagonal of a 2-D `x`.

    Example:
        >>> ops.diag([1, 2])  # [[1, 0], [0, 2]]
    """
    xp = xp_of(x)
    k = int(k)
    if x.ndim == 1:

        def vjp(g):
            return xp.diagonal(g, k).copy()

        return xp.diag(x, k), vjp
    if x.ndim == 2:
        shape = x.shape

        def vjp(g):
            return _embed_diagonal(xp, g, shape, k, 0, 1, g.dtype)

        return xp.diagonal(x, k).copy(), vjp
    raise ValueError(f"diag: expected a 1-D or 2-D tensor, received shape {x.shape}.")


@primitive
def diagflat(x, k=0):
    """A 2-D matrix with the flattened `x` on diagonal `k`.

    Example:
        >>> ops.diagflat([[1, 2]]).shape
        (2, 2)
    """
    xp = xp_of(x)
    k = int(k)
    shape = x.shape

    def vjp(g):
        return xp.diagonal(g, k).reshape(shape)

    return xp.diag(x.reshape(-1), k), vjp


def _diagonal_axes(x, axis1, axis2, name):
    if x.ndim < 2:
        raise ValueError(f"{name}: expected a tensor of rank >= 2, received shape {x.shape}.")
    a = canonical_axis(axis1, x.ndim, name)
    b = canonical_axis(axis2, x.ndim, name)
    if a == b:
        raise ValueError(f"{name}: `axis1` and `axis2` must differ, both are {axis1}.")
    return a, b


@primitive
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of the 2-D planes given by `axis1` and `axis2` (last axis of result).

    Example:
        >>> ops.diagonal([[1, 2], [3, 4]])  # [1, 4]
    """
    xp = xp_of(x)
    a, b = _diagonal_axes(x, axis1, axis2, "diagonal")
    offset = int(offset)
    shape = x.shape

    def vjp(g):
        return _embed_diagonal(xp, g, shape, offset, a, b, g.dtype)

    return xp.diagonal(x, offset, a, b), vjp


@primitive
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along the `offset` diagonal of the planes given by `axis1` and `axis2`.

    Example:
        >>> ops.trace([[1, 2], [3, 4]])  # 5
    """
    xp = xp_of(x)
    a, b = _diagonal_axes(x, axis1, axis2, "trace")
    offset = int(offset)
    shape = x.shape
    out = xp.trace(x, offset, a, b, dtype=accumulate_dtype(x.dtype))

    def vjp(g):
        length = len(_diagonal_index(xp, shape[a], shape[b], offset)[0])
        values = xp.broadcast_to(g[..., None], (*g.shape, length))
        return _embed_diagonal(xp, values, shape, offset, a, b, g.dtype)

    return out, vjp
