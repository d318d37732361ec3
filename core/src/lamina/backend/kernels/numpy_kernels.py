"""NumPy implementations of the non-standard kernels."""

import functools
import math

import numpy as np


def scatter_add(target, indices, updates):
    """Add `updates` into `target` at `indices`, summing repeated indices, in place."""
    rows = _whole_rows(target, indices, updates)
    if rows is None:
        np.add.at(target, indices, updates)
    else:
        _scatter_add_rows(target, rows, updates)
    return target


# `np.add.at` handles one index at a time: ~1.5 us per row of 128 floats, 20 ms for an
# Embedding's gradient (12,800 rows into a 20,000-row table). Whole-row scatters of at
# least this many rows, each at least this wide, sort instead (~4x faster there; below
# either size the sort's overhead loses).
_SORTED_ROWS = 64
_SORTED_ROW_WIDTH = 64
# Repeats of one row beyond this many are summed by `np.add.at` (rare; see below).
_RANK_LEVELS = 8


def _whole_rows(target, indices, updates):
    """The row indices when `indices` is one 1-D array of non-negative ints picking whole
    rows of a 2-D+ `target` and `updates` holds one row per index; else None."""
    if isinstance(indices, tuple) and len(indices) == 1:
        (indices,) = indices
    if not (
        isinstance(indices, np.ndarray)
        and indices.ndim == 1
        and indices.dtype.kind in "iu"
        and len(indices) >= _SORTED_ROWS
        and target.ndim >= 2
        and math.prod(target.shape[1:]) >= _SORTED_ROW_WIDTH
        and isinstance(updates, np.ndarray)
        and updates.dtype == target.dtype
        and updates.shape == (len(indices), *target.shape[1:])
    ):
        return None
    return indices if indices.min() >= 0 else None


