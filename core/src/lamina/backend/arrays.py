"""Raw arrays: which module made them, moving them, and dtype names."""

from __future__ import annotations

import contextlib

import numpy as np

from lamina.backend import config
from lamina.backend.device import get_device

_cupy = None  # the cupy module, once a GPU array has been seen
# NumPy's bfloat16 dtype (from ml_dtypes), set when bfloat16 is first named: until then
# no bfloat16 array can exist, so `is not None` is the cheap "any bfloat16 yet?" test.
bfloat16_loaded = None


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
    if dtype is None:
        if not hasattr(value, "dtype"):
            dtype = _default_dtype(value)
        elif bfloat16_loaded is None and value.dtype.kind == "V" and value.dtype.name == "bfloat16":
            bfloat16()  # a user's ml_dtypes array: primitives must now look for bfloat16
    if dtype is not None:
        dtype = standardize_dtype(dtype)
        if dtype == "bfloat16":
            dtype = bfloat16()
    if xp is not np and bfloat16_loaded is not None:
        if dtype == bfloat16_loaded or getattr(value, "dtype", None) == bfloat16_loaded:
            raise TypeError(
                "lamina: bfloat16 tensors are CPU-only for now (CuPy has no bfloat16). "
                "Use 'float16' / 'mixed_float16' on the GPU, or run on the CPU."
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
            # Registers NumPy's "bfloat16" name, so `array.astype("bfloat16")` works in every
            # op; without ml_dtypes the error comes when a bfloat16 array is made.
            with contextlib.suppress(ImportError):
                bfloat16()
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


def bfloat16() -> np.dtype:
    """NumPy's bfloat16 dtype, from ml_dtypes (imported on first use, not with lamina).

    Example:
        >>> np.zeros(2, dtype=bfloat16()).dtype.name
        'bfloat16'
    """
    global bfloat16_loaded
    if bfloat16_loaded is None:
        try:
            import ml_dtypes
        except ImportError as err:
            raise ImportError(
                "lamina: bfloat16 needs the `ml_dtypes` package (NumPy has no bfloat16). "
                "Install it with `pip install ml_dtypes`."
            ) from err
        bfloat16_loaded = np.dtype(ml_dtypes.bfloat16)
    return bfloat16_loaded


def is_float_dtype(dtype) -> bool:
    """True for floating point dtypes (including bfloat16 by name)."""
    name = standardize_dtype(dtype)
    return name.startswith("float") or name == "bfloat16"
