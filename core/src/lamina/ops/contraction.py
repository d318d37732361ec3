"""Contractions: matmul, dot, einsum, tensordot, inner, outer, vdot, kron, cross, ...

Also the pairwise ops built on products (cdist, corrcoef, correlate) and the
patch extraction pair unfold/fold (im2col/col2im).
"""

from __future__ import annotations

import functools
import math
import string
from collections import Counter

import numpy as np

from lamina.autodiff import primitive
from lamina.backend import floatx, kernels_for
from lamina.ops._dtypes import xp_of

__all__ = [
    "matmul",
    "dot",
    "einsum",
    "inner",
    "outer",
    "tensordot",
    "vdot",
    "kron",
    "cross",
    "correlate",
    "cdist",
    "corrcoef",
    "unfold",
    "fold",
]

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


def _int8_to_int32(x1, x2):
    # Keras asks XLA for int32 accumulation when both operands are int8.
    if x1.dtype == np.int8 and x2.dtype == np.int8:
        return x1.astype(np.int32), x2.astype(np.int32)
    return x1, x2


def _swap_last(a):
    return a.swapaxes(-1, -2)


def unbroadcast(g, shape):
    """Sum a broadcast array `g` back to `shape` (leading axes and size-1 axes)."""
    shape = tuple(shape)
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and g.shape[i + extra] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


# ---------------------------------------------------------------------------
# matmul, dot, inner, tensordot: bilinear contractions

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


