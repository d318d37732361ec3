"""Elementwise binary arithmetic: add, subtract, multiply, divide, power, mod, ..."""

import numpy as np

from lamina.autodiff import primitive
from lamina.ops._dtypes import float_operands, integer_operands, is_float, promote_pair, xp_of

__all__ = [
    "add",
    "divide",
    "divide_no_nan",
    "floor_divide",
    "fmod",
    "mod",
    "multiply",
    "power",
    "subtract",
    "true_divide",
]

_FLOAT_KINDS = "fc"


@primitive
def add(x1, x2):
    """Add arguments elementwise.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.add([1, 2], 0.5)  # [1.5, 2.5], float32
    """
    x1, x2 = promote_pair(x1, x2)

    def vjp(g):
        return g, g

    return x1 + x2, vjp


@primitive
def subtract(x1, x2):
    """Subtract `x2` from `x1` elementwise.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.subtract([3, 4], 1)  # [2, 3]
    """
    x1, x2 = promote_pair(x1, x2)

    def vjp(g):
        return g, (lambda: -g)

    return x1 - x2, vjp


@primitive
def multiply(x1, x2):
    """Multiply arguments elementwise.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.multiply([1.0, 2.0], 3)  # [3.0, 6.0]
    """
    x1, x2 = promote_pair(x1, x2)

    def vjp(g):
        return (lambda: g * x2), (lambda: g * x1)

    return x1 * x2, vjp


@primitive
def divide(x1, x2):
    """True division elementwise; integers and bools give floatx.

    Args:
        x1: dividend.
        x2: divisor, broadcastable with `x1`.

    Example:
        >>> ops.divide([1, 2], 2)  # [0.5, 1.0], float32
    """
    x1, x2 = float_operands(x1, x2)
    out = x1 / x2

    def vjp(g):
        return (lambda: g / x2), (lambda: -g * out / x2)

    return out, vjp


true_divide = divide


@primitive
def divide_no_nan(x1, x2):
    """Division that returns 0 wherever the divisor is 0 (gradients there are 0 too).

    Args:
        x1: dividend.
        x2: divisor, broadcastable with `x1`.

    Example:
        >>> ops.divide_no_nan([1.0, 2.0], [0.0, 4.0])  # [0.0, 0.5]
    """
    x1, x2 = float_operands(x1, x2)
    xp = xp_of(x1, x2)
    if not hasattr(x2, "dtype"):  # a Python scalar: keep x1's dtype through the where
        x2 = xp.asarray(x2, dtype=x1.dtype)
    zero = x2 == 0
    safe = xp.where(zero, 1, x2)
    out = xp.where(zero, 0, x1 / safe)

    def vjp(g):
        return (lambda: xp.where(zero, 0, g / safe)), (lambda: xp.where(zero, 0, -g * out / safe))

    return out, vjp


@primitive
def power(x1, x2):
    """`x1 ** x2` elementwise; integer powers with negative exponents give 0 (or +-1).

    Args:
        x1: base.
        x2: exponent, broadcastable with `x1`.

    Example:
        >>> ops.power([2.0, 3.0], 2)  # [4.0, 9.0]
    """
    x1, x2 = integer_operands(x1, x2)
    xp = xp_of(x1, x2)
    if not (is_float(x1) or is_float(x2)):
        return _integer_power(xp, x1, x2), None
    out = xp.power(x1, x2)

    def vjp(g):
        def grad_base():
            with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 is inf, as in JAX
                return g * x2 * xp.power(x1, x2 - 1)

        def grad_exponent():
            with np.errstate(divide="ignore", invalid="ignore"):  # log of a negative base: NaN
                return xp.where(x1 == 0, 0, g * out * xp.log(x1))

        return grad_base, grad_exponent

    return out, vjp


def _integer_power(xp, x1, x2):
    # NumPy refuses negative integer exponents; Keras (JAX) gives 1 / x1**|x2| truncated:
    # 1 for a base of 1, +-1 for a base of -1, and 0 otherwise.
    if type(x2) is int:
        if x2 >= 0:
            return xp.power(x1, x2)
        x2 = xp.asarray(x2, dtype=x1.dtype)
    elif not bool((x2 < 0).any()):
        return xp.power(x1, x2)
    negative = x2 < 0
    out = xp.power(x1, xp.where(negative, 0, x2))
    inverse = xp.where(x1 == 1, 1, xp.where(x1 == -1, 1 - 2 * (x2 % 2), 0))
    return xp.where(negative, inverse, out).astype(out.dtype, copy=False)


@primitive
def floor_divide(x1, x2):
    """`x1 // x2` elementwise (no gradient: piecewise constant).

    Args:
        x1: dividend.
        x2: divisor, broadcastable with `x1`.

    Example:
        >>> ops.floor_divide([7, -7], 2)  # [3, -4]
    """
    x1, x2 = integer_operands(x1, x2)
    return xp_of(x1, x2).floor_divide(x1, x2), None


@primitive
def mod(x1, x2):
    """`x1 % x2` elementwise, with the sign of the divisor.

    Args:
        x1: dividend.
        x2: divisor, broadcastable with `x1`.

    Example:
        >>> ops.mod([7, -7], 3)  # [1, 2]
    """
    x1, x2 = integer_operands(x1, x2)
    xp = xp_of(x1, x2)

    def vjp(g):
        return g, (lambda: -g * xp.floor_divide(x1, x2))

    return xp.remainder(x1, x2), vjp


@primitive
def fmod(x1, x2):
    """C-style remainder elementwise, with the sign of the dividend.

    Args:
        x1: dividend.
        x2: divisor, broadcastable with `x1`.

    Example:
        >>> ops.fmod([7, -7], 3)  # [1, -1]
    """
    x1, x2 = integer_operands(x1, x2)
    xp = xp_of(x1, x2)

    def vjp(g):
        return g, (lambda: -g * xp.trunc(x1 / x2))

    return xp.fmod(x1, x2), vjp
