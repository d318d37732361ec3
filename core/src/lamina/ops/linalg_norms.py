"""Matrix scalars: norm, det, slogdet, logdet and matrix_rank.

Gradients: norm (all orders), det, slogdet and logdet. matrix_rank has none.
"""

from __future__ import annotations

import numpy as np

from lamina.autodiff import primitive
from lamina.backend import floatx
from lamina.ops._axes import normalize_axis
from lamina.ops._dtypes import xp_of
from lamina.ops._linalg_utils import _check_matrix, _mT, _prepare

__all__ = ["det", "logdet", "matrix_rank", "norm", "slogdet"]


# ---------------------------------------------------------------------------
# determinants


def _inv_t(xp, a):
    """`inv(a)^T`."""
    return _mT(xp.linalg.inv(a))


@primitive
def det(x):
    """Determinant of square matrices.

    Args:
        x: tensor of shape `(..., M, M)`.

    Example:
        >>> float(ops.linalg.det(ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])))
        -2.0
    """
    _check_matrix("det", x)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    out = xp.linalg.det(a)

    def vjp(g):
        if _invertible(xp, out):
            return (g * out)[..., None, None] * _inv_t(xp, a)
        return g[..., None, None] * _mT(_adjugate(xp, a))  # d det / da = adj(a)^T

    return xp.asarray(out).astype(dtype, copy=False), vjp


def _invertible(xp, determinant):
    return bool(xp.all(determinant != 0)) and bool(xp.all(xp.isfinite(determinant)))


def _adjugate(xp, a):
    """adj(a) = det(U) det(V) V diag(prod_{j != i} s_j) U^T from the SVD (singular-safe)."""
    u, s, vh = xp.linalg.svd(a)
    n = s.shape[-1]
    prods = xp.stack(
        [
            xp.prod(xp.concatenate([s[..., :i], s[..., i + 1 :]], axis=-1), axis=-1)
            for i in range(n)
        ],
        axis=-1,
    )
    sign = xp.linalg.det(u) * xp.linalg.det(vh)
    return sign[..., None, None] * (_mT(vh) * prods[..., None, :]) @ _mT(u)


@primitive(multiple_outputs=True)
def slogdet(x):
    """Sign and natural log of the absolute value of the determinant.

    Args:
        x: tensor of shape `(..., M, M)`.

    Returns:
        `(sign, logabsdet)`, each of shape `(...)`.

    Example:
        >>> sign, logabsdet = ops.slogdet(ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]]))
    """
    _check_matrix("slogdet", x)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    sign, logabsdet = xp.linalg.slogdet(a)

    def vjp(gs):
        return gs[1][..., None, None] * _inv_t(xp, a)

    return (sign.astype(dtype, copy=False), logabsdet.astype(dtype, copy=False)), vjp


@primitive
def logdet(x):
    """Natural log of the absolute value of the determinant (from `slogdet`).

    Example:
        >>> float(ops.logdet(ops.convert_to_tensor([[2.0, 0.0], [0.0, 3.0]])))  # log(6)
        1.7917...
    """
    _check_matrix("logdet", x)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    _, out = xp.linalg.slogdet(a)

    def vjp(g):
        return g[..., None, None] * _inv_t(xp, a)

    return out.astype(dtype, copy=False), vjp


# ---------------------------------------------------------------------------
# matrix_rank


@primitive
def matrix_rank(x, tol=None):
    """Number of singular values above `tol` (default `S.max() * max(M, N) * eps`), as int32.

    Example:
        >>> int(ops.linalg.matrix_rank(ops.convert_to_tensor([[1.0, 2.0], [2.0, 4.0]])))
        1
    """
    _check_matrix("matrix_rank", x, square=False)
    xp = xp_of(x)
    (a,), _ = _prepare(x)
    s = xp.linalg.svd(a, compute_uv=False)
    if tol is None:
        tol = s.max(axis=-1, keepdims=True) * max(a.shape[-2:]) * np.finfo(a.dtype).eps
    else:
        tol = xp.asarray(tol)[..., None]
    return xp.sum(s > tol, axis=-1).astype(np.int32), None


# ---------------------------------------------------------------------------
# norm

