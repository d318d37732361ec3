"""Creation ops: arange, array, zeros, ones, full, eye, tri, empty, ..._like.

New arrays are made on the current device (see `lamina.device`). Default
dtypes follow Keras: floatx for zeros/ones/full/eye/tri/identity/empty, and
for arange the promoted type of its arguments (Python ints give int32,
Python floats floatx).
"""

import numpy as np

from lamina.autodiff import Tensor, primitive, unwrap
from lamina.backend import asarray, floatx, namespace, standardize_dtype
from lamina.ops._axes import named, result_dtype
from lamina.ops._dtypes import xp_of

__all__ = [
    "arange",
    "array",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "identity",
    "ones",
    "ones_like",
    "tri",
    "zeros",
    "zeros_like",
]


def _dtype(dtype, default=None):
    if dtype is None:
        return floatx() if default is None else default
    return standardize_dtype(dtype)


def _shape(shape):
    shape = unwrap(shape)
    if hasattr(shape, "tolist"):
        shape = shape.tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(n) for n in shape)


def _raw(x):
    """A raw array for `x` (Tensor, array or Python data) on the current device."""
    x = unwrap(x)
    return x if hasattr(x, "dtype") and hasattr(x, "shape") else asarray(x)


def _int(value, name, arg):
    value = unwrap(value)
    if isinstance(value, float) or getattr(getattr(value, "dtype", None), "kind", "") == "f":
        raise TypeError(f"{name}: `{arg}` must be an integer, received {value!r}.")
    return int(value)


def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in `[start, stop)` with spacing `step`.

    Args:
        start: the first value (the end, from 0, when `stop` is None).
        stop: the end (excluded).
        step: the spacing (default 1).
        dtype: result dtype; by default int32 for ints and floatx for floats.

    Example:
        >>> ops.arange(1, 7, 2)  # [1, 3, 5], int32
    """
    values = [unwrap(v) for v in (start, stop, step)]
    given = [v for v in values if v is not None]
    if dtype is None:
        if any(
            isinstance(v, bool) or getattr(getattr(v, "dtype", None), "kind", "") == "b"
            for v in given
        ):
            raise TypeError("arange: bool arguments are not supported; pass ints or floats.")
        dtype = result_dtype(*given).name
        if dtype == "int64":  # as Keras on JAX: 32-bit ints by default
            dtype = "int32"
    else:
        dtype = standardize_dtype(dtype)
    lo, hi, by = (v.item() if hasattr(v, "item") else v for v in values)
    if hi is None:
        lo, hi = 0, lo
    return Tensor(namespace(None).arange(lo, hi, 1 if by is None else by, dtype=dtype))


def array(x, dtype=None):
    """A new tensor holding a copy of `x` (Python data: ints int32, floats floatx).

    Example:
        >>> ops.array([1.0, 2.0]).dtype
        'float32'
    """
    raw = unwrap(x)
    out = asarray(raw, dtype=None if dtype is None else standardize_dtype(dtype))
    return Tensor(out.copy() if out is raw else out)


def empty(shape, dtype=None):
    """An uninitialized tensor of `shape` (floatx by default).

    Example:
        >>> ops.empty((2, 3)).shape
        (2, 3)
    """
    return Tensor(namespace(None).empty(_shape(shape), dtype=_dtype(dtype)))


def zeros(shape, dtype=None):
    """A tensor of zeros (floatx by default).

    Example:
        >>> ops.zeros((2,))  # [0., 0.]
    """
    return Tensor(namespace(None).zeros(_shape(shape), dtype=_dtype(dtype)))


def ones(shape, dtype=None):
    """A tensor of ones (floatx by default).

    Example:
        >>> ops.ones((2,))  # [1., 1.]
    """
    return Tensor(namespace(None).ones(_shape(shape), dtype=_dtype(dtype)))


def _like(x, dtype, make):
    """`make(xp, shape, dtype)` for `x`'s shape; no gradient (the values do not depend on x)."""
    xp = xp_of(x)
    return make(xp, x.shape, x.dtype if dtype is None else standardize_dtype(dtype)), None


@primitive(nin=1)
def empty_like(x, dtype=None):
    """An uninitialized tensor with the shape (and by default dtype) of `x`.

    Example:
        >>> ops.empty_like(ops.ones((2, 3))).shape
        (2, 3)
    """
    return _like(x, dtype, lambda xp, s, d: xp.empty(s, dtype=d))


@primitive(nin=1)
def zeros_like(x, dtype=None):
    """Zeros with the shape (and by default dtype) of `x`.

    Example:
        >>> ops.zeros_like([[1, 2]])  # [[0, 0]], int32
    """
    return _like(x, dtype, lambda xp, s, d: xp.zeros(s, dtype=d))


@primitive(nin=1)
def ones_like(x, dtype=None):
    """Ones with the shape (and by default dtype) of `x`.

    Example:
        >>> ops.ones_like([[1, 2]])  # [[1, 1]], int32
    """
    return _like(x, dtype, lambda xp, s, d: xp.ones(s, dtype=d))


def full(shape, fill_value, dtype=None):
    """A tensor of `shape` filled with `fill_value` (floatx by default).

    `fill_value` may be a tensor broadcastable to `shape`; the gradient flows to it.

    Example:
        >>> ops.full((2,), 7)  # [7., 7.]
    """
    return _full(fill_value, _shape(shape), _dtype(dtype))


@primitive(nin=1)
@named("full")
def _full(fill_value, shape, dtype):
    xp = xp_of(fill_value)
    out = xp.full(shape, fill_value, dtype=dtype)
    return out, (lambda g: g)  # the engine sums g back to fill_value's shape


def full_like(x, fill_value, dtype=None):
    """A tensor shaped like `x` filled with `fill_value` (dtype of `x` by default).

    Example:
        >>> ops.full_like([1.0, 2.0], 3)  # [3., 3.]
    """
    raw = _raw(x)
    return _full(fill_value, raw.shape, raw.dtype.name if dtype is None else _dtype(dtype))


def eye(N, M=None, k=0, dtype=None):
    """A 2-D tensor with ones on diagonal `k` and zeros elsewhere (floatx by default).

    Example:
        >>> ops.eye(2)  # [[1., 0.], [0., 1.]]
    """
    n = _int(N, "eye", "N")
    m = n if M is None else _int(M, "eye", "M")
    return Tensor(namespace(None).eye(n, m, int(k), dtype=_dtype(dtype)))


def identity(n, dtype=None):
    """The `n x n` identity matrix (floatx by default).

    Example:
        >>> ops.identity(2)  # [[1., 0.], [0., 1.]]
    """
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """A `N x M` tensor with ones at and below diagonal `k` (floatx by default).

    Example:
        >>> ops.tri(2)  # [[1., 0.], [1., 1.]]
    """
    xp = namespace(None)
    n = _int(N, "tri", "N")
    m = n if M is None else _int(M, "tri", "M")
    rows = xp.arange(n).reshape(-1, 1)
    cols = xp.arange(m).reshape(1, -1)
    return Tensor((cols <= rows + int(k)).astype(_dtype(dtype)))
