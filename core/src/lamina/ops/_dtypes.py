"""Keras's dtype promotion for elementwise ops on raw arrays."""

import numpy as np

from lamina.backend import floatx, namespace

_FLOAT_KINDS = "fc"


def xp_of(*arrays):
    """The array module of the first array among `arrays`."""
    for a in arrays:
        if hasattr(a, "dtype"):
            return namespace(a)
    return namespace(None)


def as_float(x):
    """Cast integer/bool arrays to floatx (Keras's rule for float-valued ops)."""
    if x.dtype.kind in _FLOAT_KINDS:
        return x
    return x.astype(floatx())


def promote_pair(x1, x2):
    """Return `(x1, x2)` cast so that a NumPy binary op gives Keras's result dtype.

    NumPy and Keras agree on Python scalars being weak (`float16 * 2.0` is float16) and
    on int-int and float-float pairs. They differ where an integer or bool meets a
    float: Keras keeps the float's dtype (`int32 + float32` is float32, an int array
    with a Python float is floatx), and a bool array with a Python int is int32.
    """
    d1 = getattr(x1, "dtype", None)
    d2 = getattr(x2, "dtype", None)
    if d1 is not None and d2 is not None:
        if d1 == d2:
            return x1, x2
        f1 = d1.kind in _FLOAT_KINDS
        if f1 != (d2.kind in _FLOAT_KINDS):
            return (x1, x2.astype(d1)) if f1 else (x1.astype(d2), x2)
        return x1, x2
    if d1 is not None:
        return _with_scalar(x1, x2), x2
    if d2 is not None:
        return x1, _with_scalar(x2, x1)
    return x1, x2


def _with_scalar(array, scalar):
    kind = array.dtype.kind
    if type(scalar) is float and kind not in _FLOAT_KINDS:
        return array.astype(floatx())
    if type(scalar) is int and kind == "b":
        return array.astype("int32")
    return array


def float_operands(x1, x2, strong_python_float=False):
    """Keras's operands for float-valued binary ops: integer results become floatx.

    Args:
        strong_python_float: treat a Python float as a floatx array rather than a weak
            scalar (Keras does this for arctan2, logaddexp and logaddexp2).
    """
    if strong_python_float:
        xp = xp_of(x1, x2)
        if type(x1) is float:
            x1 = xp.asarray(x1, dtype=floatx())
        if type(x2) is float:
            x2 = xp.asarray(x2, dtype=floatx())
    x1, x2 = promote_pair(x1, x2)
    d1 = getattr(x1, "dtype", None)
    d2 = getattr(x2, "dtype", None)
    if (d1 is None or d1.kind not in _FLOAT_KINDS) and (d2 is None or d2.kind not in _FLOAT_KINDS):
        if d1 is not None:
            x1 = x1.astype(floatx())
        if d2 is not None:
            x2 = x2.astype(floatx())
    return x1, x2


def integer_operands(x1, x2):
    """Keras's operands for integer arithmetic: two bools compute in int32."""
    if getattr(x1, "dtype", None) == np.bool_ and getattr(x2, "dtype", None) == np.bool_:
        return x1.astype("int32"), x2.astype("int32")
    return promote_pair(x1, x2)


def require_integers(name, *arrays, allow_bool=True):
    """Raise a TypeError naming `name` unless every array operand is integer (or bool)."""
    kinds = "iub" if allow_bool else "iu"
    for a in arrays:
        dtype = getattr(a, "dtype", None)
        if (dtype is not None and dtype.kind not in kinds) or type(a) is float:
            received = dtype.name if dtype is not None else "a Python float"
            expected = "integer or bool" if allow_bool else "integer"
            raise TypeError(
                f"{name}: expected {expected} tensors. Received: {received}. "
                "Cast with ops.cast(x, 'int32') first."
            )


def is_float(a):
    """True for a float/complex array or a Python float."""
    return type(a) is float or getattr(getattr(a, "dtype", None), "kind", "") in _FLOAT_KINDS
