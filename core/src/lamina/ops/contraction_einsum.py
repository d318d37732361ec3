"""einsum: the Einstein summation convention, with gradients for every operand."""

from __future__ import annotations

import functools
from collections import Counter

import numpy as np

from lamina.autodiff import primitive
from lamina.ops._contraction_utils import _LETTERS, _einsum_kernel, common
from lamina.ops._dtypes import xp_of

__all__ = ["einsum"]


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
