"""Core ops: conversion, casting, shape/dtype queries, stop_gradient."""

from __future__ import annotations

import numpy as np

from lamina.autodiff import Tensor, primitive
from lamina.backend import asarray, get_device, namespace, standardize_dtype, to_numpy

__all__ = [
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "dtype",
    "is_tensor",
    "logdet",
    "saturate_cast",
    "shape",
    "slogdet",
    "stop_gradient",
]


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None) -> Tensor:
    """Convert array-like `x` to a Tensor on the current device.

    Python floats become floatx and Python ints int32, as in Keras; NumPy arrays
    keep their dtype unless `dtype` is given. A Tensor on another device is copied
    here (differentiably); one of the right dtype and device is returned as is.

    Example:
        >>> lamina.ops.convert_to_tensor([1, 2]).dtype
        'int32'
    """
    if sparse or ragged:
        raise ValueError("convert_to_tensor: lamina has no sparse or ragged tensors.")
    if getattr(x, "_is_symbolic", False):  # a KerasTensor in a functional model: as Keras
        return x
    if isinstance(x, Tensor):
        if namespace(x._value) is not get_device().xp:
            x = _to_current_device(x)
        if dtype is None or x.dtype == standardize_dtype(dtype):
            return x if type(x) is Tensor else x.value
        return cast(x, dtype)
    return Tensor(asarray(x, dtype=None if dtype is None else standardize_dtype(dtype)))


@primitive
def _to_current_device(x):
    """Copy `x` to the current device; the gradient goes back to where `x` was."""
    source = namespace(x)

    def vjp(g):
        return source.asarray(to_numpy(g)) if source is np else source.asarray(g)

    return asarray(x), vjp


def convert_to_numpy(x) -> np.ndarray:
    """Return `x` as a NumPy array (copied from the GPU if needed)."""
    if isinstance(x, Tensor):
        return x.numpy()
    return to_numpy(x) if hasattr(x, "dtype") else np.asarray(x)


def is_tensor(x) -> bool:
    """True when `x` is a lamina Tensor (or Variable)."""
    return isinstance(x, Tensor)


def shape(x) -> tuple:
    """The shape of `x` as a tuple of ints."""
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def dtype(x) -> str:
    """The dtype of `x` as a Keras dtype string."""
    return standardize_dtype(x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype)


@primitive(nin=1)
def cast(x, dtype):
    """Cast `x` to `dtype`; the gradient is cast back to the input dtype."""
    target = standardize_dtype(dtype)
    if x.dtype == target:
        return x, (lambda g: g)

    def vjp(g):
        return g.astype(x.dtype) if x.dtype.kind in "fc" else None

    return x.astype(target), vjp


@primitive
def stop_gradient(variable):
    """Return the value unchanged, blocking gradients through it."""
    return variable, None


def _limits(dtype):
    if dtype.kind == "b":
        return 0, 1
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
    else:
        info = np.finfo(dtype)
    return info.min, info.max


@primitive(nin=1)
def saturate_cast(x, dtype):
    """Cast `x` to `dtype`, clipping to the target's range first (no wrap-around).

    NaN becomes 0 when casting to an integer type. The gradient passes where
    `x` was inside the range.

    Args:
        x: tensor.
        dtype: the target dtype.

    Example:
        >>> ops.saturate_cast(ops.convert_to_tensor([-1.0, 300.0]), "uint8").numpy()
        array([  0, 255], dtype=uint8)
    """
    target = np.dtype(standardize_dtype(dtype))
    source = x.dtype
    in_min, in_max = _limits(source)
    out_min, out_max = _limits(target)
    # The bounds must be representable in the input dtype; nudge them inwards
    # when rounding there would overshoot the target's range.
    lo = np.asarray(max(in_min, out_min)).astype(source)
    if lo.item() < out_min:  # Python's int/float comparison is exact
        lo = np.nextafter(lo, 0, dtype=source)
    hi = np.asarray(min(in_max, out_max)).astype(source)
    if hi.item() > out_max:
        hi = np.nextafter(hi, 0, dtype=source)
    xp = namespace(x)
    clipped = xp.clip(x, lo.item(), hi.item()) if source.kind != "b" else x
    if source.kind in "fc" and target.kind in "iub":
        clipped = xp.where(xp.isnan(clipped), 0, clipped)
    out = clipped.astype(target)

    def vjp(g):
        if source.kind not in "fc" or target.kind not in "fc":
            return None
        return g * ((x >= lo.item()) & (x <= hi.item()))

    return out, vjp


from lamina.ops.linalg import logdet, slogdet  # noqa: E402 - keras.ops top-level names
