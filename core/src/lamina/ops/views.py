"""Reinterpreting views: view (bit cast), view_as_complex, view_as_real."""

from lamina.autodiff import Tensor, primitive
from lamina.backend import standardize_dtype
from lamina.ops._dtypes import xp_of
from lamina.ops.core import convert_to_tensor
from lamina.ops.elementwise_complex import imag, real
from lamina.ops.indexing import get_item
from lamina.ops.joining import stack

__all__ = ["view", "view_as_complex", "view_as_real"]

_COMPLEX_OF = {"float32": "complex64", "float64": "complex128"}


@primitive(nin=1)
def view(x, dtype=None):
    """Reinterpret the bytes of `x` as `dtype` (no gradient: the values change meaning).

    Args:
        x: input tensor.
        dtype: the new dtype; the last axis is rescaled by the itemsize ratio.

    Example:
        >>> ops.view(ops.ones((2,)), "int32")  # [1065353216, 1065353216]
    """
    if dtype is None:
        return x, None
    target = standardize_dtype(dtype)
    try:
        return x.view(target), None
    except ValueError as err:
        raise ValueError(
            f"view: cannot view an array of dtype {x.dtype} and shape {x.shape} as "
            f"{target}: the last axis must be contiguous and its size in bytes divisible "
            "by the new itemsize."
        ) from err


def view_as_complex(x) -> Tensor:
    """Turn a real tensor whose last axis has size 2 into a complex tensor.

    Args:
        x: float32 or float64 tensor of shape `(..., 2)`: real and imaginary parts.

    Example:
        >>> ops.view_as_complex([[1.0, 2.0]])  # [1+2j]
    """
    x = convert_to_tensor(x)
    if x.ndim == 0 or x.shape[-1] != 2 or x.dtype not in _COMPLEX_OF:
        raise ValueError(
            "view_as_complex: expected a float32/float64 tensor whose last axis has size 2, "
            f"received shape {x.shape} and dtype {x.dtype}."
        )
    return _combine(get_item(x, (..., 0)), get_item(x, (..., 1)))


@primitive
def _combine(re, im):
    out = re + 1j * im
    out = out.astype(_COMPLEX_OF[re.dtype.name])

    def vjp(g):
        # JAX's cotangent convention (as in `imag`'s vjp): d(1j * im) pulls back to -imag(g).
        xp = xp_of(g)
        return (lambda: xp.real(g)), (lambda: -xp.imag(g))

    return out, vjp


def view_as_real(x) -> Tensor:
    """Turn a complex tensor into a real one with a trailing axis of (real, imaginary).

    Args:
        x: complex tensor.

    Example:
        >>> ops.view_as_real(ops.view_as_complex([[1.0, 2.0]]))  # [[1.0, 2.0]]
    """
    x = convert_to_tensor(x)
    if x.dtype not in ("complex64", "complex128"):
        raise ValueError(f"view_as_real: expected a complex tensor, received dtype {x.dtype}.")
    return stack([real(x), imag(x)], axis=-1)
