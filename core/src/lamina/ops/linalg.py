"""Linear algebra: the `keras.ops.linalg` namespace (also re-exported at `lamina.ops`).

Inputs are stacks of matrices `(..., M, N)`. Integer inputs compute in floatx;
float16 inputs compute in float32 and are cast back (LAPACK has no float16).

Gradients: cholesky, cholesky_inverse, det, slogdet/logdet, inv, solve,
solve_triangular, lstsq, pinv, norm (all orders), eigh (eigenvalues and
eigenvectors), qr (mode="reduced" with M >= N, or square), svd (singular values
always; U and V when `full_matrices=False` or the matrix is square) and
lu_factor (square matrices). eig and matrix_rank have none.
"""

from __future__ import annotations

import numpy as np

from lamina.autodiff import GradientTape, Tensor, primitive
from lamina.backend import asarray, floatx, kernels_for
from lamina.ops._axes import normalize_axis
from lamina.ops._dtypes import xp_of
from lamina.ops.contraction import result_dtype

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eig",
    "eigh",
    "inv",
    "jvp",
    "lstsq",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]


# ---------------------------------------------------------------------------
# helpers


def _compute_dtype(*arrays):
    """(dtype to compute in, dtype to return) for float-valued linear algebra."""
    dtype = result_dtype(*(a.dtype for a in arrays))
    if dtype.kind not in "fc":
        dtype = np.dtype(floatx())
    work = np.dtype(np.float32) if dtype == np.float16 else dtype
    return work, dtype


def _prepare(*arrays):
    work, out = _compute_dtype(*arrays)
    return [a if a.dtype == work else a.astype(work) for a in arrays], out


def _mT(a):
    return a.swapaxes(-1, -2)


def _check_matrix(op, x, square=True):
    if x.ndim < 2:
        raise ValueError(
            f"{op}: expected a tensor of rank >= 2 (a matrix or a stack of matrices), "
            f"received shape {x.shape}."
        )
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(
            f"{op}: expected square matrices, received shape {x.shape} "
            f"({x.shape[-2]}x{x.shape[-1]})."
        )


def _linalg_error(xp):
    return np.linalg.LinAlgError if xp is np else (np.linalg.LinAlgError, ValueError)


def _eye_like(xp, n, dtype):
    return xp.eye(n, dtype=dtype)


def _tri_solve(xp, a, b, lower):
    """Triangular solve with batch broadcasting (`b` a matrix stack)."""
    a, b = _batched(xp, a, b)
    return kernels_for(xp).solve_triangular(a, b, lower=lower)


def _phi(xp, a):
    """Lower triangle with the diagonal halved."""
    lower = xp.tril(a)
    return lower - 0.5 * (lower - xp.tril(a, -1))


def _inv_t(xp, a):
    """`inv(a)^T`."""
    return _mT(xp.linalg.inv(a))


# ---------------------------------------------------------------------------
# factorizations


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


def _batched(xp, a, b):
    """Broadcast the batch axes of matrix stacks `a` and `b` against each other."""
    if a.shape[:-2] == b.shape[:-2]:
        return a, b
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:])


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


# ---------------------------------------------------------------------------
# jvp


def _flatten(structure):
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack(structure, leaves):
    if isinstance(structure, dict):
        packed = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, packed[key]) for key in structure)
    if isinstance(structure, (list, tuple)):
        items = [_pack(item, leaves) for item in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else type(structure)(items)
    return next(leaves)


def jvp(fun, primals, tangents, has_aux=False):
    """Jacobian-vector product of `fun` at `primals` along `tangents` (exact).

    lamina differentiates in reverse mode, so this runs one backward pass per
    output element (exact, but costly for large outputs).

    Args:
        fun: function of tensors (or nested structures of tensors).
        primals: tuple or list of `fun`'s positional arguments.
        tangents: same structure and shapes as `primals`.
        has_aux: `fun` returns `(output, aux)`; `aux` is passed through.

    Returns:
        `(primals_out, tangents_out)`, or `(primals_out, tangents_out, aux)`.

    Example:
        >>> x = ops.convert_to_tensor([1.0, 2.0])
        >>> y, dy = ops.linalg.jvp(lambda x: x * x, (x,), (ops.ones(2),))
        >>> dy.numpy()
        array([2., 4.], dtype=float32)
    """
    from lamina.ops.core import convert_to_tensor

    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples or lists of arguments.")
    flat_p = [convert_to_tensor(p) for p in _flatten(primals)]
    flat_t = [convert_to_tensor(t) for t in _flatten(tangents)]
    if len(flat_p) != len(flat_t):
        raise ValueError(
            f"jvp: primals and tangents must have the same structure; received "
            f"{len(flat_p)} and {len(flat_t)} leaves."
        )
    for p, t in zip(flat_p, flat_t):
        if p.shape != t.shape:
            raise ValueError(
                f"jvp: each tangent must have its primal's shape; received {t.shape} "
                f"for a primal of shape {p.shape}."
            )
    # Fresh tensors, so that tangents attach to these inputs and to nothing else.
    inputs = [Tensor(p._value) for p in flat_p]
    with GradientTape(persistent=True) as tape:
        for t in inputs:
            if t.dtype.startswith("float"):
                tape.watch(t)
        result = fun(*_pack(primals, iter(inputs)))
    if has_aux:
        result, aux = result
    outputs = _flatten(result)
    tangents_out = []
    for out in outputs:
        out = convert_to_tensor(out)
        value = out._value
        xp = xp_of(value)
        flat = xp.zeros(value.size, dtype=value.dtype)
        if value.dtype.kind in "fc":
            for i in range(value.size):
                seed = xp.zeros(value.size, dtype=value.dtype)
                seed[i] = 1
                grads = tape.gradient(
                    out,
                    inputs,
                    output_gradients=seed.reshape(value.shape),
                    unconnected_gradients="zero",
                )
                total = 0
                for g, t, p in zip(grads, flat_t, inputs):
                    if p.dtype.startswith("float"):
                        total = total + xp.sum(g._value * t._value.astype(g._value.dtype))
                flat[i] = total
        tangents_out.append(Tensor(flat.reshape(value.shape)))
    packed = _pack(result, iter(tangents_out))
    result = _pack(result, iter([convert_to_tensor(o) for o in outputs]))
    return (result, packed, aux) if has_aux else (result, packed)
