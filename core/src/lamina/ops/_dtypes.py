"""Keras's dtype promotion for elementwise ops on raw arrays."""

from lamina.backend import floatx, namespace

_FLOAT_KINDS = "fc"


def promote_pair(x1, x2):
    """Return `(x1, x2)` ready for a NumPy binary op with Keras's result dtype.

    NumPy already treats Python scalars as weak (float16 * 2.0 is float16). The
    difference from Keras is an integer or bool array meeting a Python float:
    NumPy gives float64, Keras gives floatx.
    """
    if type(x2) is float and x1 is not None and hasattr(x1, "dtype") and x1.dtype.kind not in _FLOAT_KINDS:
        x1 = x1.astype(floatx())
    elif type(x1) is float and x2 is not None and hasattr(x2, "dtype") and x2.dtype.kind not in _FLOAT_KINDS:
        x2 = x2.astype(floatx())
    return x1, x2


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
