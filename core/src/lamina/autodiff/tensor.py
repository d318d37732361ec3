"""`Tensor`: a thin wrapper over one backend array.

Python operators (`+`, `@`, `[...]`, ...) are attached by `lamina.ops` when it
is imported, so that this module stays below ops in the layering.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.arrays import dtype_name, to_numpy


class Tensor:
    """An immutable n-dimensional array that can take part in differentiation.

    Example:
        >>> x = lamina.ops.convert_to_tensor([[1.0, 2.0]])
        >>> (x * 2).numpy()
        array([[2., 4.]], dtype=float32)
    """

    # `_keras_logits` is set only on softmax/sigmoid outputs (read with getattr by losses).
    __slots__ = ("__weakref__", "_index", "_keras_logits", "_keras_mask", "_node", "_value")
    # NumPy must defer to Tensor's reflected operators (ndarray + Tensor -> Tensor).
    __array_ufunc__ = None
    __array_priority__ = 100

    def __init__(self, value, node=None, index=0):
        self._value = value
        self._node = node
        self._index = index
        self._keras_mask = None

    @property
    def value(self):
        """The raw backend array (NumPy or CuPy)."""
        return self._value

    @property
    def shape(self) -> tuple:
        return self._value.shape

    @property
    def dtype(self) -> str:
        return dtype_name(self._value.dtype)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def size(self) -> int:
        return self._value.size

    @property
    def device(self) -> str:
        return "cpu" if type(self._value) is np.ndarray else f"gpu:{self._value.device.id}"

    def numpy(self) -> np.ndarray:
        """Return the value as a NumPy array (copied from the GPU if needed)."""
        return to_numpy(self._value)

    def item(self):
        return self._value.item()

    def __array__(self, dtype=None, copy=None):
        array = to_numpy(self._value)
        if dtype is not None:
            array = array.astype(dtype, copy=False)
        return array

    def __len__(self) -> int:
        if not self._value.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._value.shape[0]

    def __iter__(self):
        if not self._value.ndim:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._value.shape[0]))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __float__(self) -> float:
        return float(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __index__(self) -> int:
        return self._value.__index__()

    def __complex__(self) -> complex:
        return complex(self._value)

    def __repr__(self) -> str:
        body = np.array2string(self.numpy(), separator=", ", prefix="tensor(")
        return f"tensor({body}, shape={self.shape}, dtype={self.dtype})"

    __str__ = __repr__
    __hash__ = object.__hash__

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return type(self)(self._value.copy())

    def __reduce__(self):
        return (_rebuild, (self.numpy(),))


def _rebuild(array):
    from lamina.backend import asarray

    return Tensor(asarray(array))
