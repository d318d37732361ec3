"""Comparisons and logic: equal, less, greater, logical_and, isnan, isclose, ..."""

from lamina.autodiff import primitive
from lamina.ops._dtypes import promote_pair, xp_of

__all__ = [
    "equal",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "not_equal",
]


def _comparison(compare, name, doc):
    def forward(x1, x2):
        x1, x2 = promote_pair(x1, x2)
        return compare(x1, x2), None

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = doc
    return primitive(forward)


equal = _comparison(lambda a, b: a == b, "equal", "Elementwise `x1 == x2`.")
not_equal = _comparison(lambda a, b: a != b, "not_equal", "Elementwise `x1 != x2`.")
less = _comparison(lambda a, b: a < b, "less", "Elementwise `x1 < x2`.")
less_equal = _comparison(lambda a, b: a <= b, "less_equal", "Elementwise `x1 <= x2`.")
greater = _comparison(lambda a, b: a > b, "greater", "Elementwise `x1 > x2`.")
greater_equal = _comparison(lambda a, b: a >= b, "greater_equal", "Elementwise `x1 >= x2`.")


@primitive
def logical_and(x1, x2):
    """Elementwise logical AND (bitwise AND for integer inputs via `&`)."""
    return xp_of(x1, x2).logical_and(x1, x2), None


@primitive
def logical_or(x1, x2):
    """Elementwise logical OR."""
    return xp_of(x1, x2).logical_or(x1, x2), None


@primitive
def logical_xor(x1, x2):
    """Elementwise logical XOR."""
    return xp_of(x1, x2).logical_xor(x1, x2), None


@primitive
def logical_not(x):
    """Elementwise logical NOT."""
    return xp_of(x).logical_not(x), None
