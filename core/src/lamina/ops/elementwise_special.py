"""Special functions: erf, erfc, erfinv and the Bessel function i0."""

import math

from lamina.backend import kernels_for
from lamina.ops.elementwise_unary import float_unary

__all__ = ["erf", "erfc", "erfinv", "i0"]

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)

erf = float_unary(
    "erf",
    lambda xp, x: kernels_for(xp).erf(x),
    lambda xp, g, x, out: g * _TWO_OVER_SQRT_PI * xp.exp(-x * x),
    "Gauss error function `2 / sqrt(pi) * integral(exp(-t**2), 0, x)`, elementwise.",
    "[0.0, 1.0])  # [0.0, 0.8427008]",
)
erfc = float_unary(
    "erfc",
    lambda xp, x: kernels_for(xp).erfc(x),
    lambda xp, g, x, out: -g * _TWO_OVER_SQRT_PI * xp.exp(-x * x),
    "Complementary error function `1 - erf(x)`, accurate in the tails, elementwise.",
    "[0.0, 5.0])  # [1.0, 1.5374597e-12]",
)
erfinv = float_unary(
    "erfinv",
    lambda xp, x: kernels_for(xp).erfinv(x),
    lambda xp, g, x, out: g * (0.5 * math.sqrt(math.pi)) * xp.exp(out * out),
    "Inverse error function on [-1, 1] (+-inf at +-1, NaN outside), elementwise.",
    "[0.0, 0.5])  # [0.0, 0.47693628]",
)


def _i0(xp, x):
    # NumPy's i0 has no float16 loop of its own and CuPy's none at all: compute in float32.
    work = x.astype("float32") if x.dtype == "float16" else x
    return xp.i0(work).astype(x.dtype, copy=False)


i0 = float_unary(
    "i0",
    _i0,
    lambda xp, g, x, out: g * kernels_for(xp).i1(x),
    "Modified Bessel function of the first kind, order 0, elementwise.",
    "[0.0, 1.0])  # [1.0, 1.2660659]",
)
