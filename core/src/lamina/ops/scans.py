"""Scans and maps: scan, map, associative_scan, vectorized_map and vectorize.

lamina is eager, so these call their Python functions once per slice: the lamina
ops they call are recorded by an active GradientTape, and the slicing and
stacking around them are differentiable primitives.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np

from lamina.ops._nest import _flatten, _pack, _tensors, _to_tensor
from lamina.ops._stacking import (
    _broadcast_to,
    _concat_primitive,
    _empty_stacked,
    _interleave,
    _reshape,
    _slice_axis,
    _stack_outputs,
    _unstack,
    _zeros_slice,
)

__all__ = ["associative_scan", "map", "scan", "vectorize", "vectorized_map"]


# ---------------------------------------------------------------------------
# scans over the leading axis


def _validate_unroll(unroll):
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(
            f"scan: `unroll` must be a positive integer or a boolean, received unroll={unroll!r}."
        )


def _leading_slices(xs, op):
    """Flatten `xs`, check a common leading size, return (n, per-leaf slices)."""
    leaves = [_to_tensor(x) for x in _flatten(xs)]
    if not leaves or any(x is None or x.ndim == 0 for x in leaves):
        raise ValueError(f"{op}: every input must be a tensor with a leading axis to loop over.")
    n = leaves[0].shape[0]
    if any(x.shape[0] != n for x in leaves):
        raise ValueError(
            f"{op}: all inputs must have the same leading size, received shapes "
            f"{[x.shape for x in leaves]}."
        )
    return n, leaves


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop `carry, y = f(carry, x)` over the leading axis of `xs`, stacking the `y`s.

    Args:
        f: `(carry, x) -> (carry, y)`; structures are preserved; `y` may be None.
        init: the initial carry (any nested structure).
        xs: values to loop over (any nested structure of tensors), or None.
        length: the number of iterations when `xs` is None (default: `xs`'s size).
        reverse: iterate from the last element to the first (`ys` keep `xs`'s order).
        unroll: accepted for compatibility (lamina always runs eagerly).

    Returns:
        `(final_carry, stacked_ys)`.

    Example:
        >>> carry, ys = ops.scan(lambda c, x: (c + x, c + x), 0, ops.convert_to_tensor([1, 2, 3]))
        >>> ys.numpy()
        array([1, 3, 6], dtype=int32)
    """
    if not callable(f):
        raise TypeError(f"scan: `f` must be callable, received {f!r}.")
    _validate_unroll(unroll)
    if xs is None and length is None:
        raise ValueError("scan: got no `xs` to scan over and `length` was not provided.")
    if xs is None:
        n, columns = int(length), []
    else:
        n, leaves = _leading_slices(xs, "scan")
        if length is not None and int(length) != n:
            raise ValueError(f"scan: length={length} does not match the leading size {n} of xs.")
        columns = [_unstack(x) if n else () for x in leaves]
    carry = _tensors(init)
    order = range(n - 1, -1, -1) if reverse else range(n)
    ys = [None] * n
    for i in order:
        x = _pack(xs, iter([c[i] for c in columns])) if xs is not None else None
        carry, ys[i] = f(carry, x)
    if n == 0:
        x = _pack(xs, iter([_zeros_slice(t) for t in leaves])) if xs is not None else None
        _, example = f(carry, x)
        return _tensors(carry), _empty_stacked(example)
    return _tensors(carry), _stack_outputs(ys, ys[0])


def map(f, xs):
    """Apply `f` to each slice of `xs` along its leading axis and stack the results.

    Args:
        f: function of one slice (same structure as `xs`); may return a structure.
        xs: tensor or nested structure of tensors with a common leading size.

    Example:
        >>> ops.map(lambda x: x * x, ops.arange(4)).numpy()
        array([0, 1, 4, 9], dtype=int32)
    """
    n, leaves = _leading_slices(xs, "map")
    if n == 0:
        return _empty_stacked(f(_pack(xs, iter([_zeros_slice(t) for t in leaves]))))
    columns = [_unstack(x) for x in leaves]
    outputs = [f(_pack(xs, iter([c[i] for c in columns]))) for i in range(n)]
    return _stack_outputs(outputs, outputs[0])


