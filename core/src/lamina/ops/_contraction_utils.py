"""Shared helpers for the product ops: Keras's dtype rules and the einsum kernel choice."""

from __future__ import annotations

import math
import string

import numpy as np

from lamina.backend import floatx, kernels_for
from lamina.ops._dtypes import xp_of

_LETTERS = string.ascii_letters


# ---------------------------------------------------------------------------
# dtype rules


def result_dtype(*dtypes):
    """Keras's (JAX's) result dtype for arrays of `dtypes`.

    Unlike NumPy, an integer meeting a float keeps the float's width
    (int32 with float16 is float16, not float64).
    """
    dtypes = [np.dtype(d) for d in dtypes]
    inexact = [d for d in dtypes if d.kind in "fc"]
    return np.result_type(*(inexact or dtypes))


def common(*xs):
    """Cast arrays and Python scalars to Keras's common dtype.

    Python scalars are weak: they take the arrays' dtype, except that a Python
    float meeting only integer arrays gives floatx.
    """
    first = getattr(xs[0], "dtype", None)
    if first is not None and all(getattr(x, "dtype", None) == first for x in xs[1:]):
        return list(xs)  # the common case: nothing to cast
    arrays = [x for x in xs if hasattr(x, "dtype")]
    xp = xp_of(*arrays)
    dtype = result_dtype(*(a.dtype for a in arrays))
    if dtype.kind not in "fc" and any(type(x) is float for x in xs):
        dtype = np.dtype(floatx())
    out = []
    for x in xs:
        if not hasattr(x, "dtype"):
            x = xp.asarray(x, dtype=dtype)
        elif x.dtype != dtype:
            x = x.astype(dtype)
        out.append(x)
    return out


def _float_result(*xs):
    """Like `common`, then integers and bools become floatx."""
    xs = common(*xs)
    if xs[0].dtype.kind not in "fc":
        xs = [x.astype(floatx()) for x in xs]
    return xs


def _swap_last(a):
    return a.swapaxes(-1, -2)


# ---------------------------------------------------------------------------
# einsum kernel choice


# Below this many multiply-adds, NumPy's direct einsum loop beats the BLAS path,
# whose Python-level planning costs tens of microseconds per call.
_DIRECT_EINSUM_WORK = 1 << 16


def _einsum_kernel(xp, spec, shapes):
    """The einsum kernel for `spec` on operands of `shapes` (direct when small)."""
    sizes = {}
    for term, shape in zip(spec.split("->")[0].split(","), shapes):
        for c, n in zip(term, shape):
            sizes[c] = max(sizes.get(c, 1), n)
    kernels = kernels_for(xp)
    if math.prod(sizes.values()) <= _DIRECT_EINSUM_WORK:
        return kernels.einsum_direct
    return kernels.einsum