def _matmul(x1, x2, name):
    xp = xp_of(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        raise ValueError(
            f"{name}: expected tensors of rank >= 1, received shapes {x1.shape} and "
            f"{x2.shape}. Use multiply for products with scalars."
        )
    try:
        out = xp.matmul(x1, x2)
    except ValueError as err:
        raise ValueError(
            f"{name}: shapes {x1.shape} and {x2.shape} are incompatible; the last "
            "axis of x1 must equal the second-to-last axis of x2 (the only axis for 1-D)."
        ) from err

    def vjp(g):
        a = x1 if x1.ndim > 1 else x1[None, :]
        b = x2 if x2.ndim > 1 else x2[:, None]
        gg = g
        if x2.ndim == 1:  # restore the squeezed axes: (..., M) -> (..., M, 1) ...
            gg = gg[..., None]
        if x1.ndim == 1:  # ... and (..., N) -> (..., 1, N); a 0-d g becomes (1, 1)
            gg = gg[..., None, :]

        def grad_x1():
            r = xp.matmul(gg, _swap_last(b))
            return r.reshape((*r.shape[:-2], r.shape[-1])) if x1.ndim == 1 else r

        def grad_x2():
            r = xp.matmul(_swap_last(a), gg)
            return r.reshape(r.shape[:-1]) if x2.ndim == 1 else r

        return grad_x1, grad_x2

    return out, vjp


def _contract(x1, x2, spec):
    """`einsum(spec, x1, x2)` where every axis of each operand is in the output
    or in the other operand, with no repeated letters (so each vjp is one einsum)."""
    ein = _einsum_kernel(xp_of(x1, x2), spec, (x1.shape, x2.shape))
    inputs, s_out = spec.split("->")
    s1, s2 = inputs.split(",")

    def vjp(g):
        return (
            (lambda: ein(f"{s_out},{s2}->{s1}", g, x2)),
            (lambda: ein(f"{s_out},{s1}->{s2}", g, x1)),
        )

    return ein(spec, x1, x2), vjp


@primitive
def matmul(x1, x2):
    """Matrix product with NumPy's rules for 1-D operands and batch broadcasting.

    Args:
        x1: tensor of shape `(..., M, K)` or `(K,)`.
        x2: tensor of shape `(..., K, N)` or `(K,)`.

    Example:
        >>> ops.matmul(ops.ones((2, 3)), ops.ones((3, 4))).shape
        (2, 4)
    """
    x1, x2 = _int8_to_int32(*common(x1, x2))
    return _matmul(x1, x2, "matmul")


@primitive
def dot(x1, x2):
    """Dot product with NumPy's `dot` rules.

    Scalars multiply; 1-D by 1-D is the inner product; N-D by 1-D sums over the
    last axis of `x1`; N-D by M-D sums over the last axis of `x1` and the
    second-to-last axis of `x2`.

    Args:
        x1: first tensor.
        x2: second tensor.

    Example:
        >>> ops.dot(ops.ones((2, 3)), ops.ones((3,))).numpy()
        array([3., 3.], dtype=float32)
    """
    x1, x2 = common(x1, x2)
    if 1 <= x1.ndim <= 2 and 1 <= x2.ndim <= 2:
        return _matmul(x1, x2, "dot")
    if x1.ndim == 0 or x2.ndim == 0:
        s1, s2 = _LETTERS[: x1.ndim], _LETTERS[10 : 10 + x2.ndim]
        return _contract(x1, x2, f"{s1},{s2}->{s1 or s2}")
    k = x2.shape[-2] if x2.ndim > 1 else x2.shape[0]
    if x1.shape[-1] != k:
        raise ValueError(
            f"dot: shapes {x1.shape} and {x2.shape} are not aligned: the last axis of x1 "
            f"({x1.shape[-1]}) must equal the {'second-to-last' if x2.ndim > 1 else 'only'} "
            f"axis of x2 ({k})."
        )
    s1 = _LETTERS[: x1.ndim]
    s2 = _LETTERS[x1.ndim : x1.ndim + x2.ndim - 2] + s1[-1]
    if x2.ndim > 1:
        s2 = s2 + _LETTERS[x1.ndim + x2.ndim - 2]
    out = s1[:-1] + s2[:-2] + s2[-1] if x2.ndim > 1 else s1[:-1]
    return _contract(x1, x2, f"{s1},{s2}->{out}")


@primitive
def inner(x1, x2):
    """Inner product over the last axes (a product when either is a scalar).

    Args:
        x1: first tensor.
        x2: second tensor; its last axis must match `x1`'s.

    Example:
        >>> ops.inner(ops.ones((2, 3)), ops.ones((4, 3))).shape
        (2, 4)
    """
    x1, x2 = common(x1, x2)
    s1 = _LETTERS[: x1.ndim]
    s2 = _LETTERS[10 : 10 + x2.ndim]
    if x1.ndim and x2.ndim:
        if x1.shape[-1] != x2.shape[-1]:
            raise ValueError(
                f"inner: the last axes must match, received shapes {x1.shape} and {x2.shape}."
            )
        s2 = s2[:-1] + s1[-1]
        return _contract(x1, x2, f"{s1},{s2}->{s1[:-1]}{s2[:-1]}")
    return _contract(x1, x2, f"{s1},{s2}->{s1 or s2}")


def _tensordot_axes(axes, nd1, nd2):
    if isinstance(axes, int) or (hasattr(axes, "__index__") and not hasattr(axes, "__len__")):
        n = int(axes)
        if n < 0 or n > min(nd1, nd2):
            raise ValueError(
                f"tensordot: axes={n} must be between 0 and the smaller rank ({min(nd1, nd2)})."
            )
        return list(range(nd1 - n, nd1)), list(range(n))
    a1, a2 = axes
    a1 = [int(a1)] if np.ndim(a1) == 0 else [int(a) for a in a1]
    a2 = [int(a2)] if np.ndim(a2) == 0 else [int(a) for a in a2]
    if len(a1) != len(a2):
        raise ValueError(
            f"tensordot: both axes lists must have the same length, received {axes!r}."
        )
    return [a % nd1 for a in a1], [a % nd2 for a in a2]


@primitive
def tensordot(x1, x2, axes=2):
    """Sum of products over the given axes.

    Args:
        x1: first tensor.
        x2: second tensor.
        axes: an int N (last N axes of `x1` with the first N of `x2`), or a pair of
            axis lists `(axes_x1, axes_x2)`.

    Example:
        >>> ops.tensordot(ops.ones((2, 3, 4)), ops.ones((3, 4, 5)), axes=2).shape
        (2, 5)
    """
    x1, x2 = common(x1, x2)
    a1, a2 = _tensordot_axes(axes, x1.ndim, x2.ndim)
    s1 = list(_LETTERS[: x1.ndim])
    s2 = list(_LETTERS[x1.ndim : x1.ndim + x2.ndim])
    for i, j in zip(a1, a2):
        if x1.shape[i] != x2.shape[j]:
            raise ValueError(
                f"tensordot: axis {i} of x1 (size {x1.shape[i]}) does not match axis {j} "
                f"of x2 (size {x2.shape[j]}); shapes {x1.shape} and {x2.shape}."
            )
        s2[j] = s1[i]
    out = [c for k, c in enumerate(s1) if k not in a1] + [
        c for k, c in enumerate(s2) if k not in a2
    ]
    return _contract(x1, x2, f"{''.join(s1)},{''.join(s2)}->{''.join(out)}")


@primitive
def outer(x1, x2):
    """Outer product of the flattened inputs: `out[i, j] = x1.ravel()[i] * x2.ravel()[j]`.

    Example:
        >>> ops.outer(ops.ones(2), ops.ones(3)).shape
        (2, 3)
    """
    x1, x2 = common(x1, x2)
    a, b = x1.reshape(-1), x2.reshape(-1)

    def vjp(g):
        return (lambda: (g @ b).reshape(x1.shape)), (lambda: (a @ g).reshape(x2.shape))

    return a[:, None] * b[None, :], vjp


@primitive
def vdot(x1, x2):
    """Dot product of the flattened inputs (the first is conjugated).

    Example:
        >>> float(ops.vdot(ops.ones((2, 2)), ops.ones(4)))
        4.0
    """
    x1, x2 = common(x1, x2)
    if x1.size != x2.size:
        raise ValueError(
            f"vdot: inputs must have the same number of elements, received shapes "
            f"{x1.shape} and {x2.shape}."
        )
    xp = xp_of(x1, x2)
    a, b = x1.reshape(-1), x2.reshape(-1)

    def vjp(g):
        return (lambda: (g * b.conj()).reshape(x1.shape)), (
            lambda: (g * a.conj()).reshape(x2.shape)
        )

    return xp.asarray(xp.vdot(a, b)), vjp


@primitive
def kron(x1, x2):
    """Kronecker product: blocks of `x2` scaled by each element of `x1`.

    Example:
        >>> ops.kron(ops.eye(2), ops.ones((2, 2))).shape
        (4, 4)
    """
    x1, x2 = common(x1, x2)
    ein = kernels_for(xp_of(x1, x2)).einsum_direct  # an outer product: no contraction path
    nd = max(x1.ndim, x2.ndim)
    a = x1.reshape((1,) * (nd - x1.ndim) + x1.shape)
    b = x2.reshape((1,) * (nd - x2.ndim) + x2.shape)
    sa, sb = _LETTERS[:nd], _LETTERS[nd : 2 * nd]
    so = "".join(p + q for p, q in zip(sa, sb))
    interleaved = tuple(n for pair in zip(a.shape, b.shape) for n in pair)
    out = ein(f"{sa},{sb}->{so}", a, b).reshape(tuple(p * q for p, q in zip(a.shape, b.shape)))

    def vjp(g):
        gi = g.reshape(interleaved)
        return (
            (lambda: ein(f"{so},{sb}->{sa}", gi, b).reshape(x1.shape)),
            (lambda: ein(f"{so},{sa}->{sb}", gi, a).reshape(x2.shape)),
        )

    return out, vjp


# ---------------------------------------------------------------------------
# einsum


@functools.lru_cache(maxsize=1024)
def _parse_einsum(subscripts, shapes):
    """Expand ellipses into letters; return (input terms, output term)."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a string, received {subscripts!r}.")
    s = subscripts.replace(" ", "")
    for c in s:
        if not (c in _LETTERS or c in ",.->"):
            raise ValueError(f"einsum: invalid character {c!r} in subscripts {subscripts!r}.")
    lhs, arrow, rhs = s.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: subscripts {subscripts!r} name {len(terms)} operand(s), "
            f"but {len(shapes)} were given."
        )
    used = set(c for c in s if c in _LETTERS)
    fresh = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for t, shape in zip(terms, shapes):
        if "..." in t:
            n_ell = max(n_ell, len(shape) - (len(t) - 3))
    if n_ell > len(fresh):
        raise ValueError("einsum: too many axes for the available subscript letters.")
    ell = "".join(fresh[:n_ell])
    expanded = []
    for i, (t, shape) in enumerate(zip(terms, shapes)):
        if "..." in t:
            n = len(shape) - (len(t) - 3)
            if n < 0:
                raise ValueError(
                    f"einsum: operand {i} has rank {len(shape)}, fewer than the "
                    f"{len(t) - 3} axes named in {t!r}."
                )
            t = t.replace("...", ell[n_ell - n :])
        if "." in t or len(t) != len(shape):
            raise ValueError(
                f"einsum: operand {i} has shape {tuple(shape)} (rank {len(shape)}), but its "
                f"subscripts {terms[i]!r} name {len(t)} axes."
            )
        expanded.append(t)
    expanded = tuple(expanded)
    if arrow:
        out = rhs.replace("...", ell)
        if "." in out:
            raise ValueError(f"einsum: invalid output subscripts {rhs!r}.")
        missing = set(out) - set("".join(expanded))
        if missing:
            raise ValueError(
                f"einsum: output subscript(s) {sorted(missing)} do not appear in the inputs."
            )
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: output subscripts {rhs!r} repeat a letter.")
    else:
        counts = Counter("".join(expanded))
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    return expanded, out


def _einsum_grad(k, terms, out_term, operands, g, ein, xp):
    """Cotangent of operand `k` of `einsum(terms -> out_term)`."""
    term = terms[k]
    other_terms = [t for j, t in enumerate(terms) if j != k]
    others = [x for j, x in enumerate(operands) if j != k]
    available = set(out_term).union(*other_terms)
    unique = "".join(dict.fromkeys(term))
    target = "".join(c for c in unique if c in available)
    grad = ein(",".join([out_term, *other_terms]) + "->" + target, g, *others)
    if target == term:
        return grad
    # Repeated letters (diagonals) and letters summed only inside this operand:
    # rebuild them with identity matrices and vectors of ones.
    shape = operands[k].shape
    fresh = [c for c in _LETTERS if c not in set("".join(terms)) | set(out_term)]
    new_term, extra_terms, extra_ops, seen = [], [], [], set()
    for axis, c in enumerate(term):
        n = shape[axis]
        if c not in seen:
            seen.add(c)
            new_term.append(c)
            if c not in available:
                extra_terms.append(c)
                extra_ops.append(xp.ones(n, dtype=grad.dtype))
        else:
            f = fresh.pop()
            new_term.append(f)
            extra_terms.append(c + f)
            extra_ops.append(xp.eye(n, dtype=grad.dtype))
    spec = ",".join([target, *extra_terms]) + "->" + "".join(new_term)
    return ein(spec, grad, *extra_ops)


@functools.cache
def _einsum_primitive(n):
    def einsum(*args):
        *operands, subscripts, preferred = args
        operands = common(*operands)
        if operands and all(x.dtype == np.int8 for x in operands):
            operands = [x.astype(np.int32) for x in operands]
        xp = xp_of(*operands)
        shapes = tuple(x.shape for x in operands)
        terms, out_term = _parse_einsum(subscripts, shapes)
        spec = ",".join(terms) + "->" + out_term
        ein = _einsum_kernel(xp, spec, shapes)
        out = ein(spec, *operands)
        if preferred is not None:
            out = out.astype(preferred)

        def vjp(g):
            grads = tuple(
                functools.partial(_einsum_grad, k, terms, out_term, operands, g, ein, xp)
                for k in range(n)
            )
            return grads if n > 1 else grads[0]

        return out, vjp

    return primitive(nin=n)(einsum)


def einsum(subscripts, *operands, **kwargs):
    """Evaluate the Einstein summation convention on the operands.

    Supports implicit and explicit output, ellipses, broadcasting of size-1 axes,
    repeated letters (diagonals) and traces, with gradients for every operand.

    Args:
        subscripts: e.g. `"ij,jk->ik"`.
        *operands: the tensors.
        **kwargs: `optimize` and `precision` are accepted and ignored;
            `preferred_element_type` casts the result.

    Example:
        >>> ops.einsum("ij,jk->ik", ops.ones((2, 3)), ops.ones((3, 4))).shape
        (2, 4)
    """
    preferred = kwargs.pop("preferred_element_type", None)
    kwargs.pop("optimize", None)
    kwargs.pop("precision", None)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword argument(s) {sorted(kwargs)}.")
    if not operands:
        raise ValueError("einsum: at least one operand is required.")
    return _einsum_primitive(len(operands))(*operands, subscripts, preferred)


# ---------------------------------------------------------------------------
# cross, correlate


def _cross3(xp, a, b):
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return xp.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


def _to3(xp, v):
    if v.shape[-1] == 3:
        return v
    return xp.concatenate([v, xp.zeros((*v.shape[:-1], 1), dtype=v.dtype)], axis=-1)


@primitive
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 2- or 3-element vectors along the given axes (broadcasting).

    Args:
        x1: vectors along `axisa`.
        x2: vectors along `axisb`.
        axisa, axisb: the vector axes of the inputs.
        axisc: the vector axis of the output (absent when both inputs are 2-vectors).
        axis: overrides `axisa`, `axisb` and `axisc`.

    Example:
        >>> ops.cross(ops.convert_to_tensor([1.0, 0, 0]), ops.convert_to_tensor([0.0, 1, 0]))
        ... # [0, 0, 1]
    """
    x1, x2 = common(x1, x2)
    if x1.dtype.kind == "b":
        raise TypeError("cross: boolean inputs are not supported; cast them to a number type.")
    if axis is not None:
        axisa = axisb = axisc = axis
    xp = xp_of(x1, x2)
    a = xp.moveaxis(x1, axisa, -1)
    b = xp.moveaxis(x2, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(
            "cross: incompatible dimensions for cross product (the vector axes must "
            f"have 2 or 3 elements); received {na} and {nb}."
        )
    a3, b3 = _to3(xp, a), _to3(xp, b)
    c3 = _cross3(xp, a3, b3)
    planar = na == 2 and nb == 2
    out = c3[..., 2] if planar else xp.moveaxis(c3, -1, axisc)

    def vjp(g):
        if planar:
            g3 = xp.stack([xp.zeros_like(g), xp.zeros_like(g), g], axis=-1)
        else:
            g3 = xp.moveaxis(g, axisc, -1)

        def grad_a():
            ga = unbroadcast(_cross3(xp, b3, g3)[..., :na], a.shape)
            return xp.moveaxis(ga, -1, axisa)

        def grad_b():
            gb = unbroadcast(_cross3(xp, g3, a3)[..., :nb], b.shape)
            return xp.moveaxis(gb, -1, axisb)

        return grad_a, grad_b

    return out, vjp


def _correlate_valid(x, y):
    """`out[k] = sum_n x[n + k] * y[n]` for every full overlap (len(x) >= len(y))."""
    windows = kernels_for(xp_of(x, y)).sliding_window_view(x, y.shape[0])
    return windows @ y


@primitive
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors: `out[k] = sum_n x1[n + k] * x2[n]`.

    Args:
        x1: 1-D tensor.
        x2: 1-D tensor.
        mode: `"valid"`, `"same"` or `"full"`, as in NumPy.

    Example:
        >>> ops.correlate(ops.convert_to_tensor([1.0, 2, 3]), ops.convert_to_tensor([0.0, 1, 0.5]))
        ... # [3.5]
    """
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full', received {mode!r}.")
    x1, x2 = _float_result(x1, x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(
            f"correlate: inputs must be 1-D, received shapes {x1.shape} and {x2.shape}."
        )
    xp = xp_of(x1, x2)
    n, m = x1.shape[0], x2.shape[0]
    if n == 0 or m == 0:
        raise ValueError("correlate: inputs must not be empty.")
    # Full correlation: lags -(m - 1) .. n - 1, computed on x1 padded with zeros.
    padded = xp.concatenate([xp.zeros(m - 1, x1.dtype), x1, xp.zeros(m - 1, x1.dtype)])
    full = _correlate_valid(padded, x2)
    length = {"full": n + m - 1, "valid": abs(n - m) + 1, "same": max(n, m)}[mode]
    start = {"full": 0, "valid": min(n, m) - 1, "same": (min(n, m) - 1) // 2}[mode]
    if n < m and mode == "same":
        start = (n + m - 1 - length) - (min(n, m) - 1) // 2
    out = full[start : start + length]

    def vjp(g):
        g_full = xp.zeros(n + m - 1, g.dtype)
        g_full[start : start + length] = g
        return (
            (lambda: _correlate_valid(g_full, x2[::-1])),
            (lambda: _correlate_valid(padded, g_full)),
        )

    return out, vjp


# ---------------------------------------------------------------------------
# cdist, corrcoef


@primitive
def cdist(x, y):
    """Euclidean distances between each pair of vectors of two collections.

    Args:
        x: tensor of shape `(..., M, D)`.
        y: tensor of shape `(..., N, D)`.

    Returns:
        A tensor of shape `(..., M, N)`. The gradient at zero distance is 0.

    Example:
        >>> ops.cdist(ops.zeros((2, 3)), ops.ones((4, 3))).shape
        (2, 4)
    """
    x, y = _float_result(x, y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(
            f"cdist: inputs must have rank >= 2, received shapes {x.shape} and {y.shape}."
        )
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(
            f"cdist: the last axes (vector size) must match, received shapes "
            f"{x.shape} and {y.shape}."
        )
    xp = xp_of(x, y)
    # Differences rather than |x|^2 + |y|^2 - 2xy: no cancellation for close points.
    diff = x[..., :, None, :] - y[..., None, :, :]
    dist = xp.sqrt(xp.sum(diff * diff, axis=-1))

    def vjp(g):
        w = g / xp.where(dist == 0, 1, dist)
        w = xp.where(dist == 0, 0, w)

        def grad_x():
            return x * xp.sum(w, axis=-1)[..., None] - xp.matmul(w, y)

        def grad_y():
            return y * xp.sum(w, axis=-2)[..., None] - xp.matmul(_swap_last(w), x)

        return grad_x, grad_y

    return dist, vjp


@primitive
def corrcoef(x):
    """Pearson correlation coefficients of the rows (variables) of `x`.

    Args:
        x: tensor of shape `(N, M)`: N variables with M observations each
            (a 1-D tensor is one variable).

    Example:
        >>> ops.corrcoef(ops.convert_to_tensor([[1.0, 2, 3], [2.0, 4, 7]])).shape
        (2, 2)
    """
    (x,) = _float_result(x)
    if x.ndim > 2:
        raise ValueError(f"corrcoef: input must be 1-D or 2-D, received shape {x.shape}.")
    xp = xp_of(x)
    rows = x.reshape(1, -1) if x.ndim < 2 else x
    m = rows.shape[1]
    centered = rows - xp.mean(rows, axis=1, keepdims=True)
    cov = centered @ centered.T / (m - 1)
    std = xp.sqrt(xp.diagonal(cov))
    inv_std = 1 / std
    corr = cov * inv_std[:, None] * inv_std[None, :]
    out = xp.clip(corr, -1, 1)
    single = rows.shape[0] == 1  # one variable: a 0-d result, as NumPy and JAX give
    if single:
        out = out[0, 0]

    def vjp(g):
        g = g.reshape(1, 1) if single else g
        g_cov = g * inv_std[:, None] * inv_std[None, :]
        gc = g * cov
        g_inv_std = gc @ inv_std + gc.T @ inv_std
        # d(1/sqrt(c_kk))/dc_kk = -c_kk^(-3/2) / 2
        g_diag = -0.5 * g_inv_std * inv_std**3
        g_cov = g_cov + xp.eye(g_cov.shape[0], dtype=g_cov.dtype) * g_diag[None, :]
        g_centered = (g_cov + g_cov.T) @ centered / (m - 1)
        g_rows = g_centered - xp.mean(g_centered, axis=1, keepdims=True)
        return g_rows.reshape(x.shape)

    return out, vjp


# ---------------------------------------------------------------------------
# unfold / fold (im2col / col2im)


def _pair(value, name, op):
    if isinstance(value, int) or hasattr(value, "__index__"):
        return int(value), int(value)
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"{op}: {name} must be an int or a pair of ints, received {value!r}.")
    return value


def _patch_geometry(op, spatial, kernel_size, dilation, padding, stride):
    k = _pair(kernel_size, "kernel_size", op)
    d = _pair(dilation, "dilation", op)
    p = _pair(padding, "padding", op)
    s = _pair(stride, "stride", op)
    counts = tuple((spatial[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) // s[i] + 1 for i in range(2))
    if min(counts) < 1:
        raise ValueError(
            f"{op}: kernel_size={k} with dilation={d} does not fit the padded spatial "
            f"size {tuple(spatial[i] + 2 * p[i] for i in range(2))}."
        )
    return k, d, p, s, counts


def _patch_slices(k, d, s, counts):
    """For each kernel offset, the strided spatial slices it reads."""
    for i in range(k[0]):
        for j in range(k[1]):
            yield (
                i,
                j,
                (
                    slice(i * d[0], i * d[0] + s[0] * (counts[0] - 1) + 1, s[0]),
                    slice(j * d[1], j * d[1] + s[1] * (counts[1] - 1) + 1, s[1]),
                ),
            )


def _unfold_raw(xp, x, k, d, p, s, counts):
    n, c, h, w = x.shape
    padded = xp.zeros((n, c, h + 2 * p[0], w + 2 * p[1]), dtype=x.dtype)
    padded[:, :, p[0] : p[0] + h, p[1] : p[1] + w] = x
    out = xp.empty((n, c, k[0], k[1], counts[0], counts[1]), dtype=x.dtype)
    for i, j, (rows, cols) in _patch_slices(k, d, s, counts):
        out[:, :, i, j] = padded[:, :, rows, cols]
    return out.reshape(n, c * k[0] * k[1], counts[0] * counts[1])


def _fold_raw(xp, cols, size, k, d, p, s, counts):
    n = cols.shape[0]
    c = cols.shape[1] // (k[0] * k[1])
    blocks = cols.reshape(n, c, k[0], k[1], counts[0], counts[1])
    padded = xp.zeros((n, c, size[0] + 2 * p[0], size[1] + 2 * p[1]), dtype=cols.dtype)
    # Within one kernel offset the strided positions are distinct, so += is exact.
    for i, j, (rows, cols_) in _patch_slices(k, d, s, counts):
        padded[:, :, rows, cols_] += blocks[:, :, i, j]
    return padded[:, :, p[0] : p[0] + size[0], p[1] : p[1] + size[1]]


@primitive(nin=1)
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks (im2col) from a channels-first 4-D tensor.

    Args:
        x: tensor of shape `(N, C, H, W)`.
        kernel_size: int or pair `(kH, kW)`.
        dilation, padding, stride: int or pair each.

    Returns:
        A tensor of shape `(N, C * kH * kW, L)`, L the number of blocks.

    Example:
        >>> ops.unfold(ops.ones((1, 2, 4, 4)), kernel_size=2, stride=2).shape
        (1, 8, 4)
    """
    if x.ndim != 4:
        raise ValueError(f"unfold: input must be a 4-D tensor (N, C, H, W), received {x.shape}.")
    xp = xp_of(x)
    k, d, p, s, counts = _patch_geometry(
        "unfold", x.shape[2:], kernel_size, dilation, padding, stride
    )
    size = x.shape[2:]

    def vjp(g):
        return _fold_raw(xp, g, size, k, d, p, s, counts)

    return _unfold_raw(xp, x, k, d, p, s, counts), vjp


@primitive(nin=1)
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum sliding local blocks back into a channels-first 4-D tensor (col2im).

    Args:
        x: tensor of shape `(N, C * kH * kW, L)`.
        output_size: int or pair `(H, W)`.
        kernel_size: int or pair `(kH, kW)`.
        dilation, padding, stride: int or pair each, as given to `unfold`.

    Example:
        >>> cols = ops.unfold(ops.ones((1, 2, 4, 4)), kernel_size=2, stride=2)
        >>> ops.fold(cols, output_size=4, kernel_size=2, stride=2).shape
        (1, 2, 4, 4)
    """
    if x.ndim != 3:
        raise ValueError(f"fold: input must be a 3-D tensor (N, C*kH*kW, L), received {x.shape}.")
    xp = xp_of(x)
    size = _pair(output_size, "output_size", "fold")
    k, d, p, s, counts = _patch_geometry("fold", size, kernel_size, dilation, padding, stride)
    if x.shape[1] % (k[0] * k[1]) or x.shape[2] != counts[0] * counts[1]:
        raise ValueError(
            f"fold: input shape {x.shape} does not match kernel_size={k} and "
            f"{counts[0]}x{counts[1]}={math.prod(counts)} blocks for output_size={size}."
        )

    def vjp(g):
        return _unfold_raw(xp, g, k, d, p, s, counts)

    return _fold_raw(xp, x, size, k, d, p, s, counts), vjp
