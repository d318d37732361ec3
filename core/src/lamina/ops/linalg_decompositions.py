"""Matrix decompositions: cholesky, qr, svd, eig, eigh and lu_factor.

Gradients: cholesky, eigh (eigenvalues and eigenvectors), qr (mode="reduced"
with M >= N, or square), svd (singular values always; U and V when
`full_matrices=False` or the matrix is square) and lu_factor (square matrices).
eig has none.
"""

from __future__ import annotations

import numpy as np

from lamina.autodiff import Tensor, primitive
from lamina.backend import asarray, kernels_for
from lamina.ops._dtypes import xp_of
from lamina.ops._linalg_utils import (
    _check_matrix,
    _eye_like,
    _linalg_error,
    _mT,
    _prepare,
    _tri_solve,
)

__all__ = ["cholesky", "eig", "eigh", "lu_factor", "qr", "svd"]


# ---------------------------------------------------------------------------
# cholesky


def _phi(xp, a):
    """Lower triangle with the diagonal halved."""
    lower = xp.tril(a)
    return lower - 0.5 * (lower - xp.tril(a, -1))


@primitive
def cholesky(x, upper=False):
    """Cholesky factor of symmetric positive-definite matrices.

    The input is symmetrized as `(x + x^T) / 2`, so the gradient is symmetric.

    Args:
        x: tensor of shape `(..., M, M)`.
        upper: return the upper factor `U` (`x = U^T U`) instead of the lower `L`.

    Example:
        >>> ops.linalg.cholesky(ops.convert_to_tensor([[4.0, 2.0], [2.0, 3.0]]))
        ... # [[2, 0], [1, 1.414]]
    """
    _check_matrix("cholesky", x)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    a = (a + _mT(a)) / 2
    try:
        lower = xp.linalg.cholesky(a)
    except _linalg_error(xp) as err:
        raise ValueError(
            f"cholesky: decomposition failed ({err}); the input must be symmetric "
            "positive definite."
        ) from err
    if xp is not np and bool(xp.isnan(lower).any()):
        raise ValueError(
            "cholesky: decomposition failed; the input must be symmetric positive definite."
        )
    out = _mT(lower) if upper else lower

    def vjp(g):
        g_lower = _mT(g) if upper else g
        # Murray (2016): S = L^-T Phi(L^T dL) L^-1, symmetrized.
        p = _phi(xp, _mT(lower) @ g_lower.astype(lower.dtype))
        left = _tri_solve(xp, _mT(lower), p, lower=False)
        s = _mT(_tri_solve(xp, _mT(lower), _mT(left), lower=False))
        return (s + _mT(s)) / 2

    return out.astype(dtype, copy=False), vjp


# ---------------------------------------------------------------------------
# eigendecompositions


@primitive(multiple_outputs=True)
def eig(x):
    """Eigenvalues and right eigenvectors of general square matrices (complex; no gradient).

    Example:
        >>> w, v = ops.linalg.eig(ops.convert_to_tensor([[2.0, 0.0], [0.0, 3.0]]))
        >>> w.dtype
        'complex64'
    """
    _check_matrix("eig", x)
    xp = xp_of(x)
    (a,), _ = _prepare(x)
    return kernels_for(xp).eig(a), None


