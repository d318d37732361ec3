"""Shape ops: reshape, transpose, expand_dims, squeeze, flip, roll, repeat, tile, ..."""

import numpy as np

from lamina.autodiff import Tensor, primitive
from lamina.backend import kernels_for
from lamina.ops._axes import canonical_axis, normalize_axis
from lamina.ops._dtypes import xp_of

__all__ = [
    "broadcast_to",
    "expand_dims",
    "flip",
    "fliplr",
    "flipud",
    "moveaxis",
    "ndim",
    "ravel",
    "repeat",
    "reshape",
    "roll",
    "rot90",
    "size",
    "squeeze",
    "swapaxes",
    "tile",
    "transpose",
]


def _int_tuple(values):
    """A tuple of Python ints from an int, a sequence, or a tensor/array."""
    if isinstance(values, Tensor):
        values = values.numpy()
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, int):
        return (values,)
    return tuple(-1 if v is None else int(v) for v in values)


@primitive(nin=1)
def reshape(x, newshape):
    """Give `x` a new shape with the same number of elements (-1 infers one dim).

    Args:
        x: input tensor.
        newshape: an int or a tuple of ints; one entry may be -1 (or None).

    Example:
        >>> ops.reshape(ops.arange(6), (2, -1)).shape
        (2, 3)
    """
    if type(newshape) is not tuple or None in newshape:
        newshape = _int_tuple(newshape)
    try:
        out = x.reshape(newshape)
    except ValueError as err:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
            f"into shape {newshape}."
        ) from err
    shape = x.shape

    def vjp(g):
        return g.reshape(shape)

    return out, vjp


@primitive
def transpose(x, axes=None):
    """Permute the axes of `x` (reverse them when `axes` is None).

    Example:
        >>> ops.transpose(ops.ones((2, 3, 4)), (1, 0, 2)).shape
        (3, 2, 4)
    """
    if axes is None:
        return x.transpose(), (lambda g: g.transpose())
    key = (tuple(axes), x.ndim)
    plan = _TRANSPOSE_PLANS.get(key)
    if plan is None:
        plan = _TRANSPOSE_PLANS[key] = _transpose_plan(axes, x.shape)
    axes, inverse = plan

    def vjp(g):
        return g.transpose(inverse)

    return x.transpose(axes), vjp


_TRANSPOSE_PLANS: dict = {}


def _transpose_plan(axes, shape):
    """Validated non-negative axes and their inverse permutation (cached per call pattern)."""
    ndim = len(shape)
    axes = tuple(int(a) % ndim if ndim else int(a) for a in axes)
    if sorted(axes) != list(range(ndim)):
        raise ValueError(
            f"transpose: `axes` must be a permutation of 0..{ndim - 1}, received {axes} "
            f"for a tensor of shape {shape}."
        )
    inverse = [0] * ndim
    for i, a in enumerate(axes):
        inverse[a] = i
    return axes, tuple(inverse)


def _reshape_back(shape):
    return lambda g: g.reshape(shape)


@primitive(nin=1)
def expand_dims(x, axis):
    """Insert size-1 axes at `axis` (an int or a tuple) of the result.

    Example:
        >>> ops.expand_dims(ops.ones((2, 3)), (0, -1)).shape
        (1, 2, 3, 1)
    """
    axes = normalize_axis(axis, x.ndim + (1 if isinstance(axis, int) else len(axis)))
    shape = list(x.shape)
    for a in axes:
        shape.insert(a, 1)
    return x.reshape(shape), _reshape_back(x.shape)


@primitive
def squeeze(x, axis=None):
    """Remove size-1 axes (all of them, or those in `axis`).

    Example:
        >>> ops.squeeze(ops.ones((1, 2, 1))).shape
        (2,)
    """
    if axis is None:
        newshape = tuple(n for n in x.shape if n != 1)
    else:
        axes = normalize_axis(axis, x.ndim)
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot squeeze axis {a} of size {x.shape[a]} "
                    f"(tensor shape {x.shape}); only size-1 axes can be removed."
                )
        newshape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    return x.reshape(newshape), _reshape_back(x.shape)


def _permuted(x, perm):
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[p] = i
    return x.transpose(perm), (lambda g: g.transpose(inverse))


@primitive(nin=1)
def moveaxis(x, source, destination):
    """Move axes of `x` from `source` to `destination` (ints or sequences).

    Example:
        >>> ops.moveaxis(ops.ones((2, 3, 4)), 0, -1).shape
        (3, 4, 2)
    """
    src = [canonical_axis(a, x.ndim, "moveaxis") for a in _int_tuple(source)]
    dst = [canonical_axis(a, x.ndim, "moveaxis") for a in _int_tuple(destination)]
    if len(src) != len(dst):
        raise ValueError(
            "moveaxis: `source` and `destination` must have the same number of axes, "
            f"received {source} and {destination}."
        )
    perm = [a for a in range(x.ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return _permuted(x, perm)


@primitive(nin=1)
def swapaxes(x, axis1, axis2):
    """Interchange two axes of `x`.

    Example:
        >>> ops.swapaxes(ops.ones((2, 3, 4)), 0, 2).shape
        (4, 3, 2)
    """
    a = canonical_axis(axis1, x.ndim, "swapaxes")
    b = canonical_axis(axis2, x.ndim, "swapaxes")
    perm = list(range(x.ndim))
    perm[a], perm[b] = perm[b], perm[a]
    return _permuted(x, perm)


@primitive
def ravel(x):
    """Flatten `x` to 1-D.

    Example:
        >>> ops.ravel(ops.ones((2, 3))).shape
        (6,)
    """
    return x.reshape(-1), _reshape_back(x.shape)


@primitive(nin=1)
def broadcast_to(x, shape):
    """Broadcast `x` to `shape` (NumPy's broadcasting rules).

    Example:
        >>> ops.broadcast_to([1.0, 2.0], (3, 2)).shape
        (3, 2)
    """
    xp = xp_of(x)
    shape = _int_tuple(shape)
    try:
        out = xp.broadcast_to(x, shape)
    except ValueError as err:
        raise ValueError(
            f"broadcast_to: cannot broadcast a tensor of shape {x.shape} to {shape}; "
            "each dimension must match or be 1 in the input."
        ) from err
    return out, (lambda g: g)  # the engine sums g back to x's shape


@primitive
def flip(x, axis=None):
    """Reverse the order of elements along `axis` (all axes when None).

    Example:
        >>> ops.flip([1, 2, 3])  # [3, 2, 1]
    """
    xp = xp_of(x)
    axes = normalize_axis(axis, x.ndim)

    def vjp(g):
        return xp.flip(g, axis=axes)

    return xp.flip(x, axis=axes), vjp


def _require_ndim(x, n, name):
    if x.ndim < n:
        raise ValueError(f"{name}: expected a tensor of rank >= {n}, received shape {x.shape}.")


@primitive
def fliplr(x):
    """Reverse the order of columns (axis 1).

    Example:
        >>> ops.fliplr([[1, 2], [3, 4]])  # [[2, 1], [4, 3]]
    """
    _require_ndim(x, 2, "fliplr")
    return flip.forward(x, 1)


@primitive
def flipud(x):
    """Reverse the order of rows (axis 0).

    Example:
        >>> ops.flipud([[1, 2], [3, 4]])  # [[3, 4], [1, 2]]
    """
    _require_ndim(x, 1, "flipud")
    return flip.forward(x, 0)


@primitive(nin=1)
def roll(x, shift, axis=None):
    """Roll elements along `axis` by `shift` (elements leaving one end re-enter the other).

    Example:
        >>> ops.roll([1, 2, 3, 4], 1)  # [4, 1, 2, 3]
    """
    xp = xp_of(x)
    if isinstance(shift, int):
        back = -shift
    else:
        shift = _int_tuple(shift)
        back = tuple(-s for s in shift)
    if axis is not None and not isinstance(axis, int):
        axis = _int_tuple(axis)

    def vjp(g):
        return xp.roll(g, back, axis=axis)

    return xp.roll(x, shift, axis=axis), vjp


@primitive
def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees `k` times in the plane of `axes` (first towards second).

    Example:
        >>> ops.rot90([[1, 2], [3, 4]])  # [[2, 4], [1, 3]]
    """
    xp = xp_of(array)
    if array.ndim < 2:
        raise ValueError(f"rot90: expected a tensor of rank >= 2, received shape {array.shape}.")
    axes = tuple(canonical_axis(a, array.ndim, "rot90") for a in axes)
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"rot90: `axes` must be two different axes, received {axes}.")

    def vjp(g):
        return xp.rot90(g, -k, axes=axes)

    return xp.rot90(array, k, axes=axes), vjp


@primitive(nin=1)
def repeat(x, repeats, axis=None):
    """Repeat each element `repeats` times along `axis` (the flattened tensor when None).

    Args:
        x: input tensor.
        repeats: an int, or one count per element along `axis`.
        axis: the axis to repeat along; None flattens first.

    Example:
        >>> ops.repeat([1, 2], 2)  # [1, 1, 2, 2]
    """
    xp = xp_of(x)
    shape = x.shape
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    else:
        axis = canonical_axis(axis, x.ndim, "repeat")
    if not isinstance(repeats, int):
        repeats = _int_tuple(repeats)  # CuPy takes counts as a list, not an array
        repeats = repeats[0] if len(repeats) == 1 else list(repeats)
    out = xp.repeat(x, repeats, axis=axis)
    n = x.shape[axis]

    def vjp(g):
        if isinstance(repeats, int):
            split = (*g.shape[:axis], n, repeats, *g.shape[axis + 1 :])
            return g.reshape(split).sum(axis=axis + 1).reshape(shape)
        owner = xp.repeat(xp.arange(n), repeats)
        grad = xp.zeros(x.shape, g.dtype)
        kernels_for(xp).scatter_add(grad, (slice(None),) * axis + (owner,), g)
        return grad.reshape(shape)

    return out, vjp


@primitive(nin=1)
def tile(x, repeats):
    """Repeat the whole of `x` `repeats[i]` times along each axis.

    Example:
        >>> ops.tile([1, 2], 2)  # [1, 2, 1, 2]
    """
    xp = xp_of(x)
    reps = _int_tuple(repeats)
    rank = max(len(reps), x.ndim)
    reps = (1,) * (rank - len(reps)) + reps
    base = (1,) * (rank - x.ndim) + x.shape
    shape = x.shape

    def vjp(g):
        interleaved = [n for pair in zip(reps, base) for n in pair]
        return g.reshape(interleaved).sum(axis=tuple(range(0, 2 * rank, 2))).reshape(shape)

    return xp.tile(x, reps), vjp


def ndim(x):
    """The rank of `x` as a Python int.

    Example:
        >>> ops.ndim(ops.ones((2, 3)))
        2
    """
    return x.ndim if hasattr(x, "ndim") else np.ndim(x)


def size(x):
    """The number of elements of `x` as a Python int.

    Example:
        >>> ops.size(ops.ones((2, 3)))
        6
    """
    return x.size if hasattr(x, "size") and not callable(x.size) else np.size(x)
