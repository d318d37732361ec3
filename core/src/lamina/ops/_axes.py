"""Axis and dtype helpers shared by reductions, shape, indexing and sorting ops."""

from __future__ import annotations

import numpy as np

from lamina.backend import floatx


def normalize_axis(axis, ndim):
    """Return None or a sorted tuple of non-negative axes, validated against `ndim`."""
    if axis is None:
        return None
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, kept cheap
        return (axis + ndim if axis < 0 else axis,)
    axes = (axis,) if isinstance(axis, int) or hasattr(axis, "__index__") else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1) and not (ndim == 0 and a in (0, -1)):
            raise ValueError(
                f"axis {a} is out of bounds for a tensor of rank {ndim}; "
                f"expected an axis in [{-ndim}, {ndim - 1}]."
            )
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def canonical_axis(axis, ndim, op_name="axis"):
    """One axis as a non-negative int, with an error naming the op when out of range."""
    a = int(axis)
    if not -ndim <= a < ndim:
        raise ValueError(
            f"{op_name}: axis {a} is out of bounds for a tensor of rank {ndim}; "
            f"expected an axis in [{-ndim}, {ndim - 1}]."
        )
    return a % ndim


def expand_reduced(g, axis, ndim, keepdims):
    """Re-insert the reduced axes of `g` (size 1) so it broadcasts against the input."""
    if keepdims or (axis is None and g.ndim == ndim):
        return g
    if axis is None:
        return g.reshape((1,) * ndim)
    shape = list(g.shape)
    for a in axis:
        shape.insert(a, 1)
    return g.reshape(shape)


def reduced_shape(shape, axis, keepdims):
    """The shape of a reduction's result over `axis` (None: all axes)."""
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    if keepdims:
        return tuple(1 if i in axis else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axis)


def count(shape, axis):
    """How many elements a reduction over `axis` combines."""
    n = 1
    for a in range(len(shape)) if axis is None else axis:
        n *= shape[a]
    return n


def move_to_end(x, axis):
    """Transpose the axes in `axis` to the end and merge them into one last axis.

    Returns the merged array and the transposed shape (before merging), which
    `restore_from_end` uses to undo it.
    """
    if axis is None:
        return x.reshape(-1), x.shape
    keep = [i for i in range(x.ndim) if i not in axis]
    perm = keep + list(axis)
    moved = x.transpose(perm) if perm != list(range(x.ndim)) else x
    merged = moved.reshape((*(x.shape[i] for i in keep), count(x.shape, axis)))
    return merged, moved.shape


def restore_from_end(y, moved_shape, axis, ndim):
    """Undo `move_to_end` on an array of the merged shape."""
    if axis is None:
        return y.reshape(moved_shape)
    keep = [i for i in range(ndim) if i not in axis]
    perm = keep + list(axis)
    y = y.reshape(moved_shape)
    if perm == list(range(ndim)):
        return y
    inverse = [0] * ndim
    for i, p in enumerate(perm):
        inverse[p] = i
    return y.transpose(inverse)


# Integer sums and products accumulate in at least 32 bits, as in JAX.
_ACCUMULATE = {
    "bool": "int32",
    "int8": "int32",
    "int16": "int32",
    "uint8": "uint32",
    "uint16": "uint32",
}


def accumulate_dtype(dtype):
    """Keras's result dtype for sum/prod/trace of `dtype` (None: keep the input's)."""
    name = dtype.name
    if dtype.kind in "fc":
        return None
    return _ACCUMULATE.get(name, name)


def result_dtype(*values):
    """Keras's (JAX's) promoted dtype for arrays and weak Python scalars.

    Unlike NumPy, an integer array meeting a float array takes the float's
    dtype (int32 + float16 -> float16), and a Python float meeting only
    integer arrays gives floatx.
    """
    arrays = [v.dtype for v in values if hasattr(v, "dtype")]
    scalars = [type(v) for v in values if v is not None and not hasattr(v, "dtype")]
    if not arrays:
        if complex in scalars:
            return np.dtype("complex64")
        if float in scalars:
            return np.dtype(floatx())
        if int in scalars:
            return np.dtype("int32")
        return np.dtype("bool")
    floats = [d for d in arrays if d.kind in "fc"]
    if floats:
        if len(floats) == len(arrays) or len(floats) == 1:
            dtype = floats[0] if len(floats) == 1 else np.result_type(*floats)
        else:
            dtype = np.result_type(*floats)
        if complex in scalars and dtype.kind == "f":
            return np.result_type(dtype, np.complex64)
        return dtype
    dtype = np.result_type(*arrays) if len(arrays) > 1 else arrays[0]
    if float in scalars or complex in scalars:
        return np.dtype(floatx()) if float in scalars else np.dtype("complex64")
    if int in scalars and dtype.kind == "b":
        return np.dtype("int32")
    return dtype


def named(name):
    """Give a private forward the public op's name (used in the engine's error messages)."""

    def rename(fn):
        fn.__name__ = fn.__qualname__ = name
        return fn

    return rename
