"""Bitwise ops on integers and bools: and, or, xor, invert and shifts.

Outputs follow Keras's integer promotion (a bool with a Python int is int32; shifts of
two bools are int32) and carry no gradient.
"""

from lamina.autodiff import primitive
from lamina.ops._dtypes import integer_operands, promote_pair, require_integers, xp_of

__all__ = [
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "left_shift",
    "right_shift",
]

_DOC = """Elementwise bitwise {what} of integers or bools.

    Args:
        x: first tensor (integer or bool).
        y: second tensor, broadcastable with `x`.

    Example:
        >>> ops.{name}([12, 10], 6)  # {example}
    """


def _bitwise(name, what, example):
    def forward(x, y):
        require_integers(name, x, y)
        x, y = promote_pair(x, y)
        return getattr(xp_of(x, y), name)(x, y), None

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = _DOC.format(what=what, name=name, example=example)
    return primitive(forward)


bitwise_and = _bitwise("bitwise_and", "AND", "[4, 2]")
bitwise_or = _bitwise("bitwise_or", "OR", "[14, 14]")
bitwise_xor = _bitwise("bitwise_xor", "XOR", "[10, 12]")


@primitive
def bitwise_invert(x):
    """Elementwise bitwise NOT (`~x`); logical NOT for bools.

    Args:
        x: integer or bool tensor.

    Example:
        >>> ops.bitwise_invert([0, 5])  # [-1, -6]
    """
    require_integers("bitwise_invert", x)
    return xp_of(x).invert(x), None


bitwise_not = bitwise_invert


@primitive
def bitwise_left_shift(x, y):
    """Shift the bits of `x` left by `y`, elementwise (`x * 2**y`, 0 once shifted out).

    Args:
        x: integer tensor.
        y: shift amounts, broadcastable with `x`.

    Example:
        >>> ops.bitwise_left_shift([1, 3], 2)  # [4, 12]
    """
    require_integers("bitwise_left_shift", x, y)
    x, y = integer_operands(x, y)
    return xp_of(x, y).left_shift(x, y), None


@primitive
def bitwise_right_shift(x, y):
    """Shift the bits of `x` right by `y`, elementwise (arithmetic shift for signed ints).

    Args:
        x: integer tensor.
        y: shift amounts, broadcastable with `x`.

    Example:
        >>> ops.bitwise_right_shift([8, -8], 2)  # [2, -2]
    """
    require_integers("bitwise_right_shift", x, y)
    x, y = integer_operands(x, y)
    return xp_of(x, y).right_shift(x, y), None


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift
