"""Comparisons and logic: equal, less, greater, logical_and, isnan, isclose, isin, ...

All outputs are bool and carry no gradient.
"""

from lamina.autodiff import primitive
from lamina.ops._dtypes import promote_pair, xp_of

__all__ = [
    "allclose",
    "equal",
    "greater",
    "greater_equal",
    "isclose",
    "isfinite",
    "isin",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "less",
    "less_equal",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "not_equal",
]

_DOC = """Elementwise `x1 {symbol} x2`, as bool.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.{name}([1, 2, 3], 2)  # {example}
    """


def _comparison(compare, name, symbol, example):
    def forward(x1, x2):
        x1, x2 = promote_pair(x1, x2)
        return compare(x1, x2), None

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = _DOC.format(symbol=symbol, name=name, example=example)
    return primitive(forward)


equal = _comparison(lambda a, b: a == b, "equal", "==", "[False, True, False]")
not_equal = _comparison(lambda a, b: a != b, "not_equal", "!=", "[True, False, True]")
less = _comparison(lambda a, b: a < b, "less", "<", "[True, False, False]")
less_equal = _comparison(lambda a, b: a <= b, "less_equal", "<=", "[True, True, False]")
greater = _comparison(lambda a, b: a > b, "greater", ">", "[False, False, True]")
greater_equal = _comparison(lambda a, b: a >= b, "greater_equal", ">=", "[False, True, True]")


@primitive
def logical_and(x1, x2):
    """Elementwise logical AND of the truth values of `x1` and `x2`.

    Args:
        x1: first tensor (nonzero is True).
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.logical_and([True, True], [True, False])  # [True, False]
    """
    return xp_of(x1, x2).logical_and(x1, x2), None


@primitive
def logical_or(x1, x2):
    """Elementwise logical OR of the truth values of `x1` and `x2`.

    Args:
        x1: first tensor (nonzero is True).
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.logical_or([True, False], [False, False])  # [True, False]
    """
    return xp_of(x1, x2).logical_or(x1, x2), None


@primitive
def logical_xor(x1, x2):
    """Elementwise logical XOR of the truth values of `x1` and `x2`.

    Args:
        x1: first tensor (nonzero is True).
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.logical_xor([True, True], [True, False])  # [False, True]
    """
    return xp_of(x1, x2).logical_xor(x1, x2), None


@primitive
def logical_not(x):
    """Elementwise logical NOT of the truth values of `x`.

    Args:
        x: input tensor (nonzero is True).

    Example:
        >>> ops.logical_not([0, 2])  # [True, False]
    """
    return xp_of(x).logical_not(x), None


@primitive
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Elementwise `|x1 - x2| <= atol + rtol * |x2|`, as bool.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: count NaN as equal to NaN.

    Example:
        >>> ops.isclose([1.0, 2.0], [1.0 + 1e-7, 2.1])  # [True, False]
    """
    x1, x2 = promote_pair(x1, x2)
    return xp_of(x1, x2).isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan), None


@primitive
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether `isclose(x1, x2)` holds everywhere, as a 0-d bool tensor.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: count NaN as equal to NaN.

    Example:
        >>> ops.allclose([1.0, 2.0], [1.0, 2.0 + 1e-7])  # True
    """
    x1, x2 = promote_pair(x1, x2)
    xp = xp_of(x1, x2)
    return xp.all(xp.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)), None


@primitive
def isfinite(x):
    """True where `x` is neither infinite nor NaN (always for integers).

    Args:
        x: input tensor.

    Example:
        >>> ops.isfinite([1.0, float("inf"), float("nan")])  # [True, False, False]
    """
    return xp_of(x).isfinite(x), None


@primitive
def isinf(x):
    """True where `x` is +inf or -inf.

    Args:
        x: input tensor.

    Example:
        >>> ops.isinf([1.0, float("-inf")])  # [False, True]
    """
    return xp_of(x).isinf(x), None


@primitive
def isnan(x):
    """True where `x` is NaN.

    Args:
        x: input tensor.

    Example:
        >>> ops.isnan([1.0, float("nan")])  # [False, True]
    """
    return xp_of(x).isnan(x), None


def _signed_inf(x, negative):
    xp = xp_of(x)
    if x.dtype.kind == "c":
        name = "isneginf" if negative else "isposinf"
        raise ValueError(
            f"{name}: the sign of a complex infinity is not defined. Received: {x.dtype}."
        )
    if x.dtype.kind != "f":
        return xp.zeros(x.shape, dtype=bool)
    sign = xp.signbit(x)
    return xp.isinf(x) & (sign if negative else ~sign)


@primitive
def isneginf(x):
    """True where `x` is -inf.

    Args:
        x: input tensor.

    Example:
        >>> ops.isneginf([float("inf"), float("-inf")])  # [False, True]
    """
    return _signed_inf(x, negative=True), None


@primitive
def isposinf(x):
    """True where `x` is +inf.

    Args:
        x: input tensor.

    Example:
        >>> ops.isposinf([float("inf"), float("-inf")])  # [True, False]
    """
    return _signed_inf(x, negative=False), None


@primitive
def isreal(x):
    """True where the imaginary part is 0 (always for real dtypes).

    Args:
        x: input tensor.

    Example:
        >>> ops.isreal(np.array([1 + 0j, 1 + 1j]))  # [True, False]
    """
    xp = xp_of(x)
    if x.dtype.kind != "c":
        return xp.ones(x.shape, dtype=bool), None
    return xp.imag(x) == 0, None


@primitive
def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of `x1` occurs anywhere in `x2`, with x1's shape.

    Args:
        x1: elements to look up.
        x2: values to look for (any shape; flattened).
        assume_unique: promise that both inputs hold unique values (faster).
        invert: return True where the element is *not* in `x2`.

    Example:
        >>> ops.isin([1, 2, 3], [2, 5])  # [False, True, False]
    """
    x1, x2 = promote_pair(x1, x2)
    xp = xp_of(x1, x2)
    return xp.isin(x1, x2, assume_unique=assume_unique, invert=invert), None
