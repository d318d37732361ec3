"""Write optimizer updates into a Variable's own array, copying only when it is shared.

An optimizer step must not allocate a new array per variable, so updates are written
with the ufunc `out=` argument. Writing in place is only safe while no one else holds
the array: `Variable.numpy()`, `get_weights()`, a `Tensor` made from `variable.value`
or a user array handed to `assign` all share it, and Keras semantics say those keep
their old values. So each write first checks that the variable is the array's only
holder (its reference count); otherwise the result goes to a fresh array, which the
variable owns for the following steps.

Callers must not keep the target array in a local variable while calling these
functions (read `variable._value` inside the call), or the count sees them as a holder.
"""

from __future__ import annotations

import functools
import sys

import numpy as np

from lamina.autodiff import Tensor, Variable
from lamina.backend import asarray, device, namespace


def _reference_count(variable: Variable) -> int:
    return sys.getrefcount(variable._value)


@functools.cache
def _baseline() -> int:
    # The count an array held by a Variable alone shows, measured the same way as in
    # `_owns_array` (the number differs between Python versions). Measured on first use,
    # on the CPU, so that importing lamina creates no array on a possibly missing device.
    with device("cpu"):
        probe = Variable(lambda shape, dtype: np.zeros(shape, dtype), shape=(1,), trainable=False)
        return _reference_count(probe)


def _owns_array(variable: Variable) -> bool:
    return _reference_count(variable) <= _baseline()


def as_array(value, like):
    """`value` (Tensor, array, Python number) as a raw array of `like`'s type and dtype."""
    array = value._value if isinstance(value, Tensor) else value
    if type(array) is not type(like) or array.dtype != like.dtype:
        array = asarray(array, dtype=like.dtype)
    return array


def update(variable: Variable, ufunc, *operands) -> None:
    """Set `variable` to `ufunc(variable, *operands)`, in its own array when that is safe.

    Example:
        >>> update(velocity, np.multiply, momentum)  # velocity *= momentum
    """
    if _owns_array(variable):
        ufunc(variable._value, *operands, out=variable._value)
    else:
        # An explicit output keeps the variable's dtype and a 0-d array (not a scalar).
        out = namespace(variable._value).empty_like(variable._value)
        variable._value = ufunc(variable._value, *operands, out=out)


def own(variable: Variable) -> None:
    """Give `variable` an array of its own (a copy when shared), to update in place after.

    For updates written block by block, where `update`'s fresh output array does not fit.
    """
    if not _owns_array(variable):
        variable._value = variable._value.copy()


def copy_into(variable: Variable, value) -> None:
    """Set `variable` to a copy of `value` (cast to the variable's dtype)."""
    array = as_array(value, variable._value)
    if array.shape != variable._value.shape:
        raise ValueError(
            f"Variable '{variable.path}': cannot assign a value of shape {array.shape} "
            f"to a variable of shape {variable._value.shape}."
        )
    if _owns_array(variable):
        namespace(array).copyto(variable._value, array)
    else:
        variable._value = array.copy()


def fill_zeros(variable: Variable) -> None:
    """Set every element of `variable` to zero."""
    if _owns_array(variable):
        variable._value.fill(0)
    else:
        variable._value = namespace(variable._value).zeros_like(variable._value)


class ScratchBuffers:
    """Reusable temporary arrays, so that an optimizer step allocates nothing.

    Fresh multi-megabyte arrays are not free: the allocator hands them out as new
    pages, and touching those costs more than the arithmetic. One flat buffer per
    (array type, dtype, slot) grows to the largest variable and is viewed in each
    variable's shape.

    Example:
        >>> scratch = ScratchBuffers()
        >>> step = np.multiply(gradient, 0.01, out=scratch.like(gradient))
    """

    def __init__(self):
        self._buffers: dict = {}

    def like(self, array, slot: int = 0):
        """An uninitialized array shaped like `array`; the same memory for each `slot`."""
        key = (type(array), array.dtype, slot)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < array.size:
            buffer = self._buffers[key] = namespace(array).empty(array.size, array.dtype)
        return buffer[: array.size].reshape(array.shape)
