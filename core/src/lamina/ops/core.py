"""Core ops: conversion, casting, shape/dtype queries, stop_gradient."""

from __future__ import annotations

import numpy as np

from lamina.autodiff import Tensor, primitive
from lamina.backend import asarray, standardize_dtype, to_numpy

__all__ = [
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "dtype",
    "is_tensor",
    "shape",
    "stop_gradient",
]


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None) -> Tensor:
    """Convert array-like `x` to a Tensor on the current device.

    Python floats become floatx and Python ints int32, as in Keras; NumPy arrays
    keep their dtype unless `dtype` is given. A Tensor of the right dtype is
    returned as is.

    Example:
        >>> lamina.ops.convert_to_tensor([1, 2]).dtype
        'int32'
    """
    if sparse or ragged:
        raise ValueError("convert_to_tensor: lamina has no sparse or ragged tensors.")
    if isinstance(x, Tensor):
        if dtype is None or x.dtype == standardize_dtype(dtype):
            return x if type(x) is Tensor else x.value
        return cast(x, dtype)
    return Tensor(asarray(x, dtype=None if dtype is None else standardize_dtype(dtype)))


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


@primitive
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
