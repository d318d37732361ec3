"""Smooth activation functions of `keras.ops.nn`, each one fused primitive.

Every activation is a single tape node whose vjp reuses what the forward already
computed (sigmoid' = y(1 - y), softmax' from y, ...). Forwards stay in the input's
float dtype (integers become floatx, except where Keras keeps them: relu, hard_tanh).
"""

import functools
import math

import numpy as np

from lamina.autodiff import primitive
from lamina.backend import kernels_for
from lamina.ops._dtypes import as_float, xp_of

__all__ = [
    "celu",
    "elu",
    "gelu",
    "log_sigmoid",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softplus",
    "softsign",
    "swish",
]

# exp(-x) is clamped below overflow: 1 / (1 + e**cap) is already below the dtype's
# resolution next to 0, and no overflow warning is raised.
_EXP_CAP = {"float32": 88.0, "float64": 709.0}
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


def _elementwise(fn):
    """Run `fn` on a 1-element array for 0-d inputs.

    NumPy ufuncs return scalars for 0-d arrays, and scalars cannot be written in
    place (`out=`); the wrapped forwards and vjps can then always work in place.
    """

    @functools.wraps(fn)
    def forward(x, *args, **kwargs):
        if x.ndim:
            return fn(x, *args, **kwargs)
        out, vjp = fn(x.reshape(1), *args, **kwargs)
        return out.reshape(()), lambda g: vjp(g.reshape(1)).reshape(())

    return forward


def sigmoid_array(xp, x):
    """`1 / (1 + exp(-x))` on a raw float array (returns a fresh array)."""
    if x.dtype == "float16":  # exp overflows float16 at 11: compute in float32
        return sigmoid_array(xp, x.astype("float32")).astype("float16")
    if x.ndim == 0:  # ufuncs return scalars for 0-d arrays; `out=` needs an array
        return sigmoid_array(xp, x.reshape(1)).reshape(())
    e = xp.negative(x)
    e.clip(-xp.inf, _EXP_CAP.get(x.dtype.name, 88.0), out=e)
    xp.exp(e, out=e)
    e += 1.0
    return xp.divide(1.0, e, out=e)


def log1p_array(xp, e):
    """`log(1 + e)` for `e >= 0`, accurate to a few ulps (a fresh array).

    NumPy's `log1p` is scalar libm code, ~5x slower than this Kahan-style
    `log(u) * e / (u - 1)` with `u = 1 + e` built from vectorized ops.
    """
    if xp is not np:
        return xp.log1p(e)
    if e.ndim == 0:  # `out=` needs arrays
        return log1p_array(xp, e.reshape(1)).reshape(())
    u = e + 1.0
    d = u - 1.0
    tiny = d == 0  # e below half an ulp of 1, where log1p(e) == e: make the ratio 1 * e / 1
    np.log(u, out=u)
    u += tiny
    d += tiny
    np.divide(e, d, out=d)
    d *= u
    return d


_EXP_FLOOR = {"float32": -80.0, "float64": -700.0}


def expm1_nonpositive(xp, x):
    """`exp(min(x, 0)) - 1`, accurate to a few ulps (a fresh array).

    Kahan's `(u - 1) * x / log(u)` with `u = exp(x)`: vectorized, unlike NumPy's
    `expm1`.
    """
    if xp is not np:
        return xp.expm1(xp.minimum(x, 0.0))
    if x.dtype == "float16":
        return expm1_nonpositive(xp, x.astype("float32")).astype("float16")
    if x.ndim == 0:  # `out=` needs arrays
        return expm1_nonpositive(xp, x.reshape(1)).reshape(())
    x = np.clip(x, _EXP_FLOOR.get(x.dtype.name, -80.0), 0.0)  # keeps exp(x) normal
    u = np.exp(x)
    d = u - 1.0
    tiny = d == 0  # |x| below half an ulp of 1, where expm1(x) == x: make it 1 * x / 1
    np.log(u, out=u)
    u += tiny
    d += tiny
    d *= x
    d /= u
    return d


def softplus_array(xp, x):
    """`log(1 + exp(x))` computed stably, `max(x, 0) + log1p(exp(-|x|))` (a fresh array)."""
    if x.ndim == 0:  # `out=` needs arrays
        return softplus_array(xp, x.reshape(1)).reshape(())
    e = xp.abs(x)
    e *= -1.0
    xp.exp(e, out=e)
    out = log1p_array(xp, e)
    x.clip(0.0, xp.inf, out=e)
    out += e
    return out


@primitive
@_elementwise
def relu(x):
    """Rectified linear unit, `max(x, 0)`; integer inputs stay integer.

    Args:
        x: input tensor.

    Example:
        >>> ops.relu([-1.0, 2.0])  # [0., 2.]
    """
    xp = xp_of(x)
    if x.dtype.kind in "fc":
        out = x.clip(0.0, xp.inf)  # faster than maximum in NumPy
    else:
        out = xp.maximum(x.astype("int32") if x.dtype.kind == "b" else x, 0)

    def vjp(g):
        return g * (out > 0)

    return out, vjp


@primitive
@_elementwise
def relu6(x):
    """Rectified linear unit capped at 6, `min(max(x, 0), 6)`.

    Args:
        x: input tensor.

    Example:
        >>> ops.relu6([-1.0, 7.0])  # [0., 6.]
    """
    x = as_float(x)
    out = xp_of(x).clip(x, 0.0, 6.0)

    def vjp(g):
        return g * ((x > 0) & (x < 6))

    return out, vjp


