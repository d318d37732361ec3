"""CuPy implementations of the non-standard kernels."""

import cupy
import cupyx


def scatter_add(target, indices, updates):
    """Add `updates` into `target` at `indices`, summing repeated indices, in place."""
    cupyx.scatter_add(target, indices, updates)
    return target


def sliding_window_view(x, window_shape, axis=None):
    """A strided view of all windows of `x` (no copy)."""
    return cupy.lib.stride_tricks.sliding_window_view(x, window_shape, axis=axis)


def einsum(subscripts, *operands):
    """`cupy.einsum` (cuBLAS-backed for contractions)."""
    return cupy.einsum(subscripts, *operands)


def pad(x, pad_width, mode="constant", constant_values=0):
    """`cupy.pad`."""
    if mode == "constant":
        return cupy.pad(x, pad_width, mode=mode, constant_values=constant_values)
    return cupy.pad(x, pad_width, mode=mode)


def erf(x):
    """Gauss error function, elementwise, in x's float dtype."""
    from cupyx.scipy.special import erf as cupy_erf

    return cupy_erf(x).astype(x.dtype, copy=False)


def erfc(x):
    """Complementary error function `1 - erf(x)`, in x's float dtype."""
    from cupyx.scipy.special import erfc as cupy_erfc

    return cupy_erfc(x).astype(x.dtype, copy=False)


def erfinv(x):
    """Inverse error function on [-1, 1], in x's float dtype."""
    from cupyx.scipy.special import erfinv as cupy_erfinv

    return cupy_erfinv(x).astype(x.dtype, copy=False)


def i1(x):
    """Modified Bessel function of the first kind, order 1, in x's float dtype."""
    from cupyx.scipy.special import i1 as cupy_i1

    return cupy_i1(x).astype(x.dtype, copy=False)


def solve_triangular(a, b, lower=False):
    """Solve `a @ x = b` for triangular `a` (..., M, M) and matrix `b` (..., M, K)."""
    if a.ndim == 2 and b.ndim == 2:
        from cupyx.scipy.linalg import solve_triangular as cupy_solve_triangular

        return cupy_solve_triangular(a, b, lower=lower)
    tri = cupy.tril(a) if lower else cupy.triu(a)
    return cupy.linalg.solve(tri, b)


def lu_factor(a):
    """LU factorization with partial pivoting, packed like LAPACK's getrf (batched)."""
    if a.ndim == 2 and a.size:
        from cupyx.scipy.linalg import lu_factor as cupy_lu_factor

        lu, piv = cupy_lu_factor(a)
        return lu, piv.astype(cupy.int32)
    from lamina.backend.kernels import numpy_kernels

    lu, piv = numpy_kernels.lu_factor(cupy.asnumpy(a))
    return cupy.asarray(lu), cupy.asarray(piv)


def eig(a):
    """Eigenvalues and right eigenvectors of general square matrices (always complex)."""
    if hasattr(cupy.linalg, "eig"):
        w, v = cupy.linalg.eig(a)
    else:  # older CuPy: no general eigensolver on the device
        import numpy

        w, v = (cupy.asarray(r) for r in numpy.linalg.eig(cupy.asnumpy(a)))
    ctype = cupy.result_type(a.dtype, cupy.complex64)
    return w.astype(ctype, copy=False), v.astype(ctype, copy=False)


def scatter_max(target, indices, updates):
    """Set `target` at `indices` to the maximum of itself and `updates`, in place."""
    cupyx.scatter_max(target, indices, updates)
    return target


def scatter_min(target, indices, updates):
    """Set `target` at `indices` to the minimum of itself and `updates`, in place."""
    cupyx.scatter_min(target, indices, updates)
    return target


def scatter_mul(target, indices, updates):
    """Multiply `target` at `indices` by `updates`, repeated indices compounding, in place.

    CuPy has no multiplicative scatter: updates are applied in rounds, each
    round holding at most one update per target position. `target` must be
    C-contiguous (its rows are updated through a reshaped view).
    """
    key = indices if isinstance(indices, tuple) else (indices,)
    key = cupy.broadcast_arrays(*[cupy.asarray(k) for k in key])
    head, tail = target.shape[: len(key)], target.shape[len(key) :]
    flat = cupy.ravel_multi_index(tuple(key), head, mode="wrap").reshape(-1)
    rows = target.reshape((-1, *tail))
    values = cupy.broadcast_to(updates, key[0].shape + tail).reshape((-1, *tail))
    order = cupy.argsort(flat)
    ranked = flat[order]
    rank = cupy.empty_like(order)
    rank[order] = cupy.arange(flat.shape[0]) - cupy.searchsorted(ranked, ranked, side="left")
    for r in range(int(rank.max()) + 1 if flat.size else 0):
        pick = rank == r
        rows[flat[pick]] *= values[pick]
    return target


def einsum_direct(subscripts, *operands):
    """`cupy.einsum` (CuPy picks its own path; there is no search overhead to skip)."""
    return cupy.einsum(subscripts, *operands)
