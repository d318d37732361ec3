"""Complex parts: real, imag, conj and angle.

Gradients follow Keras on JAX: holomorphic ops pass `g * f'(z)`; for a real-valued
f(a + ib) the cotangent is `g * (df/da - i df/db)`.
"""

import numpy as np

from lamina.autodiff import primitive
from lamina.ops._dtypes import as_float, xp_of

__all__ = ["angle", "conj", "conjugate", "imag", "real"]


def _is_complex(x):
    return x.dtype.kind == "c"


@primitive
def real(x):
    """Real part, elementwise (real inputs are returned unchanged).

    Args:
        x: input tensor.

    Example:
        >>> ops.real(np.array([1 + 2j]))  # [1.0]
    """

    def vjp(g):
        return g

    return (xp_of(x).real(x) if _is_complex(x) else x), vjp


@primitive
def imag(x):
    """Imaginary part, elementwise (zeros for real inputs).

    Args:
        x: input tensor.

    Example:
        >>> ops.imag(np.array([1 + 2j]))  # [2.0]
    """
    xp = xp_of(x)
    if not _is_complex(x):
        return xp.zeros_like(x), None

    def vjp(g):
        return -1j * g

    return xp.imag(x), vjp


@primitive
def conj(x):
    """Complex conjugate, elementwise (real inputs are returned unchanged).

    Args:
        x: input tensor.

    Example:
        >>> ops.conj(np.array([1 + 2j]))  # [1 - 2j]
    """
    xp = xp_of(x)
    if not _is_complex(x):
        return x, (lambda g: g)

    def vjp(g):
        return xp.conj(g)

    return xp.conj(x), vjp


conjugate = conj


@primitive
def angle(x):
    """Argument of complex numbers in radians, elementwise (0 or pi for reals).

    Args:
        x: input tensor; integers and bools compute in floatx.

    Example:
        >>> ops.angle(np.array([1j, -1.0]))  # [1.5707964, 3.1415927]
    """
    x = as_float(x)
    xp = xp_of(x)
    if not _is_complex(x):
        return xp.angle(x), None

    def vjp(g):
        with np.errstate(divide="ignore", invalid="ignore"):
            return -1j * g * xp.conj(x) / (x * xp.conj(x)).real

    return xp.angle(x), vjp