def vectorized_map(function, elements):
    """Map `function` over axis 0 of `elements` and stack the results.

    `function` receives one slice with `elements`' structure (for a list of
    tensors, a list of their slices). lamina evaluates it slice by slice.

    Example:
        >>> ops.vectorized_map(lambda x: ops.sum(x), ops.ones((3, 2))).numpy()
        array([2., 2., 2.], dtype=float32)
    """
    return map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan with an associative binary `f`, in O(log n) vectorized steps.

    Args:
        f: associative `r = f(a, b)` applied elementwise over `axis`; `a`, `b` and
            `r` share `elems`' structure.
        elems: tensor or nested structure of tensors with a common size on `axis`.
        reverse: scan from the end.
        axis: the axis to scan over.

    Returns:
        `elems`' structure, where element k combines elements 0..k.

    Example:
        >>> ops.associative_scan(lambda a, b: a + b, ops.arange(5)).numpy()
        array([ 0,  1,  3,  6, 10], dtype=int32)
    """
    if not callable(f):
        raise TypeError(f"associative_scan: `f` must be callable, received {f!r}.")
    leaves = [_to_tensor(x) for x in _flatten(elems)]
    if not leaves or any(x is None or x.ndim == 0 for x in leaves):
        raise ValueError("associative_scan: every element must be a tensor of rank >= 1.")
    axis = int(axis) % leaves[0].ndim
    n = leaves[0].shape[axis]
    if any(x.shape[axis] != n for x in leaves):
        raise ValueError(
            "associative_scan: all inputs must have the same size on the scanned axis, "
            f"received shapes {[x.shape for x in leaves]}."
        )

    def sl(x, start, stop=None, step=1):
        return _slice_axis(x, start, stop, step, axis)

    def combine(a, b):
        out = f(_pack(elems, iter(a)), _pack(elems, iter(b)))
        return [_to_tensor(x) for x in _flatten(out)]

    def run(items):
        count = items[0].shape[axis]
        if count < 2:
            return items
        reduced = combine([sl(e, 0, -1, 2) for e in items], [sl(e, 1, None, 2) for e in items])
        odd = run(reduced)
        if count % 2 == 0:
            even = combine([sl(e, 0, -1) for e in odd], [sl(e, 2, None, 2) for e in items])
        else:
            even = combine(odd, [sl(e, 2, None, 2) for e in items])
        even = [_concat_primitive(2)(sl(e, 0, 1), r, axis) for e, r in zip(items, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    if reverse:
        leaves = [sl(x, None, None, -1) for x in leaves]
    result = run(leaves)
    if reverse:
        result = [sl(x, None, None, -1) for x in result]
    return _pack(elems, iter(result))


# ---------------------------------------------------------------------------
# vectorize

_DIMS = r"\w+"
_CORE = rf"\((?:{_DIMS}(?:,{_DIMS})*)?\)"
_ARGS = rf"{_CORE}(?:,{_CORE})*"
_SIGNATURE = re.compile(rf"^({_ARGS})->({_ARGS})$")


def _parse_signature(signature):
    match = _SIGNATURE.match(signature.replace(" ", ""))
    if not match:
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature!r}.")

    def parse(part):
        return [tuple(re.findall(_DIMS, arg)) for arg in re.findall(_CORE, part)]

    return parse(match.group(1)), parse(match.group(2))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Make `pyfunc` broadcast over leading axes, like `numpy.vectorize`.

    Args:
        pyfunc: function of tensors.
        excluded: positions (ints) or names of arguments passed through unchanged.
        signature: gufunc signature such as `"(n),(n)->()"`, naming each
            argument's core axes (default: all scalar).

    Returns:
        The vectorized function. It calls `pyfunc` once per element of the
        broadcast batch shape and stacks the results (differentiably).

    Example:
        >>> f = ops.vectorize(lambda a, b: a + b)
        >>> f(ops.ones(3), 2.0).numpy()
        array([3., 3., 3.], dtype=float32)
    """
    excluded = set(excluded or ())
    core_in = core_out = None
    if signature is not None:
        core_in, core_out = _parse_signature(signature)

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        args = list(args)
        positions = [i for i in range(len(args)) if i not in excluded]
        if core_in is not None and len(core_in) != len(positions):
            raise ValueError(
                f"vectorize: the signature {signature!r} names {len(core_in)} input(s), "
                f"but {len(positions)} were given."
            )
        tensors = [_to_tensor(args[i]) for i in positions]
        cores = [len(core_in[k]) if core_in else 0 for k in range(len(positions))]
        for t, c in zip(tensors, cores):
            if t.ndim < c:
                raise ValueError(
                    f"vectorize: an input of shape {t.shape} has fewer than the {c} core "
                    f"axes its signature names ({signature!r})."
                )
        batch = np.broadcast_shapes(*[t.shape[: t.ndim - c] for t, c in zip(tensors, cores)])
        size = math.prod(batch)
        flat = []
        for t, c in zip(tensors, cores):
            core_shape = t.shape[t.ndim - c :]
            if t.shape != batch + core_shape:
                t = _broadcast_to(t, batch + core_shape)
            flat.append(_reshape(t, (size, *core_shape)))

        def call(i):
            for k, pos in enumerate(positions):
                args[pos] = rows[k][i]
            return pyfunc(*args, **kwargs)

        if size == 0:
            rows = [[_zeros_slice(t)] for t in flat]
            example = call(0)
            stacked = _empty_stacked(example)
        else:
            rows = [_unstack(t) for t in flat]
            outputs = [call(i) for i in range(size)]
            stacked = _stack_outputs(outputs, outputs[0])
        results = _flatten(stacked)
        if core_out is not None and len(core_out) != len(results):
            raise ValueError(
                f"vectorize: the signature {signature!r} names {len(core_out)} output(s), "
                f"but the function returned {len(results)}."
            )
        reshaped = [None if r is None else _reshape(r, batch + r.shape[1:]) for r in results]
        return _pack(stacked, iter(reshaped))

    return wrapped
