"""Indexing ops: getitem, take, take_along_axis, slice, scatter, where, ..."""

from lamina.autodiff import Tensor, primitive
from lamina.backend import kernels_for
from lamina.ops._dtypes import xp_of

__all__ = ["get_item"]


def _raw_key(key):
    if isinstance(key, tuple):
        return tuple(_raw_key(k) for k in key)
    if isinstance(key, Tensor):
        return key.value
    if isinstance(key, list) and any(isinstance(k, Tensor) for k in key):
        return [_raw_key(k) for k in key]
    return key


def _has_integer_array(key):
    keys = key if isinstance(key, tuple) else (key,)
    for k in keys:
        if isinstance(k, list) or (hasattr(k, "dtype") and k.dtype.kind in "iu" and k.ndim > 0):
            return True
    return False


@primitive(nin=1)
def get_item(x, key):
    """`x[key]` with NumPy's basic and advanced indexing rules."""
    key = _raw_key(key)
    xp = xp_of(x)
    try:
        out = x[key]
    except IndexError as err:
        raise IndexError(f"get_item: {err} (tensor shape {x.shape}, index {key!r})") from err

    def vjp(g):
        grad = xp.zeros(x.shape, g.dtype)
        if _has_integer_array(key):  # repeated indices must accumulate
            kernels_for(xp).scatter_add(grad, key, g)
        else:
            grad[key] = g
        return grad

    return out, vjp
