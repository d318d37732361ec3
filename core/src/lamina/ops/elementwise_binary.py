"""Elementwise binary arithmetic: add, subtract, multiply, divide, power, ..."""

from lamina.autodiff import primitive
from lamina.ops._dtypes import promote_pair, xp_of

__all__ = [
    "add",
    "divide",
    "floor_divide",
    "mod",
    "multiply",
    "power",
    "subtract",
    "true_divide",
]


@primitive
def add(x1, x2):
    """Add arguments elementwise."""
    x1, x2 = promote_pair(x1, x2)

    def vjp(g):
        return g, g

    return x1 + x2, vjp


@primitive
def subtract(x1, x2):
    """Subtract arguments elementwise."""
    x1, x2 = promote_pair(x1, x2)

    def vjp(g):
        return g, (lambda: -g)

    return x1 - x2, vjp


@primitive
def multiply(x1, x2):
    """Multiply arguments elementwise."""
    x1, x2 = promote_pair(x1, x2)

    def vjp(g):
        return (lambda: g * x2), (lambda: g * x1)

    return x1 * x2, vjp


@primitive
def divide(x1, x2):
    """Divide arguments elementwise (true division; integers give floats)."""
    x1, x2 = promote_pair(x1, x2)
    out = x1 / x2

    def vjp(g):
        return (lambda: g / x2), (lambda: -g * out / x2)

    return out, vjp


true_divide = divide


@primitive
def power(x1, x2):
    """`x1 ** x2`, elementwise."""
    x1, x2 = promote_pair(x1, x2)
    xp = xp_of(x1, x2)
    out = xp.power(x1, x2)

    def vjp(g):
        def grad_base():
            return g * x2 * xp.power(x1, x2 - 1) if _is_float(x2) or _is_float(x1) else None

        def grad_exponent():
            safe = xp.where(x1 > 0, x1, 1)
            return g * out * xp.log(safe)

        return grad_base, grad_exponent

    return out, vjp


@primitive
def floor_divide(x1, x2):
    """`x1 // x2`, elementwise (no gradient: piecewise constant)."""
    x1, x2 = promote_pair(x1, x2)
    return xp_of(x1, x2).floor_divide(x1, x2), None


@primitive
def mod(x1, x2):
    """`x1 % x2`, elementwise, with the sign of the divisor."""
    x1, x2 = promote_pair(x1, x2)
    xp = xp_of(x1, x2)

    def vjp(g):
        return g, (lambda: -g * xp.floor_divide(x1, x2))

    return xp.remainder(x1, x2), vjp


def _is_float(a):
    return isinstance(a, float) or getattr(getattr(a, "dtype", None), "kind", "") in "fc"