@primitive(multiple_outputs=True)
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices.

    The input is symmetrized as `(x + x^T) / 2`. Eigenvector gradients assume
    distinct eigenvalues.

    Args:
        x: tensor of shape `(..., M, M)`.

    Returns:
        `(w, v)` of shapes `(..., M)` and `(..., M, M)`; `v[..., :, i]` pairs `w[..., i]`.

    Example:
        >>> w, v = ops.linalg.eigh(ops.convert_to_tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> w.numpy()
        array([1., 3.], dtype=float32)
    """
    _check_matrix("eigh", x)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    a = (a + _mT(a)) / 2
    w, v = xp.linalg.eigh(a)

    def vjp(gs):
        gw, gv = (g.astype(v.dtype, copy=False) for g in gs)
        diff = w[..., None, :] - w[..., :, None]  # w_j - w_i
        eye = _eye_like(xp, w.shape[-1], w.dtype)
        f = (1 - eye) / (diff + eye)
        inner = f * (_mT(v) @ gv) + gw[..., None, :] * eye
        grad = v @ inner @ _mT(v)
        return (grad + _mT(grad)) / 2

    return (w.astype(dtype, copy=False), v.astype(dtype, copy=False)), vjp


# ---------------------------------------------------------------------------
# lu_factor


@primitive(multiple_outputs=True)
def lu_factor(x):
    """LU factorization with partial pivoting, packed as in SciPy's `lu_factor`.

    Args:
        x: tensor of shape `(..., M, N)`.

    Returns:
        `(lu, pivots)`: `lu` holds U on and above the diagonal and the unit-lower L
        below it; `pivots` (int32, shape `(..., min(M, N))`) are 0-based row swaps.
        `lu` has a gradient for square matrices.

    Example:
        >>> lu, piv = ops.linalg.lu_factor(ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> piv.numpy()
        array([1, 1], dtype=int32)
    """
    _check_matrix("lu_factor", x, square=False)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    lu, pivots = kernels_for(xp).lu_factor(a)
    m, n = a.shape[-2:]

    def vjp(gs):
        if m != n:
            raise ValueError(
                f"lu_factor: the gradient is only implemented for square matrices; "
                f"received {m}x{n}."
            )
        g = gs[0].astype(lu.dtype, copy=False)
        eye = _eye_like(xp, n, lu.dtype)
        lower = xp.tril(lu, -1) + eye
        upper = xp.triu(lu)
        mid = xp.tril(_mT(lower) @ xp.tril(g, -1), -1) + xp.triu(xp.triu(g) @ _mT(upper))
        # grad of the row-permuted matrix: L^-T mid U^-T
        left = _tri_solve(xp, _mT(lower), mid, lower=False)
        permuted = _mT(_tri_solve(xp, upper, _mT(left), lower=False))
        return _unpermute_rows(xp, permuted, pivots)

    return (lu.astype(dtype, copy=False), pivots), vjp


def _unpermute_rows(xp, rows, pivots):
    """Given the cotangent of `A[perm]` (perm from LAPACK pivots), return that of `A`."""
    m = rows.shape[-2]
    perm = np.broadcast_to(np.arange(m), (*pivots.shape[:-1], m)).copy()
    piv = np.asarray(pivots.get() if hasattr(pivots, "get") else pivots)
    index = np.indices(perm.shape[:-1])
    for i in range(piv.shape[-1]):
        p = piv[..., i]
        a_i = perm[..., i].copy()
        perm[..., i] = perm[(*index, p)]
        perm[(*index, p)] = a_i
    inverse = np.argsort(perm, axis=-1)
    inverse = xp.asarray(inverse)
    return xp.take_along_axis(rows, inverse[..., :, None], axis=-2)


# ---------------------------------------------------------------------------
# qr


@primitive(multiple_outputs=True)
def qr(x, mode="reduced"):
    """QR decomposition `x = q @ r`.

    Args:
        x: tensor of shape `(..., M, N)`.
        mode: `"reduced"` (q: `(..., M, K)`, r: `(..., K, N)`, K = min(M, N)) or
            `"complete"` (q: `(..., M, M)`, r: `(..., M, N)`).

    Example:
        >>> q, r = ops.linalg.qr(ops.ones((3, 2)))
        >>> q.shape, r.shape
        ((3, 2), (2, 2))
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', received mode={mode!r}.")
    _check_matrix("qr", x, square=False)
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    q, r = xp.linalg.qr(a, mode=mode)
    m, n = a.shape[-2:]

    def vjp(gs):
        if m < n or (mode == "complete" and m != n):
            raise ValueError(
                "qr: the gradient is only defined for mode='reduced' with M >= N (or square "
                f"matrices); received {m}x{n} with mode={mode!r}."
            )
        gq, gr = (g.astype(q.dtype, copy=False) for g in gs)
        # M = R dR^T - dQ^T Q ; dA = (dQ + Q copyltu(M)) R^-T
        mid = r @ _mT(gr) - _mT(gq) @ q
        sym = xp.tril(mid) + _mT(xp.tril(mid, -1))
        rhs = gq + q @ sym
        return _mT(_tri_solve(xp, r, _mT(rhs), lower=False))

    return (q.astype(dtype, copy=False), r.astype(dtype, copy=False)), vjp


# ---------------------------------------------------------------------------
# svd


def _svd_values_forward(x):
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    u, s, vh = xp.linalg.svd(a, full_matrices=False)

    def vjp(g):
        return (u * g.astype(s.dtype, copy=False)[..., None, :]) @ vh

    return s.astype(dtype, copy=False), vjp


def _svd_uv_forward(x, full_matrices):
    xp = xp_of(x)
    (a,), dtype = _prepare(x)
    u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
    m, n = a.shape[-2:]

    def vjp(gs):
        if full_matrices and m != n:
            raise ValueError(
                "svd: the gradient of u and v is only defined for full_matrices=False or "
                f"square matrices; received {m}x{n}. Use full_matrices=False."
            )
        gu, gsv, gvh = (g.astype(s.dtype, copy=False) for g in gs)
        return _svd_vjp(xp, u, s, vh, gu, gsv, gvh)

    return (
        u.astype(dtype, copy=False),
        s.astype(dtype, copy=False),
        vh.astype(dtype, copy=False),
    ), vjp


def _named(fn, name):
    fn.__name__ = fn.__qualname__ = name
    return fn


_singular_values = primitive(_named(_svd_values_forward, "svd"))
_svd_uv = primitive(_named(_svd_uv_forward, "svd"), multiple_outputs=True)


def _svd_vjp(xp, u, s, vh, gu, gs, gvh):
    """Reverse-mode SVD (Townsend 2016), reduced factors, distinct singular values."""
    v, gv = _mT(vh), _mT(gvh)
    k = s.shape[-1]
    eye = _eye_like(xp, k, s.dtype)
    s2 = s * s
    diff = s2[..., None, :] - s2[..., :, None]  # s_j^2 - s_i^2
    f = (1 - eye) / (diff + eye)
    ut_gu = _mT(u) @ gu
    vt_gv = _mT(v) @ gv
    j = f * (ut_gu - _mT(ut_gu))
    kk = f * (vt_gv - _mT(vt_gv))
    core = j * s[..., None, :] + eye * gs[..., None, :] + s[..., :, None] * kk
    grad = u @ core @ vh
    m, n = u.shape[-2], v.shape[-2]
    inv_s = 1 / s
    if m > k:  # components of gU outside the span of U
        proj = gu - u @ ut_gu
        grad = grad + (proj * inv_s[..., None, :]) @ vh
    if n > k:
        proj = gv - v @ vt_gv
        grad = grad + (u * inv_s[..., None, :]) @ _mT(proj)
    return grad


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition `x = u @ diag(s) @ vh`.

    Args:
        x: tensor of shape `(..., M, N)`.
        full_matrices: square `u` `(..., M, M)` and `vh` `(..., N, N)` when True,
            else `(..., M, K)` and `(..., K, N)`, K = min(M, N).
        compute_uv: when False return only `s`.

    Returns:
        `(u, s, vh)`, or `s` (descending, shape `(..., K)`).

    Example:
        >>> ops.linalg.svd(ops.convert_to_tensor([[3.0, 0.0], [0.0, 4.0]]), compute_uv=False)
        ... # [4, 3]
    """
    x = x if isinstance(x, Tensor) else Tensor(asarray(x))
    _check_matrix("svd", x, square=False)
    if not compute_uv:
        return _singular_values(x)
    return _svd_uv(x, bool(full_matrices))
