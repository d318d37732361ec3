"""Elementwise unary math: negative, abs, sign, sqrt, exp, log, rounding, ...

`float_unary` builds the many float-valued ops of one argument (also used by the
trigonometric and special-function modules).
"""

import inspect
import math
import sys

import numpy as np

from lamina.autodiff import primitive
from lamina.ops._dtypes import as_float, xp_of

__all__ = [
    "abs",
    "absolute",
    "cbrt",
    "ceil",
    "copy",
    "exp",
    "exp2",
    "expm1",
    "fabs",
    "floor",
    "log",
    "log10",
    "log1p",
    "log2",
    "nan_to_num",
    "negative",
    "reciprocal",
    "round",
    "rsqrt",
    "sign",
    "signbit",
    "sqrt",
    "square",
    "trunc",
]

_DOC = """{summary}

    Args:
        x: input tensor; integers and bools compute in floatx.

    Example:
        >>> ops.{name}({example}
    """


def float_unary(name, compute, derivative, summary, example):
    """Make a float-valued unary primitive (integers and bools are cast to floatx).

    Args:
        name: the op's name.
        compute: `compute(xp, x) -> out` on a float array.
        derivative: `derivative(xp, g, x, out) -> cotangent`; the vjp keeps `x` and
            `out` alive only if `derivative` names them.
        summary: the docstring's first line.
        example: the docstring example's arguments and result, e.g. `"0.0)  # 1.0"`.
    """
    params = inspect.signature(derivative).parameters
    keep_x, keep_out = "x" in params, "out" in params

    def forward(x):
        x = as_float(x)
        xp = xp_of(x)
        out = compute(xp, x)
        saved_x = x if keep_x else None
        saved_out = out if keep_out else None

        def vjp(g):
            with np.errstate(divide="ignore", invalid="ignore"):  # inf/NaN at poles, as in JAX
                return derivative(xp, g, saved_x, saved_out)

        return out, vjp

    forward.__name__ = forward.__qualname__ = name
    forward.__module__ = sys._getframe(1).f_globals["__name__"]  # the defining module
    forward.__doc__ = _DOC.format(summary=summary, name=name, example=example)
    return primitive(forward)


def _is_complex(x):
    return x.dtype.kind == "c"


@primitive
def negative(x):
    """Numerical negative, elementwise.

    Args:
        x: input tensor (not bool).

    Example:
        >>> ops.negative([1, -2])  # [-1, 2]
    """

    def vjp(g):
        return -g

    return -x, vjp


@primitive
def abs(x):  # shadows the builtin: Keras's name
    """Absolute value elementwise (the modulus for complex input, as a float).

    The gradient at 0 is 1, as in Keras on JAX.

    Args:
        x: input tensor.

    Example:
        >>> ops.abs([-1.5, 2.0])  # [1.5, 2.0]
    """
    xp = xp_of(x)
    out = xp.abs(x)
    if _is_complex(x):
        return out, _modulus_vjp(xp, x, out)

    def vjp(g):
        return xp.where(x < 0, -g, g)

    return out, vjp


def _modulus_vjp(xp, z, out):
    def vjp(g):
        nonzero = out != 0
        return xp.where(nonzero, g * xp.conj(z) / xp.where(nonzero, out, 1), 0)

    return vjp


absolute = abs


@primitive
def fabs(x):
    """Absolute value elementwise, always as a float (integers compute in floatx).

    Args:
        x: real input tensor.

    Example:
        >>> ops.fabs([-2, 3])  # [2.0, 3.0], float32
    """
    x = as_float(x)
    xp = xp_of(x)

    def vjp(g):
        return xp.where(x < 0, -g, g)

    return xp.abs(x), vjp


@primitive
def sign(x):
    """-1, 0 or 1 by the sign of `x`, elementwise, in x's dtype (no gradient).

    Args:
        x: input tensor (not bool).

    Example:
        >>> ops.sign([-2.0, 0.0, 3.0])  # [-1.0, 0.0, 1.0]
    """
    if x.dtype == np.bool_:
        raise TypeError("sign: bool tensors have no sign; cast them to a number first.")
    return xp_of(x).sign(x), None


@primitive
def square(x):
    """`x * x` elementwise (bools give int32).

    Args:
        x: input tensor.

    Example:
        >>> ops.square([2, -3])  # [4, 9]
    """
    if x.dtype == np.bool_:
        x = x.astype("int32")

    def vjp(g):
        return 2 * x * g

    return x * x, vjp


