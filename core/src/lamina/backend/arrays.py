"""Raw arrays: which module made them, moving them, and dtype names."""

from __future__ import annotations

import numpy as np

from lamina.backend import config
from lamina.backend.device import get_device

_cupy = None  # the cupy module, once a GPU array has been seen


def namespace(array=None):
    """Return the array module for `array` (or for the current device).

    NumPy 2 implements the array API standard itself; CuPy mostly does, and
    the few gaps are covered in `lamina.backend.kernels`.
    """
    if array is None or type(array) is np.ndarray or np.isscalar(array):
        return np if array is not None else get_device().xp
    if _cupy is not None and isinstance(array, _cupy.ndarray):
        return _cupy
    return np


def is_array(value) -> bool:
    """True for a NumPy or CuPy ndarray."""
    return type(value) is np.ndarray or (_cupy is not None and isinstance(value, _cupy.ndarray))


def _default_dtype(value):
    """Keras's dtype for Python data: floats -> floatx, ints -> int32."""
    kind = np.asarray(value).dtype.kind
    if kind == "f":
        return config.floatx()
    if kind in "iu":
        return "int32"
    return None


def asarray(value, dtype=None):
    """Make a raw array on the current device from anything array-like."""
    global _cupy
    xp = get_device().xp
    if xp is not np and _cupy is None:
        _cupy = xp
    if dtype is None and not hasattr(value, "dtype"):
        dtype = _default_dtype(value)
    if dtype is not None:
        dtype = standardize_dtype(dtype)
        if dtype == "bfloat16":
            raise TypeError(
                "lamina: bfloat16 arrays are not supported by NumPy/CuPy; "
                "use 'float16' or 'float32'."
            )
    if xp is np:
        if _cupy is not None and isinstance(value, _cupy.ndarray):
            value = value.get()
        return np.asarray(value, dtype=dtype)
    return xp.asarray(value, dtype=dtype)


def to_numpy(array) -> np.ndarray:
    """Copy a raw array to host memory as a NumPy array."""
    if type(array) is np.ndarray:
        return array
    if hasattr(array, "get"):
        return array.get()
    return np.asarray(array)


_DTYPE_NAMES: dict = {}  # np.dtype -> name; `np.dtype.name` is computed in Python, slowly


def dtype_name(dtype: np.dtype) -> str:
    """The name of an array's dtype (`"float32"`), cached."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = dtype.name
    return name


def standardize_dtype(dtype) -> str:
    """Return the Keras name of a dtype: `np.float32`, `"float"` -> `"float32"`."""
    if isinstance(dtype, np.dtype):
        return dtype_name(dtype)
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, str):
        if dtype == "float":
            return config.floatx()
        if dtype == "int":
            return "int32"
        if dtype == "bfloat16":
            return dtype
    if dtype is float:
        return config.floatx()
    if dtype is int:
        return "int64"
    if dtype is bool:
        return "bool"
    name = getattr(dtype, "name", None)
    if isinstance(name, str) and not isinstance(dtype, type):
        return name
    return np.dtype(dtype).name


def is_float_dtype(dtype) -> bool:
    """True for floating point dtypes (including bfloat16 by name)."""
    name = standardize_dtype(dtype)
    return name.startswith("float") or name == "bfloat16"
