"""Shared helpers for the linear algebra ops: compute dtypes, shape checks, triangular solves.

Inputs are stacks of matrices `(..., M, N)`. Integer inputs compute in floatx;
float16 inputs compute in float32 and are cast back (LAPACK has no float16).
"""

from __future__ import annotations

import numpy as np

from lamina.backend import floatx, kernels_for
from lamina.ops._contraction_utils import result_dtype


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


def _batched(xp, a, b):
    """Broadcast the batch axes of matrix stacks `a` and `b` against each other."""
    if a.shape[:-2] == b.shape[:-2]:
        return a, b
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return xp.broadcast_to(a, batch + a.shape[-2:]), xp.broadcast_to(b, batch + b.shape[-2:])


def _tri_solve(xp, a, b, lower):
    """Triangular solve with batch broadcasting (`b` a matrix stack)."""
    a, b = _batched(xp, a, b)
    return kernels_for(xp).solve_triangular(a, b, lower=lower)
