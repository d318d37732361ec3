"""Elementwise unary math: negative, abs, exp, log, sqrt, trigonometry, ..."""

from lamina.autodiff import primitive
from lamina.ops._dtypes import as_float, xp_of

__all__ = ["abs", "absolute", "exp", "log", "negative"]


@primitive
def negative(x):
    """Numerical negative, elementwise."""

    def vjp(g):
        return -g

    return -x, vjp


@primitive
def abs(x):  # noqa: A001 - Keras's name
    """Absolute value, elementwise."""
    xp = xp_of(x)

    def vjp(g):
        return g * xp.sign(x)

    return xp.abs(x), vjp


absolute = abs


@primitive
def exp(x):
    """Exponential, elementwise (integers are promoted to floatx)."""
    out = xp_of(x).exp(as_float(x))

    def vjp(g):
        return g * out

    return out, vjp


@primitive
def log(x):
    """Natural logarithm, elementwise."""
    x = as_float(x)

    def vjp(g):
        return g / x

    return xp_of(x).log(x), vjp
