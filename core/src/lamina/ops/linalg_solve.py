"""Inverses and linear solvers: inv, cholesky_inverse, solve, solve_triangular, pinv, lstsq.

All have gradients (pinv and lstsq assuming constant rank).
"""

from __future__ import annotations

import numpy as np

from lamina.autodiff import primitive
from lamina.ops._dtypes import xp_of
from lamina.ops._linalg_utils import (
    _batched,
    _check_matrix,
    _eye_like,
    _linalg_error,
    _mT,
    _prepare,
    _tri_solve,
)

__all__ = ["cholesky_inverse", "inv", "lstsq", "pinv", "solve", "solve_triangular"]


# ---------------------------------------------------------------------------
# inverses


@primitive
def inv(x):
    """Inverse of square matrices.

    Example:
        >>> ops.linalg.inv(ops.convert_to_tensor([[2.0, 0.0], [0.0, 4.0]])).numpy()
        array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)
    """
    _check_matrix("inv", x)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    try:
        out = xp.linalg.inv(a)
    except _linalg_error(xp) as err:
        raise ValueError(f"inv: the matrix is singular ({err}).") from err

    def vjp(g):
        out_t = _mT(out)
        return -(out_t @ g.astype(out.dtype) @ out_t)

    return out.astype(dtype, copy=False), vjp


@primitive
def cholesky_inverse(x, upper=False):
    """Inverse of `A` given its Cholesky factor (`A = L L^T`, or `U^T U` when `upper`).

    Only the factor's triangle is read.

    Args:
        x: the Cholesky factor, shape `(..., M, M)`.
        upper: whether `x` is the upper factor.

    Example:
        >>> L = ops.linalg.cholesky(ops.convert_to_tensor([[4.0, 2.0], [2.0, 3.0]]))
        >>> ops.linalg.cholesky_inverse(L)  # inv([[4, 2], [2, 3]])
    """
    _check_matrix("cholesky_inverse", x)
    xp = xp_of(x)
    (f,), dtype = _prepare(x)
    eye = xp.broadcast_to(_eye_like(xp, f.shape[-1], f.dtype), f.shape)
    inv_factor = _tri_solve(xp, f, eye, lower=not upper)
    out = inv_factor @ _mT(inv_factor) if upper else _mT(inv_factor) @ inv_factor

    def vjp(g):
        h = out @ g.astype(out.dtype) @ out
        h = h + _mT(h)
        if upper:
            return xp.triu(-(f @ h))
        return xp.tril(-(h @ f))

    return out.astype(dtype, copy=False), vjp


# ---------------------------------------------------------------------------
# solvers


@primitive
def solve(a, b):
    """Solve `a @ x = b` for `x`.

    Args:
        a: tensor of shape `(..., M, M)`.
        b: tensor of shape `(M,)` (one vector) or `(..., M, K)`.

    Example:
        >>> ops.linalg.solve(ops.eye(2) * 2, ops.convert_to_tensor([2.0, 4.0])).numpy()
        array([1., 2.], dtype=float32)
    """
    _check_matrix("solve", a)
    xp = xp_of(a, b)
    if b.ndim < 1:
        raise ValueError(f"solve: b must have rank >= 1, received shape {b.shape}.")
    (a_, b_), dtype = _prepare(a, b)
    vector = b_.ndim == 1
    if b_.shape[-2 if not vector else 0] != a_.shape[-1]:
        raise ValueError(
            f"solve: incompatible shapes a={a.shape} and b={b.shape}; b's "
            f"{'only' if vector else 'second-to-last'} axis must have size {a.shape[-1]}."
        )
    # NumPy 2 and CuPy disagree on batched vector right-hand sides: always hand
    # them matrices with explicit, equal batch axes.
    a_m, rhs = _batched(xp, a_, b_[..., None] if vector else b_)
    try:
        x = xp.linalg.solve(a_m, rhs)
    except _linalg_error(xp) as err:
        raise ValueError(f"solve: the matrix a is singular ({err}).") from err

    def vjp(g):
        g = g.astype(x.dtype, copy=False)
        gb = xp.linalg.solve(_mT(a_m), g[..., None] if vector else g)
        return (lambda: -(gb @ _mT(x))), (gb[..., 0] if vector else gb)

    out = x[..., 0] if vector else x
    return out.astype(dtype, copy=False), vjp


