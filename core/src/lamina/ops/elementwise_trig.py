"""Trigonometric and hyperbolic functions, their inverses, angle units and sinc."""

import math

from lamina.ops.elementwise_unary import float_unary

__all__ = [
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "cos",
    "cosh",
    "deg2rad",
    "rad2deg",
    "sin",
    "sinc",
    "sinh",
    "tan",
    "tanh",
]

sin = float_unary(
    "sin",
    lambda xp, x: xp.sin(x),
    lambda xp, g, x, out: g * xp.cos(x),
    "Sine of `x` in radians, elementwise.",
    "[0.0, 1.5707964])  # [0.0, 1.0]",
)
cos = float_unary(
    "cos",
    lambda xp, x: xp.cos(x),
    lambda xp, g, x, out: -g * xp.sin(x),
    "Cosine of `x` in radians, elementwise.",
    "[0.0, 3.1415927])  # [1.0, -1.0]",
)
tan = float_unary(
    "tan",
    lambda xp, x: xp.tan(x),
    lambda xp, g, x, out: g * (1 + out * out),
    "Tangent of `x` in radians, elementwise.",
    "0.7853982)  # 1.0",
)
arcsin = float_unary(
    "arcsin",
    lambda xp, x: xp.arcsin(x),
    lambda xp, g, x, out: g / xp.sqrt((1 - x) * (1 + x)),
    "Inverse sine in radians, elementwise (NaN outside [-1, 1]).",
    "[0.0, 1.0])  # [0.0, 1.5707964]",
)
arccos = float_unary(
    "arccos",
    lambda xp, x: xp.arccos(x),
    lambda xp, g, x, out: -g / xp.sqrt((1 - x) * (1 + x)),
    "Inverse cosine in radians, elementwise (NaN outside [-1, 1]).",
    "[1.0, 0.0])  # [0.0, 1.5707964]",
)
arctan = float_unary(
    "arctan",
    lambda xp, x: xp.arctan(x),
    lambda xp, g, x, out: g / (1 + x * x),
    "Inverse tangent in radians, elementwise.",
    "1.0)  # 0.7853982",
)
sinh = float_unary(
    "sinh",
    lambda xp, x: xp.sinh(x),
    lambda xp, g, x, out: g * xp.cosh(x),
    "Hyperbolic sine, elementwise.",
    "0.0)  # 0.0",
)
cosh = float_unary(
    "cosh",
    lambda xp, x: xp.cosh(x),
    lambda xp, g, x, out: g * xp.sinh(x),
    "Hyperbolic cosine, elementwise.",
    "0.0)  # 1.0",
)
tanh = float_unary(
    "tanh",
    lambda xp, x: xp.tanh(x),
    lambda xp, g, x, out: g * (1 - out * out),
    "Hyperbolic tangent, elementwise.",
    "[0.0, 100.0])  # [0.0, 1.0]",
)
arcsinh = float_unary(
    "arcsinh",
    lambda xp, x: xp.arcsinh(x),
    lambda xp, g, x, out: g / xp.sqrt(x * x + 1),
    "Inverse hyperbolic sine, elementwise.",
    "0.0)  # 0.0",
)
arccosh = float_unary(
    "arccosh",
    lambda xp, x: xp.arccosh(x),
    lambda xp, g, x, out: g / xp.sqrt((x - 1) * (x + 1)),
    "Inverse hyperbolic cosine, elementwise (NaN below 1).",
    "1.0)  # 0.0",
)
arctanh = float_unary(
    "arctanh",
    lambda xp, x: xp.arctanh(x),
    lambda xp, g, x, out: g / ((1 - x) * (1 + x)),
    "Inverse hyperbolic tangent, elementwise (+-inf at +-1, NaN beyond).",
    "0.0)  # 0.0",
)
deg2rad = float_unary(
    "deg2rad",
    lambda xp, x: xp.deg2rad(x),
    lambda xp, g, x, out: g * (math.pi / 180),
    "Convert angles from degrees to radians, elementwise.",
    "180)  # 3.1415927, float32",
)
rad2deg = float_unary(
    "rad2deg",
    lambda xp, x: xp.rad2deg(x),
    lambda xp, g, x, out: g * (180 / math.pi),
    "Convert angles from radians to degrees, elementwise.",
    "3.1415927)  # 180.0",
)


def _sinc_derivative(xp, g, x, out):
    # d/dx sin(pi x) / (pi x) = (cos(pi x) - sinc(x)) / x, which is 0 at x = 0.
    zero = x == 0
    return xp.where(zero, 0, g * (xp.cos(math.pi * x) - out) / xp.where(zero, 1, x))


sinc = float_unary(
    "sinc",
    lambda xp, x: xp.sinc(x),
    _sinc_derivative,
    "Normalized sinc, `sin(pi x) / (pi x)` (1 at 0), elementwise.",
    "[0.0, 0.5])  # [1.0, 0.63661975]",
)
