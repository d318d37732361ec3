"""Contractions: matmul, dot, tensordot, inner, outer, vdot, kron and cross.

einsum, correlate, cdist/corrcoef and unfold/fold live in `contraction_einsum`,
`signal`, `pairwise` and `folding`.
"""

from __future__ import annotations

import numpy as np

from lamina.autodiff import primitive
from lamina.autodiff.backprop import sum_to_shape
from lamina.backend import kernels_for
from lamina.ops._contraction_utils import _LETTERS, _einsum_kernel, _swap_last, common
from lamina.ops._dtypes import xp_of

__all__ = ["matmul", "dot", "inner", "outer", "tensordot", "vdot", "kron", "cross"]


# ---------------------------------------------------------------------------
# matmul, dot, inner, tensordot: bilinear contractions


def _int8_to_int32(x1, x2):
    # Keras asks XLA for int32 accumulation when both operands are int8.
    if x1.dtype == np.int8 and x2.dtype == np.int8:
        return x1.astype(np.int32), x2.astype(np.int32)
    return x1, x2


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
# cross


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
            ga = sum_to_shape(_cross3(xp, b3, g3)[..., :na], a.shape)
            return xp.moveaxis(ga, -1, axisa)

        def grad_b():
            gb = sum_to_shape(_cross3(xp, g3, a3)[..., :nb], b.shape)
            return xp.moveaxis(gb, -1, axisb)

        return grad_a, grad_b

    return out, vjp
