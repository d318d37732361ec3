"""Private array primitives for stacking and slicing (one tape node each), for the scans."""

from __future__ import annotations

import functools

import numpy as np

from lamina.autodiff import Tensor, primitive
from lamina.ops._dtypes import xp_of
from lamina.ops._nest import _flatten, _pack, _to_tensor


@primitive(multiple_outputs=True)
def _unstack(x):
    """Split `x` along axis 0 into `x.shape[0]` tensors (one node for all)."""
    xp = xp_of(x)

    def vjp(gs):
        return xp.stack(gs)

    return tuple(x[i] for i in range(x.shape[0])), vjp


@functools.cache
def _stack_primitive(n):
    def stack(*args):
        *arrays, axis = args
        xp = xp_of(*arrays)
        out = xp.stack(arrays, axis=axis)

        def vjp(g):
            parts = xp.moveaxis(g, axis, 0)
            grads = tuple(parts[i] for i in range(n))
            return grads if n > 1 else grads[0]

        return out, vjp

    return primitive(nin=n)(stack)


def _stack(tensors, axis=0):
    return _stack_primitive(len(tensors))(*tensors, axis)


@functools.cache
def _concat_primitive(n):
    def concatenate(*args):
        *arrays, axis = args
        xp = xp_of(*arrays)
        sizes = [a.shape[axis] for a in arrays]
        bounds = np.cumsum([0, *sizes])

        def vjp(g):
            grads = tuple(
                _take(g, slice(int(bounds[i]), int(bounds[i + 1])), axis) for i in range(n)
            )
            return grads if n > 1 else grads[0]

        return xp.concatenate(arrays, axis=axis), vjp

    return primitive(nin=n)(concatenate)


def _take(x, index, axis):
    return x[(slice(None),) * axis + (index,)]


@primitive(nin=1)
def _slice_axis(x, start, stop, step, axis):
    """`x[start:stop:step]` along `axis`."""
    key = (slice(None),) * axis + (slice(start, stop, step),)
    xp = xp_of(x)

    def vjp(g):
        grad = xp.zeros(x.shape, dtype=g.dtype)
        grad[key] = g
        return grad

    return x[key], vjp


@primitive(nin=2)
def _interleave(a, b, axis):
    """Elements of `a` at even and of `b` at odd positions along `axis`."""
    xp = xp_of(a, b)
    n = a.shape[axis] + b.shape[axis]
    shape = (*a.shape[:axis], n, *a.shape[axis + 1 :])
    out = xp.empty(shape, dtype=np.result_type(a.dtype, b.dtype))
    even = (slice(None),) * axis + (slice(0, None, 2),)
    odd = (slice(None),) * axis + (slice(1, None, 2),)
    out[even] = a
    out[odd] = b

    def vjp(g):
        return (lambda: g[even]), (lambda: g[odd])

    return out, vjp


@primitive(nin=1)
def _broadcast_to(x, shape):
    xp = xp_of(x)
    return xp.broadcast_to(x, shape), (lambda g: g)


@primitive(nin=1)
def _reshape(x, shape):
    return x.reshape(shape), (lambda g: g.reshape(x.shape))


def _stack_outputs(outputs, structure):
    """Stack a list of equally structured outputs leaf by leaf along a new axis 0."""
    flat = [_flatten(o) for o in outputs]
    stacked = []
    for i, leaf in enumerate(flat[0]):
        if leaf is None:
            stacked.append(None)
        else:
            stacked.append(_stack([_to_tensor(f[i]) for f in flat]))
    return _pack(structure, iter(stacked))


def _empty_stacked(example):
    """Zero-length stacks shaped like `example`'s leaves (for loops of length 0)."""

    def empty(leaf):
        if leaf is None:
            return None
        leaf = _to_tensor(leaf)
        xp = xp_of(leaf._value)
        return Tensor(xp.zeros((0, *leaf.shape), dtype=leaf._value.dtype))

    return _pack(example, iter([empty(x) for x in _flatten(example)]))


def _zeros_slice(x):
    xp = xp_of(x._value)
    return Tensor(xp.zeros(x.shape[1:], dtype=x._value.dtype))