def _scatter_add_rows(target, rows, updates):
    """`target[rows] += updates`, summing repeated rows.

    The rows are sorted so that equal ones form runs; the k-th members of the runs are
    distinct rows, so one buffered fancy-index add per rank k sums them exactly. Runs
    longer than `_RANK_LEVELS` (a row repeated that often) go through `np.add.at`.
    """
    order = np.argsort(rows, kind="stable")
    ranked = rows[order]
    first = np.empty(len(rows), dtype=bool)
    first[0] = True
    np.not_equal(ranked[1:], ranked[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    sums = np.take(updates, order[starts], axis=0)
    if len(starts) < len(rows):
        run = np.cumsum(first) - 1  # the run (distinct row) of each sorted index
        rank = np.arange(len(rows)) - starts[run]
        for k in range(1, min(int(rank.max()), _RANK_LEVELS) + 1):
            at = rank == k
            sums[run[at]] += np.take(updates, order[at], axis=0)
        rest = rank > _RANK_LEVELS
        if rest.any():
            np.add.at(sums, run[rest], np.take(updates, order[rest], axis=0))
    target[ranked[starts]] += sums


def sliding_window_view(x, window_shape, axis=None):
    """A read-only strided view of all windows of `x` (no copy)."""
    return np.lib.stride_tricks.sliding_window_view(x, window_shape, axis=axis)


def einsum(subscripts, *operands):
    """`np.einsum` with BLAS-backed contraction paths."""
    return np.einsum(subscripts, *operands, optimize=len(operands) > 2 or "greedy")


def pad(x, pad_width, mode="constant", constant_values=0):
    """`np.pad`."""
    if mode == "constant":
        return np.pad(x, pad_width, mode=mode, constant_values=constant_values)
    return np.pad(x, pad_width, mode=mode)


# Special functions without SciPy. Polynomials are evaluated by Horner's rule in place, over
# blocks that stay in cache, so one call makes ~30 cheap passes over cache-resident data
# instead of allocating a temporary per operation. Coefficients are Chebyshev interpolants
# of the exact functions (computed once with mpmath at 50 digits), expanded to monomials of a
# variable mapped to [-1, 1] where noted.
_BLOCK = 32768
# fmt: off
# erf(x) / x as a polynomial in x**2 for |x| < 1 (float64).
_ERF_SMALL_F64 = (
    1.1283791670955126, -0.3761263890318375, 0.11283791670954879,
    -0.026866170645076792, 0.0052239776248180145, -0.000854832698083379,
    0.0001205533111164271, -1.4925595266831182e-05, 1.6461000484121368e-06,
    -1.6350312701054695e-07, 1.4659775274047436e-08, -1.1372848856791674e-09,
    5.957176147748911e-11,
)
# The same for float32 (7 terms reach float32 precision).
_ERF_SMALL_F32 = (
    1.1283791658483509, -0.37612626666720334, 0.11283594715160218,
    -0.026854212010626412, 0.005189087423433974, -0.000801686428716587,
    7.875875062685488e-05,
)
# log(erfc(z) / t) + z**2 as a polynomial in u = 3 t - 1, where t = 2 / (2 + z), for z >= 1.
_ERFC_LARGE_F64 = (
    -0.8891660234348968, 0.41826135620105287, 0.03773345772695931,
    -0.0077426876387679455, -0.003769115046220263, 0.00015206393416225463,
    0.0004234211063938227, 1.9272643818226627e-05, -5.4952131963417704e-05,
    -4.724278327597841e-06, 8.04673788111035e-06, 6.123752778271019e-07,
    -1.27574520656872e-06, -2.0700051581819768e-08, 2.0534046911442014e-07,
    -1.638704495850986e-08, -3.060434886986811e-08, 5.374961483138002e-09,
    3.6484725828509113e-09, -6.952999381308197e-10, -2.5240464489242086e-10,
)
# The same for 1 <= z <= 4 in float32 (erf rounds to 1 beyond), in u = 6 (t - 0.5).
_ERFC_LARGE_F32 = (
    -0.6717940097782661, 0.22421437602682853, 0.005259029650980445,
    -0.0017362980454767, -0.00011830597700424015, 3.4763793970934685e-05,
)
# exp(-z) * I1(z) / z as a polynomial in u = z / 4 - 1, 0 <= z <= 8.
_I1_SMALL = (
    0.04468770987560898, -0.06112433802966633, 0.06805759990946096,
    -0.06848260620581192, 0.06376740371623943, -0.055280039227809406,
    0.044674572559076246, -0.03367135550327885, 0.023686017666094288,
    -0.015571309446428408, 0.009583957355379827, -0.0055345664749481,
    0.0030057832157554046, -0.001538880541080664, 0.0007444520750266004,
    -0.00034115857077822735, 0.00014854033282115045, -6.145849532535901e-05,
    2.4073175916428656e-05, -9.088672834384311e-06, 3.4385503267382193e-06,
    -1.1770397975868784e-06, 2.93663229170861e-07, -9.776684596957229e-08,
    6.373585824774218e-08, -1.8194601103294593e-08,
)
# sqrt(z) * exp(-z) * I1(z) as a polynomial in u = 16 / z - 1, z >= 8.
_I1_LARGE = (
    0.3893984590258723, -0.009749577193235751, -0.0002192357638187367,
    -1.5038547201402334e-05, -1.8349107416211804e-06, -3.483855125273481e-07,
    -1.0000323944983054e-07, -4.3130341641824356e-08, -2.3453111618217135e-08,
    -8.417810881556892e-09, 7.118573210000024e-09, 1.3986230294575344e-08,
    4.7942444927275885e-09, -7.500258824785232e-09, -5.508409408958088e-09,
    3.158127700170617e-09, 3.0582654028044287e-09, -1.1153074851895528e-09,
    -1.0032283190965858e-09, 2.8795297002473246e-10, 1.513858549435606e-10,
    -3.8283098239014647e-11,
)
# fmt: on
_SQRT_PI = math.sqrt(math.pi)


def _poly(coefs, u, out):
    """Horner's rule in place: `out = sum(coefs[k] * u**k)`."""
    np.multiply(u, coefs[-1], out=out)
    out += coefs[-2]
    for c in coefs[-3::-1]:
        out *= u
        out += c
    return out


def _by_blocks(block_fn, x, n_scratch):
    """Apply `block_fn(x_block, out_block, scratch)` over a flat copy of `x`, block by block."""
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    size = min(_BLOCK, flat.size)
    scratch = [np.empty(size, flat.dtype) for _ in range(n_scratch)]
    for start in range(0, flat.size, _BLOCK):
        block = flat[start : start + _BLOCK]
        n = block.size
        block_fn(block, out[start : start + n], [s[:n] for s in scratch])
    return out.reshape(x.shape)


def _erf_block(x, out, scratch):
    # erf(|x|) from two branches blended without branching, then x's sign bit copied in.
    z, s, t, m, r = scratch
    if x.dtype == np.float64:
        small, large, mid, scale, z_max, bits = (
            _ERF_SMALL_F64,
            _ERFC_LARGE_F64,
            1 / 3,
            3.0,
            30.0,
            np.int64,
        )
    else:
        small, large, mid, scale, z_max, bits = (
            _ERF_SMALL_F32,
            _ERFC_LARGE_F32,
            0.5,
            6.0,
            4.0,
            np.int32,
        )
    np.abs(x, out=z)
    np.minimum(z, z_max, out=z)  # erf is 1 to the dtype's precision beyond z_max
    np.multiply(z, z, out=s)
    np.less(z, 1.0, out=m)  # 1.0 where the small branch holds, else 0.0
    _poly(small, s, out)  # |x| < 1: erf(z) = z * P(z**2)
    out *= z
    out *= m
    np.add(z, 2.0, out=t)  # |x| >= 1: erfc(z) = t * exp(R(t) - z**2), t = 2 / (2 + z)
    np.divide(2.0, t, out=t)
    np.subtract(t, mid, out=z)
    z *= scale
    _poly(large, z, r)
    r -= s
    np.exp(r, out=r)
    r *= t
    np.subtract(1.0, r, out=r)
    np.subtract(1.0, m, out=m)
    r *= m  # both branches are finite everywhere, so 0 * other branch is exactly 0
    out += r
    sign = np.bitwise_and(x.view(bits), np.iinfo(bits).min, out=m.view(bits))
    np.bitwise_or(out.view(bits), sign, out=out.view(bits))


def _erfc_block(x, out, scratch):
    # float64 only: erfc keeps relative accuracy far into the tail (down to ~1e-308).
    z, s, t, r = scratch
    np.abs(x, out=z)
    np.minimum(z, 30.0, out=z)
    np.multiply(z, z, out=s)
    np.add(z, 2.0, out=t)
    np.divide(2.0, t, out=t)
    np.subtract(t, 1 / 3, out=r)
    r *= 3.0
    _poly(_ERFC_LARGE_F64, r, out)
    out -= s
    np.exp(out, out=out)
    out *= t  # erfc(|x|) for |x| >= 1
    np.subtract(2.0, out, out=r)
    np.copyto(out, r, where=x < 0)
    _poly(_ERF_SMALL_F64, s, r)
    r *= z
    np.copysign(r, x, out=r)
    np.subtract(1.0, r, out=r)
    np.copyto(out, r, where=z < 1.0)


@functools.cache
def _scipy_special():
    """`scipy.special` when installed (its float64 kernels are faster than ours), else None."""
    try:
        import scipy.special
    except ImportError:
        return None
    return scipy.special


def erf(x):
    """Gauss error function, elementwise, in x's float dtype.

    Relative error below 3e-16 (float64) and 3 ulp (float32, float16 via float32).
    """
    special = _scipy_special() if x.dtype == np.float64 else None
    if special is not None:
        return special.erf(x)
    return numpy_erf(x)


def numpy_erf(x):
    """`erf` in NumPy alone (about twice as fast as SciPy's in float32)."""
    work = x if x.dtype in (np.float32, np.float64) else x.astype(np.float32)
    return _by_blocks(_erf_block, work, 5).astype(x.dtype, copy=False)


def erfc(x):
    """Complementary error function `1 - erf(x)`, accurate in the tails; in x's float dtype."""
    special = _scipy_special()
    if special is not None:
        return special.erfc(x).astype(x.dtype, copy=False)
    return numpy_erfc(x)


def numpy_erfc(x):
    """`erfc` in NumPy alone: relative error below 2e-13 down to 1e-308."""
    return _by_blocks(_erfc_block, x.astype(np.float64, copy=False), 4).astype(x.dtype, copy=False)


def _erfinv_guess(a):
    # Giles (2010), "Approximating the erfinv function": single-precision accurate for
    # 1 - a >= 1e-6; beyond, the tail's asymptotic form erfc(x) ~ exp(-x**2) / (x sqrt(pi)).
    w = -np.log1p(-a * a)
    central = np.polyval(_ERFINV_CENTRAL, w - 2.5)
    tail = np.polyval(_ERFINV_TAIL, np.sqrt(w) - 3.0)
    guess = np.where(w < 5.0, central, tail) * a
    log_q = -np.log1p(-a)
    far = np.sqrt(log_q)
    for _ in range(3):
        far = np.sqrt(log_q - np.log(_SQRT_PI * far))
    return np.where(a > 1.0 - 1e-6, far, guess)


# Giles's polynomials, highest degree first (np.polyval order).
# fmt: off
_ERFINV_CENTRAL = (
    2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
    -0.00125372503, -0.00417768164, 0.246640727, 1.50140941,
)
_ERFINV_TAIL = (
    -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
    -0.0076224613, 0.00943887047, 1.00167406, 2.83297682,
)
# fmt: on


def erfinv(x):
    """Inverse error function on [-1, 1] (+-inf at +-1, NaN outside); in x's float dtype."""
    special = _scipy_special()
    if special is not None:
        return special.erfinv(x).astype(x.dtype, copy=False)
    return numpy_erfinv(x)


def numpy_erfinv(x):
    """`erfinv` in NumPy alone: a guess refined by two Halley steps, float64 precision."""
    y = x.astype(np.float64, copy=False)
    a = np.abs(y)
    with np.errstate(all="ignore"):
        r = _erfinv_guess(a)
        for _ in range(2):
            # The residual from erfc for a >= 0.5, where 1 - a is exact.
            f = np.where(a < 0.5, numpy_erf(r) - a, (1.0 - a) - numpy_erfc(r))
            step = f * (0.5 * _SQRT_PI) * np.exp(r * r)
            r = r - step / (1.0 + r * step)
        r = np.where(a == 1.0, np.inf, np.where(a > 1.0, np.nan, r))
    return np.copysign(r, y).astype(x.dtype, copy=False)


def i1(x):
    """Modified Bessel function of the first kind, order 1, elementwise; in x's float dtype."""
    y = x.astype(np.float64, copy=False)
    z = np.abs(y)
    with np.errstate(over="ignore", invalid="ignore"):
        near = _poly(_I1_SMALL, np.minimum(z, 8.0) * 0.25 - 1.0, np.empty_like(z)) * z
        far = _poly(_I1_LARGE, 16.0 / np.maximum(z, 8.0) - 1.0, np.empty_like(z))
        far /= np.sqrt(np.maximum(z, 8.0))
        out = np.where(z <= 8.0, near, far) * np.exp(z)
        out = np.copysign(np.where(z == np.inf, z, out), y)
        return out.astype(x.dtype, copy=False)  # overflows to inf where the dtype ends


def solve_triangular(a, b, lower=False):
    """Solve `a @ x = b` for triangular `a` (..., M, M) and matrix `b` (..., M, K).

    Only the `lower` (or upper) triangle of `a` is read. Batch axes broadcast.
    """
    try:
        from scipy.linalg import solve_triangular as scipy_solve_triangular
    except ImportError:
        scipy_solve_triangular = None
    if scipy_solve_triangular is not None and a.ndim == 2 and b.ndim == 2:
        return scipy_solve_triangular(a, b, lower=lower, check_finite=False).astype(
            np.result_type(a, b), copy=False
        )
    # Without SciPy (or for batches): an LU solve of the masked triangle.
    tri = np.tril(a) if lower else np.triu(a)
    return np.linalg.solve(tri, b)


def lu_factor(a):
    """LU factorization with partial pivoting, packed like LAPACK's getrf.

    Returns `(lu, pivots)`: `lu` holds U in its upper triangle and the unit-lower
    L below the diagonal; `pivots[..., i]` is the 0-based row swapped with row i.
    Works on batches (..., M, N).
    """
    try:
        from scipy.linalg import lu_factor as scipy_lu_factor
    except ImportError:
        scipy_lu_factor = None
    if scipy_lu_factor is not None and a.ndim == 2 and a.size:
        lu, piv = scipy_lu_factor(a, check_finite=False)
        return lu.astype(a.dtype, copy=False), piv.astype(np.int32)
    lu = np.array(a, copy=True)
    m, n = lu.shape[-2:]
    k = min(m, n)
    pivots = np.zeros((*lu.shape[:-2], k), dtype=np.int32)
    for j in range(k):  # one vectorized elimination step per column
        p = np.argmax(np.abs(lu[..., j:, j]), axis=-1) + j
        pivots[..., j] = p
        idx = p[..., None, None]
        row_p = np.take_along_axis(lu, np.broadcast_to(idx, (*lu.shape[:-2], 1, n)), axis=-2)
        row_j = lu[..., j : j + 1, :].copy()
        np.put_along_axis(lu, np.broadcast_to(idx, (*lu.shape[:-2], 1, n)), row_j, axis=-2)
        lu[..., j : j + 1, :] = row_p
        pivot = lu[..., j, j]
        safe = np.where(pivot == 0, 1, pivot)
        lu[..., j + 1 :, j] /= safe[..., None]
        lu[..., j + 1 :, j + 1 :] -= lu[..., j + 1 :, j, None] * lu[..., j, None, j + 1 :]
    return lu, pivots


def eig(a):
    """Eigenvalues and right eigenvectors of general square matrices (always complex)."""
    w, v = np.linalg.eig(a)
    ctype = np.result_type(a.dtype, np.complex64)
    return w.astype(ctype, copy=False), v.astype(ctype, copy=False)


def scatter_max(target, indices, updates):
    """Set `target` at `indices` to the maximum of itself and `updates`, in place."""
    np.maximum.at(target, indices, updates)
    return target


def scatter_min(target, indices, updates):
    """Set `target` at `indices` to the minimum of itself and `updates`, in place."""
    np.minimum.at(target, indices, updates)
    return target


def scatter_mul(target, indices, updates):
    """Multiply `target` at `indices` by `updates`, repeated indices compounding, in place."""
    np.multiply.at(target, indices, updates)
    return target


def einsum_direct(subscripts, *operands):
    """`np.einsum` without contraction-path search: fastest for small operands."""
    return np.einsum(subscripts, *operands)