@primitive
@_elementwise
def sigmoid(x):
    """Logistic sigmoid, `1 / (1 + exp(-x))`.

    Args:
        x: input tensor.

    Example:
        >>> ops.sigmoid([0.0])  # [0.5]
    """
    out = sigmoid_array(xp_of(x), as_float(x))

    def vjp(g):
        d = 1.0 - out
        d *= out
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def silu(x):
    """Sigmoid linear unit (swish), `x * sigmoid(x)`.

    Args:
        x: input tensor.

    Example:
        >>> ops.silu([0.0, 1.0])  # [0., 0.7310586]
    """
    x = as_float(x)
    s = sigmoid_array(xp_of(x), x)
    out = x * s

    def vjp(g):
        d = 1.0 - s  # s + x s (1 - s)
        d *= out
        d += s
        d *= g
        return d

    return out, vjp


swish = silu


@primitive
@_elementwise
def log_sigmoid(x):
    """Logarithm of the sigmoid, `-softplus(-x)`, computed stably.

    Args:
        x: input tensor.

    Example:
        >>> ops.log_sigmoid([0.0])  # [-0.6931472]
    """
    x = as_float(x)
    xp = xp_of(x)
    out = softplus_array(xp, xp.negative(x))
    out *= -1.0

    def vjp(g):
        d = sigmoid_array(xp, xp.negative(x))  # 1 - sigmoid(x), exact for large x
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def softplus(x):
    """Softplus, `log(1 + exp(x))`, computed stably.

    Args:
        x: input tensor.

    Example:
        >>> ops.softplus([0.0])  # [0.6931472]
    """
    x = as_float(x)
    xp = xp_of(x)
    out = softplus_array(xp, x)

    def vjp(g):
        d = sigmoid_array(xp, x)
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def softsign(x):
    """Softsign, `x / (|x| + 1)`.

    Args:
        x: input tensor.

    Example:
        >>> ops.softsign([1.0])  # [0.5]
    """
    x = as_float(x)
    xp = xp_of(x)
    denom = xp.abs(x)
    denom += 1.0
    out = x / denom

    def vjp(g):
        d = g / denom
        d /= denom
        return d

    return out, vjp


@primitive
@_elementwise
def elu(x, alpha=1.0):
    """Exponential linear unit: `x` if `x > 0` else `alpha * (exp(x) - 1)`.

    Args:
        x: input tensor.
        alpha: scale of the negative part.

    Example:
        >>> ops.elu([-1.0, 1.0])  # [-0.63212055, 1.]
    """
    x = as_float(x)
    xp = xp_of(x)
    neg = expm1_nonpositive(xp, x)
    neg *= alpha
    out = x.clip(0.0, xp.inf)
    out += neg

    def vjp(g):
        # 1 for x > 0, alpha * exp(x) == neg + alpha below (blended: np.where is slow)
        d = (x > 0).astype(x.dtype)
        d *= 1.0 - alpha
        d += neg
        d += alpha
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def selu(x):
    """Scaled exponential linear unit (Klambauer et al., 2017).

    Args:
        x: input tensor.

    Example:
        >>> ops.selu([1.0])  # [1.050701]
    """
    x = as_float(x)
    xp = xp_of(x)
    neg = expm1_nonpositive(xp, x)
    neg *= _SELU_ALPHA
    out = x.clip(0.0, xp.inf)
    out += neg
    out *= _SELU_SCALE

    def vjp(g):
        d = (x > 0).astype(x.dtype)  # scale * (1 for x > 0, alpha * exp(x) below)
        d *= 1.0 - _SELU_ALPHA
        d += neg
        d += _SELU_ALPHA
        d *= g * _SELU_SCALE
        return d

    return out, vjp


@primitive
@_elementwise
def celu(x, alpha=1.0):
    """Continuously differentiable ELU, `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`.

    Args:
        x: input tensor.
        alpha: the CELU alpha.

    Example:
        >>> ops.celu([-1.0, 1.0])  # [-0.63212055, 1.]
    """
    x = as_float(x)
    xp = xp_of(x)
    neg = expm1_nonpositive(xp, x / alpha)
    neg *= alpha
    out = x.clip(0.0, xp.inf)
    out += neg

    def vjp(g):
        d = neg / alpha  # exp(min(x, 0) / alpha): 1 for x > 0, the slope below
        d += 1.0
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def gelu(x, approximate=True):
    """Gaussian error linear unit, `x * Phi(x)` (tanh approximation by default).

    Args:
        x: input tensor.
        approximate: use `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`;
            False uses the exact `erf` form.

    Example:
        >>> ops.gelu([1.0])  # [0.841192]
    """
    x = as_float(x)
    xp = xp_of(x)
    if approximate:
        t = x * x
        t *= _GELU_K
        t += 1.0
        t *= x
        t *= _SQRT_2_OVER_PI
        xp.tanh(t, out=t)
        out = t + 1.0
        out *= 0.5
        out *= x

        def vjp(g):
            d = x * x  # 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3k x^2) + 0.5 (1 + t)
            d *= 3.0 * _GELU_K
            d += 1.0
            d *= 0.5 * _SQRT_2_OVER_PI
            d *= x
            u = t * t
            u -= 1.0
            d *= u
            d *= -1.0
            d += 0.5
            xp.multiply(t, 0.5, out=u)
            d += u
            d *= g
            return d

        return out, vjp

    cdf = kernels_for(xp).erf(x * (1.0 / math.sqrt(2.0)))
    cdf += 1.0
    cdf *= 0.5
    out = x * cdf

    def vjp_exact(g):
        d = x * x  # cdf + x * pdf(x)
        d *= -0.5
        xp.exp(d, out=d)
        d *= x
        d *= 1.0 / math.sqrt(2.0 * math.pi)
        d += cdf
        d *= g
        return d

    return out, vjp_exact
