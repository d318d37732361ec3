"""Elementwise binary math: arctan2, hypot, logaddexp, heaviside, ldexp, gcd, ..."""

import numpy as np

from lamina.autodiff import primitive
from lamina.backend import floatx
from lamina.ops._dtypes import float_operands, promote_pair, require_integers, xp_of

__all__ = [
    "arctan2",
    "gcd",
    "heaviside",
    "hypot",
    "lcm",
    "ldexp",
    "logaddexp",
    "logaddexp2",
    "nextafter",
]


@primitive
def arctan2(x1, x2):
    """Angle of the point `(x2, x1)` in radians, in `[-pi, pi]`, elementwise.

    Args:
        x1: y-coordinates.
        x2: x-coordinates, broadcastable with `x1`.

    Example:
        >>> ops.arctan2(1.0, -1.0)  # 2.3561945
    """
    x1, x2 = float_operands(x1, x2, strong_python_float=True)
    xp = xp_of(x1, x2)

    def vjp(g):
        with np.errstate(divide="ignore", invalid="ignore"):  # at the origin: NaN, as in JAX
            scale = g / (x1 * x1 + x2 * x2)
        return (lambda: scale * x2), (lambda: -scale * x1)

    return xp.arctan2(x1, x2), vjp


@primitive
def hypot(x1, x2):
    """`sqrt(x1**2 + x2**2)` elementwise, without intermediate overflow.

    Args:
        x1: first leg.
        x2: second leg, broadcastable with `x1`.

    Example:
        >>> ops.hypot(3.0, 4.0)  # 5.0
    """
    x1, x2 = float_operands(x1, x2)
    xp = xp_of(x1, x2)
    out = xp.hypot(x1, x2)

    def vjp(g):
        # At the origin JAX splits the gradient evenly between the legs.
        origin = out == 0
        scale = g / xp.where(origin, 1, out)
        return (
            lambda: xp.where(origin, 0.5 * g, scale * x1),
            lambda: xp.where(origin, 0.5 * g, scale * x2),
        )

    return out, vjp


@primitive
def logaddexp(x1, x2):
    """`log(exp(x1) + exp(x2))` elementwise, computed stably.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.logaddexp(0.0, 0.0)  # 0.6931472
    """
    x1, x2 = float_operands(x1, x2, strong_python_float=True)
    xp = xp_of(x1, x2)
    out = xp.logaddexp(x1, x2)

    def vjp(g):
        def share(x):
            with np.errstate(invalid="ignore"):  # both -inf: NaN, as in JAX
                return g * xp.exp(x - out)

        return (lambda: share(x1)), (lambda: share(x2))

    return out, vjp


@primitive
def logaddexp2(x1, x2):
    """`log2(2**x1 + 2**x2)` elementwise, computed stably.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.logaddexp2(1.0, 1.0)  # 2.0
    """
    x1, x2 = float_operands(x1, x2, strong_python_float=True)
    xp = xp_of(x1, x2)
    out = xp.logaddexp2(x1, x2)

    def vjp(g):
        def share(x):
            with np.errstate(invalid="ignore"):  # both -inf: NaN, as in JAX
                return g * xp.exp2(x - out)

        return (lambda: share(x1)), (lambda: share(x2))

    return out, vjp


@primitive
def heaviside(x1, x2):
    """Step function: 0 where `x1 < 0`, `x2` where `x1 == 0`, 1 where `x1 > 0`.

    Args:
        x1: input tensor.
        x2: value taken where `x1` is 0, broadcastable with `x1`.

    Example:
        >>> ops.heaviside([-1.0, 0.0, 2.0], 0.5)  # [0.0, 0.5, 1.0]
    """
    x1, x2 = float_operands(x1, x2)
    xp = xp_of(x1, x2)

    def vjp(g):
        return None, (lambda: xp.where(x1 == 0, g, 0))

    return xp.heaviside(x1, x2), vjp


@primitive
def ldexp(x1, x2):
    """`x1 * 2**x2` elementwise, for an integer exponent `x2`.

    Args:
        x1: mantissas (integers compute in floatx).
        x2: integer exponents, broadcastable with `x1`.

    Example:
        >>> ops.ldexp(3.0, 2)  # 12.0
    """
    if type(x2) is not int and getattr(getattr(x2, "dtype", None), "kind", "") not in "iu":
        kind = type(x2).__name__ if not hasattr(x2, "dtype") else x2.dtype.name
        raise TypeError(f"ldexp: the exponent x2 must be an integer type. Received: {kind}.")
    if not hasattr(x1, "dtype") or x1.dtype.kind not in "fc":
        x1 = xp_of(x1, x2).asarray(x1, dtype=floatx())
    xp = xp_of(x1, x2)
    out = xp.ldexp(x1, x2)

    def vjp(g):
        return (lambda: xp.ldexp(g, x2)), None

    return out, vjp


@primitive
def nextafter(x1, x2):
    """The next representable float after `x1` in the direction of `x2` (no gradient).

    Args:
        x1: start values.
        x2: directions, broadcastable with `x1`.

    Example:
        >>> ops.nextafter(1.0, 2.0)  # 1.0000001
    """
    x1, x2 = float_operands(x1, x2)
    return xp_of(x1, x2).nextafter(x1, x2), None


def _integer_pair(name, x1, x2):
    require_integers(name, x1, x2)
    if all(getattr(x, "dtype", None) == "bool" for x in (x1, x2)):
        raise TypeError(f"{name}: expected integer tensors. Received two bool tensors.")
    return promote_pair(x1, x2)


@primitive
def gcd(x1, x2):
    """Greatest common divisor of integers, elementwise (always >= 0).

    Args:
        x1: integer tensor.
        x2: integer tensor, broadcastable with `x1`.

    Example:
        >>> ops.gcd([12, 18], 8)  # [4, 2]
    """
    x1, x2 = _integer_pair("gcd", x1, x2)
    return xp_of(x1, x2).gcd(x1, x2), None


@primitive
def lcm(x1, x2):
    """Least common multiple of integers, elementwise (always >= 0).

    Args:
        x1: integer tensor.
        x2: integer tensor, broadcastable with `x1`.

    Example:
        >>> ops.lcm([4, 6], 6)  # [12, 6]
    """
    x1, x2 = _integer_pair("lcm", x1, x2)
    return xp_of(x1, x2).lcm(x1, x2), None