sqrt = float_unary(
    "sqrt",
    lambda xp, x: xp.sqrt(x),
    lambda xp, g, x, out: g * 0.5 / out,
    "Square root, elementwise (NaN for negative reals).",
    "[4, 9])  # [2.0, 3.0], float32",
)
rsqrt = float_unary(
    "rsqrt",
    lambda xp, x: 1 / xp.sqrt(x),
    lambda xp, g, x, out: -0.5 * g * out * out * out,
    "Reciprocal of the square root, `1 / sqrt(x)`, elementwise.",
    "[4.0, 0.25])  # [0.5, 2.0]",
)
reciprocal = float_unary(
    "reciprocal",
    lambda xp, x: 1 / x,
    lambda xp, g, x, out: -g * out * out,
    "`1 / x`, elementwise.",
    "[2.0, 0.5])  # [0.5, 2.0]",
)
cbrt = float_unary(
    "cbrt",
    lambda xp, x: xp.cbrt(x),
    lambda xp, g, x, out: g / (3 * out * out),
    "Real cube root, elementwise (negative for negative inputs).",
    "[-8.0, 27.0])  # [-2.0, 3.0]",
)
exp = float_unary(
    "exp",
    lambda xp, x: xp.exp(x),
    lambda xp, g, x, out: g * out,
    "Exponential `e**x`, elementwise.",
    "[0.0, 1.0])  # [1.0, 2.7182817]",
)
exp2 = float_unary(
    "exp2",
    lambda xp, x: xp.exp2(x),
    lambda xp, g, x, out: g * out * math.log(2.0),
    "`2**x`, elementwise.",
    "[3, -1])  # [8.0, 0.5], float32",
)
expm1 = float_unary(
    "expm1",
    lambda xp, x: xp.expm1(x),
    lambda xp, g, x, out: g * (out + 1),
    "`exp(x) - 1`, accurate for small `x`, elementwise.",
    "1e-10)  # 1e-10",
)
log = float_unary(
    "log",
    lambda xp, x: xp.log(x),
    lambda xp, g, x, out: g / x,
    "Natural logarithm, elementwise (-inf at 0, NaN for negative reals).",
    "[1.0, 2.7182817])  # [0.0, 1.0]",
)
log2 = float_unary(
    "log2",
    lambda xp, x: xp.log2(x),
    lambda xp, g, x, out: g / (x * math.log(2.0)),
    "Base-2 logarithm, elementwise.",
    "[1, 8])  # [0.0, 3.0], float32",
)
log10 = float_unary(
    "log10",
    lambda xp, x: xp.log10(x),
    lambda xp, g, x, out: g / (x * math.log(10.0)),
    "Base-10 logarithm, elementwise.",
    "[1.0, 100.0])  # [0.0, 2.0]",
)
log1p = float_unary(
    "log1p",
    lambda xp, x: xp.log1p(x),
    lambda xp, g, x, out: g / (1 + x),
    "`log(1 + x)`, accurate for small `x`, elementwise.",
    "1e-10)  # 1e-10",
)


@primitive
def ceil(x):
    """Smallest integer value `>= x`, elementwise, as a float (no gradient).

    Args:
        x: input tensor; integers and bools give floatx.

    Example:
        >>> ops.ceil([1.2, -1.2])  # [2.0, -1.0]
    """
    x = as_float(x)
    return xp_of(x).ceil(x), None


@primitive
def floor(x):
    """Largest integer value `<= x`, elementwise, as a float (no gradient).

    Args:
        x: input tensor; integers and bools give floatx.

    Example:
        >>> ops.floor([1.8, -1.2])  # [1.0, -2.0]
    """
    x = as_float(x)
    return xp_of(x).floor(x), None


@primitive
def trunc(x):
    """Round toward zero, elementwise, keeping x's dtype (no gradient).

    Args:
        x: input tensor.

    Example:
        >>> ops.trunc([1.8, -1.8])  # [1.0, -1.0]
    """
    return xp_of(x).trunc(x), None


@primitive
def round(x, decimals=0):  # shadows the builtin: Keras's name
    """Round half to even to `decimals` places, keeping x's dtype (no gradient).

    Args:
        x: input tensor (not bool).
        decimals: decimal places; negative values round to tens, hundreds, ...

    Example:
        >>> ops.round([0.5, 1.5, 2.567], 0)  # [0.0, 2.0, 3.0]
        >>> ops.round([149, 151], -2)  # [100, 200]
    """
    if x.dtype == np.bool_:
        raise TypeError("round: bool tensors cannot be rounded; cast them to a number first.")
    return xp_of(x).round(x, decimals), None


@primitive
def copy(x):
    """A copy of `x` (the gradient passes through).

    Args:
        x: input tensor.

    Example:
        >>> ops.copy([1, 2])  # [1, 2]
    """

    def vjp(g):
        return g

    return x.copy(), vjp


@primitive
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities with finite numbers (no gradient through them).

    Args:
        x: input tensor.
        nan: value for NaN.
        posinf: value for +inf (default: the dtype's largest finite value).
        neginf: value for -inf (default: the dtype's most negative finite value).

    Example:
        >>> ops.nan_to_num([float("nan"), 1.0], nan=-1.0)  # [-1.0, 1.0]
    """
    if x.dtype.kind not in "fc":
        return x.copy(), None
    xp = xp_of(x)

    def vjp(g):
        return xp.where(xp.isfinite(x), g, 0)

    return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf), vjp


@primitive
def signbit(x):
    """True where the sign bit is set (negative values, -0.0 and -nan), elementwise.

    Args:
        x: input tensor.

    Example:
        >>> ops.signbit([-1.0, 0.0, -0.0])  # [True, False, True]
    """
    return xp_of(x).signbit(x), None