@primitive
def solve_triangular(a, b, lower=False):
    """Solve `a @ x = b` for triangular `a` (only its lower or upper triangle is read).

    Args:
        a: tensor of shape `(..., M, M)`.
        b: tensor of shape `(..., M)` (vectors, when its rank is one less than `a`'s)
            or `(..., M, K)`.
        lower: use the lower triangle of `a` (default: the upper one).

    Example:
        >>> a = ops.convert_to_tensor([[2.0, 0.0], [1.0, 1.0]])
        >>> ops.linalg.solve_triangular(a, ops.convert_to_tensor([2.0, 3.0]), lower=True)
        ... # [1, 2]
    """
    _check_matrix("solve_triangular", a)
    xp = xp_of(a, b)
    if b.ndim < 1:
        raise ValueError(f"solve_triangular: b must have rank >= 1, received shape {b.shape}.")
    (a_, b_), dtype = _prepare(a, b)
    vector = b_.ndim == a_.ndim - 1
    rhs = b_[..., None] if vector else b_
    if rhs.ndim < 2 or rhs.shape[-2] != a_.shape[-1]:
        raise ValueError(
            f"solve_triangular: incompatible shapes a={a.shape} and b={b.shape}; b's "
            f"{'last' if vector else 'second-to-last'} axis must have size {a.shape[-1]}."
        )
    tri = xp.tril if lower else xp.triu
    x = _tri_solve(xp, a_, rhs, lower)

    def vjp(g):
        g = g.astype(x.dtype, copy=False)
        g = g[..., None] if vector else g
        gb = _tri_solve(xp, _mT(a_), g, not lower)
        return (lambda: tri(-(gb @ _mT(x)))), (gb[..., 0] if vector else gb)

    out = x[..., 0] if vector else x
    return out.astype(dtype, copy=False), vjp


# ---------------------------------------------------------------------------
# pseudo-inverse and least squares


def _pinv_vjp(xp, a, p, g):
    """Cotangent of `a` for `p = pinv(a)` (constant rank)."""
    p_t, g_t = _mT(p), _mT(g)
    m, n = a.shape[-2:]
    eye_m = _eye_like(xp, m, a.dtype)
    eye_n = _eye_like(xp, n, a.dtype)
    return -(p_t @ g @ p_t) + (eye_m - a @ p) @ g_t @ p @ p_t + p_t @ p @ g_t @ (eye_n - p @ a)


@primitive
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse (from the SVD).

    Args:
        x: tensor of shape `(..., M, N)`.
        rcond: singular values below `rcond * largest` are treated as zero
            (default `max(M, N) * eps`).

    Example:
        >>> ops.linalg.pinv(ops.ones((3, 2))).shape
        (2, 3)
    """
    _check_matrix("pinv", x, square=False)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    cutoff = max(a.shape[-2:]) * np.finfo(a.dtype).eps if rcond is None else rcond
    p = xp.linalg.pinv(a, rcond=cutoff)

    def vjp(g):
        return _pinv_vjp(xp, a, p, g.astype(p.dtype, copy=False))

    return p.astype(dtype, copy=False), vjp


@primitive
def lstsq(a, b, rcond=None):
    """Least-squares solution of `a @ x = b` (minimum norm when underdetermined).

    Args:
        a: matrix of shape `(M, N)`.
        b: `(M,)` or `(M, K)`.
        rcond: cut-off ratio for small singular values (default `max(M, N) * eps`).

    Returns:
        `x` of shape `(N,)` or `(N, K)` (only the solution, as in Keras).

    Example:
        >>> ops.linalg.lstsq(ops.ones((3, 1)), ops.convert_to_tensor([1.0, 2.0, 3.0])).numpy()
        array([2.], dtype=float32)
    """
    if a.ndim != 2:
        raise ValueError(f"lstsq: a must be a matrix (rank 2), received shape {a.shape}.")
    if b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(
            f"lstsq: b must have shape ({a.shape[0]},) or ({a.shape[0]}, K), received {b.shape}."
        )
    xp = xp_of(a, b)
    (a_, b_), dtype = _prepare(a, b)
    cutoff = max(a_.shape) * np.finfo(a_.dtype).eps if rcond is None else rcond
    p = xp.linalg.pinv(a_, rcond=cutoff)
    out = p @ b_

    def vjp(g):
        g = g.astype(out.dtype, copy=False)
        g2 = g[:, None] if g.ndim == 1 else g
        b2 = b_[:, None] if b_.ndim == 1 else b_

        def grad_a():
            return _pinv_vjp(xp, a_, p, g2 @ _mT(b2))

        def grad_b():
            return _mT(p) @ g

        return grad_a, grad_b

    return out.astype(dtype, copy=False), vjp
