"""Joining tensors: concatenate, stack, hstack, vstack, dstack, append.

All share one primitive per (op, number of inputs): the inputs are promoted
to a common dtype (Keras's rules: int32 + float16 -> float16), reshaped when
the op asks for it (stack, the atleast_Nd of h/v/dstack), and concatenated;
the vjp slices the cotangent back into one piece per input.
"""

from lamina.autodiff import Tensor, primitive
from lamina.backend import asarray
from lamina.ops._axes import canonical_axis, result_dtype
from lamina.ops._dtypes import xp_of

__all__ = ["append", "concatenate", "dstack", "hstack", "stack", "vstack"]


def _at_least(shape, kind):
    """The shape each input takes before joining, for h/v/dstack."""
    if kind == "vstack" and len(shape) < 2:
        return (1,) * (2 - len(shape)) + shape
    if kind == "dstack" and len(shape) < 3:
        if len(shape) == 0:
            return (1, 1, 1)
        return ((1, *shape, 1)) if len(shape) == 1 else ((*shape, 1))
    if kind == "hstack" and not shape:
        return (1,)
    return shape


def _join_forward(kind):
    def forward(*args):
        xs, axis = list(args[:-1]), args[-1]
        first = xs[0]
        xp = xp_of(*xs)
        dtype = getattr(first, "dtype", None)
        for i, x in enumerate(xs):
            if not hasattr(x, "dtype"):
                xs[i] = asarray(x)
            if xs[i].dtype != dtype:
                dtype = None
        if dtype is None:
            dtype = result_dtype(*xs)
            xs = [x.astype(dtype, copy=False) for x in xs]
        shapes = [x.shape for x in xs]
        if kind == "stack":
            axis = canonical_axis(axis, xs[0].ndim + 1, "stack")
            xs = [x.reshape((*s[:axis], 1, *s[axis:])) for x, s in zip(xs, shapes)]
        elif kind in ("hstack", "vstack", "dstack"):
            xs = [x.reshape(_at_least(s, kind)) for x, s in zip(xs, shapes)]
            axis = {"vstack": 0, "dstack": 2}.get(kind, 0 if xs[0].ndim == 1 else 1)
        elif axis is None:
            xs = [x.reshape(-1) for x in xs]
            axis = 0
        elif not 0 <= axis < xs[0].ndim:
            axis = canonical_axis(axis, xs[0].ndim, kind)
        out = xp.concatenate(xs, axis=axis)
        bounds, end = [], 0
        for x in xs:
            bounds.append((end, end + x.shape[axis]))
            end += x.shape[axis]
        lead = (slice(None),) * axis

        def vjp(g):
            return tuple(g[(*lead, slice(a, b))].reshape(s) for (a, b), s in zip(bounds, shapes))

        return out, vjp

    forward.__name__ = forward.__qualname__ = kind
    return forward


_FORWARDS = {
    kind: _join_forward(kind)
    for kind in ("concatenate", "append", "stack", "hstack", "vstack", "dstack")
}
_OPS: dict = {}


def _join(kind, xs, axis):
    if isinstance(xs, Tensor) or hasattr(xs, "dtype"):
        xs = list(xs)  # a stacked tensor: join its slices along the first axis
    n = len(xs)
    if n == 0:
        raise ValueError(f"{kind}: expected a non-empty list of tensors, received {xs!r}.")
    op = _OPS.get((kind, n))
    if op is None:
        op = _OPS[(kind, n)] = primitive(_FORWARDS[kind], nin=n)
    return op(*xs, axis)


def concatenate(xs, axis=0):
    """Join a sequence of tensors along an existing axis (None: flatten them first).

    Args:
        xs: a list of tensors with equal shapes except along `axis`.
        axis: the axis to join along.

    Example:
        >>> ops.concatenate([ops.ones((2, 3)), ops.zeros((1, 3))]).shape
        (3, 3)
    """
    return _join("concatenate", xs, axis)


def append(x1, x2, axis=None):
    """Append `x2` to `x1` along `axis` (both flattened when None).

    Example:
        >>> ops.append([1, 2], [[3, 4]])  # [1, 2, 3, 4]
    """
    return _join("append", [x1, x2], axis)


def stack(x, axis=0):
    """Join a sequence of same-shape tensors along a new axis.

    Example:
        >>> ops.stack([ops.ones(3), ops.zeros(3)], axis=1).shape
        (3, 2)
    """
    return _join("stack", x, axis)


def hstack(xs):
    """Join tensors column-wise (along axis 1; axis 0 for 1-D tensors).

    Example:
        >>> ops.hstack([ops.ones((2, 1)), ops.zeros((2, 2))]).shape
        (2, 3)
    """
    return _join("hstack", xs, None)


def vstack(xs):
    """Join tensors row-wise (along axis 0; 1-D tensors become rows).

    Example:
        >>> ops.vstack([ops.ones(3), ops.zeros(3)]).shape
        (2, 3)
    """
    return _join("vstack", xs, None)


def dstack(xs):
    """Join tensors depth-wise (along axis 2, after making them at least 3-D).

    Example:
        >>> ops.dstack([ops.ones((2, 3)), ops.zeros((2, 3))]).shape
        (2, 3, 2)
    """
    return _join("dstack", xs, None)