_MATRIX_ORDS = (None, "fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2)


def _extreme_mask(xp, values, axis, largest):
    """Mask of the max (or min) positions along `axis`, ties sharing equally."""
    ext = (
        xp.max(values, axis=axis, keepdims=True)
        if largest
        else xp.min(values, axis=axis, keepdims=True)
    )
    mask = (values == ext).astype(values.dtype)
    return ext, mask / xp.sum(mask, axis=axis, keepdims=True)


def _vector_norm(xp, x, ord, axis):
    """Norm along `axis` (kept); returns (value, grad_fn(g_kept))."""
    ax = abs(x)
    if ord is None or ord == 2:
        n = xp.sqrt(xp.sum(x * x, axis=axis, keepdims=True))
        return n, lambda g: g * x / xp.where(n == 0, 1, n)
    if ord == np.inf or ord == -np.inf:
        ext, share = _extreme_mask(xp, ax, axis, ord > 0)
        return ext, lambda g: g * xp.sign(x) * share
    if ord == 0:
        return xp.sum((x != 0).astype(x.dtype), axis=axis, keepdims=True), None
    if ord == 1:
        return xp.sum(ax, axis=axis, keepdims=True), lambda g: g * xp.sign(x)
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid ord={ord!r} for a vector norm.")
    p = float(ord)
    n = xp.sum(ax**p, axis=axis, keepdims=True) ** (1 / p)

    def grad(g):
        safe = xp.where(ax == 0, 1, ax)
        return xp.where(ax == 0, 0, g * xp.sign(x) * safe ** (p - 1) * n ** (1 - p))

    return n, grad


def _matrix_norm(xp, x, ord):
    """Norm of the trailing matrices (..., M, N) kept as (..., 1, 1)."""
    if ord is None or ord == "fro":
        return _vector_norm(xp, x, None, (-2, -1))
    if ord == "nuc" or ord in (2, -2):
        u, s, vh = xp.linalg.svd(x, full_matrices=False)
        if ord == "nuc":
            return xp.sum(s, axis=-1)[..., None, None], lambda g: g * (u @ vh)
        i = 0 if ord == 2 else -1
        value = s[..., i][..., None, None]
        return value, lambda g: g * (u[..., :, i, None] * vh[..., i, None, :])
    if ord in (1, -1, np.inf, -np.inf):
        axis = -2 if ord in (1, -1) else -1  # column sums for 1, row sums for inf
        sums = xp.sum(abs(x), axis=axis, keepdims=True)
        ext, share = _extreme_mask(xp, sums, -1 if axis == -2 else -2, ord > 0)
        return ext, lambda g: g * xp.sign(x) * share
    raise ValueError(f"norm: invalid ord={ord!r} for a matrix norm.")


@primitive
def norm(x, ord=None, axis=None, keepdims=False):
    """Matrix or vector norm, as `numpy.linalg.norm`.

    Args:
        x: input tensor (integers compute in floatx).
        ord: vector orders: None/2, inf, -inf, 0, 1, any p; matrix orders: None/"fro",
            "nuc", inf, -inf, 1, -1, 2, -2.
        axis: an int (vector norm), a pair (matrix norm), or None (the whole tensor
            when `ord` is None; else a vector or matrix norm by rank).
        keepdims: keep the reduced axes with size 1.

    Example:
        >>> float(ops.linalg.norm(ops.convert_to_tensor([3.0, 4.0])))
        5.0
    """
    xp = xp_of(x)
    work = x if x.dtype.kind in "fc" else x.astype(floatx())
    nd = work.ndim
    if axis is None:
        if ord is None:
            axes = tuple(range(nd))
            flat = work.reshape(-1)
            value, grad = _vector_norm(xp, flat, None, 0)
            out = value.reshape((1,) * nd) if keepdims else value.reshape(())

            def vjp(g):
                return grad(g.reshape(1)).reshape(work.shape)

            return out, vjp
        if nd not in (1, 2):
            raise ValueError(
                f"norm: improper number of axes; axis=None with ord={ord!r} needs a 1-D or "
                f"2-D input, received shape {x.shape}. Pass one axis (vector norm) or two "
                "(matrix norm)."
            )
        axis = tuple(range(nd))
    axes = normalize_axis(axis, nd)
    given = (axis,) if isinstance(axis, int) else tuple(int(a) % nd for a in axis)
    if len(axes) != len(given):
        raise ValueError(f"norm: duplicate axes in axis={axis!r}.")
    if len(given) == 1:
        value, grad = _vector_norm(xp, work, ord, given[0])
        out = value if keepdims else xp.squeeze(value, axis=given[0])

        def vjp(g):
            return grad(g if keepdims else xp.expand_dims(g, given[0]))

        return out, (vjp if grad is not None else None)
    if len(given) != 2:
        raise ValueError(
            f"norm: improper number of axes for norm: axis={axis!r}. Pass one axis (vector "
            "norm) or two (matrix norm)."
        )
    if ord not in _MATRIX_ORDS:
        raise ValueError(f"norm: invalid ord={ord!r} for a matrix norm.")
    row, col = given
    moved = xp.moveaxis(work, (row, col), (-2, -1))
    value, grad = _matrix_norm(xp, moved, ord)
    kept = xp.moveaxis(value, (-2, -1), (row, col))
    out = kept if keepdims else xp.squeeze(kept, axis=(row, col))

    def vjp(g):
        g = g if keepdims else xp.expand_dims(g, tuple(sorted((row, col))))
        g = xp.moveaxis(g, (row, col), (-2, -1))
        return xp.moveaxis(grad(g), (-2, -1), (row, col))

    return out, vjp
