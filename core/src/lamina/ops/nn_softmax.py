"""Activations over an axis: softmax, log_softmax, sparsemax, glu.

softmax and log_softmax are single primitives: their vjps need only the saved
output (`y * (g - sum(g * y))`, `g - exp(y) * sum(g)`).
"""

import warnings

from lamina.autodiff import primitive
from lamina.ops._dtypes import as_float, xp_of
from lamina.ops.nn_activations import sigmoid_array

__all__ = [
    "glu",
    "log_softmax",
    "softmax",
    "sparsemax",
]


def _check_rank(x, name):
    if x.ndim == 0:
        raise ValueError(
            f"{name}: needs a tensor of rank >= 1 (it works along an axis); received a scalar."
        )


def _warn_size_one(x, axis, name):
    if isinstance(axis, int) and -x.ndim <= axis < x.ndim and x.shape[axis] == 1:
        warnings.warn(
            f"You are using a {name} over axis {axis} of a tensor of shape {x.shape}. "
            f"This axis has size 1. The {name} operation will always return the value "
            "1, which is likely not what you intended. Did you mean to use a sigmoid "
            "instead?",
            stacklevel=4,
        )


@primitive
def softmax(x, axis=-1):
    """Softmax along `axis` (an int or a tuple of ints), `exp(x) / sum(exp(x))`.

    Args:
        x: input tensor.
        axis: axis or axes the probabilities sum to 1 over.

    Example:
        >>> ops.softmax([0.0, 0.0])  # [0.5, 0.5]
    """
    x = as_float(x)
    xp = xp_of(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    _check_rank(x, "softmax")
    if x.size == 0:
        return xp.zeros_like(x), (lambda g: xp.zeros_like(g))
    _warn_size_one(x, axis, "softmax")
    out = x - x.max(axis=axis, keepdims=True)
    xp.exp(out, out=out)
    out /= out.sum(axis=axis, keepdims=True)

    def vjp(g):
        d = g * out
        s = d.sum(axis=axis, keepdims=True)
        xp.subtract(g, s, out=d)
        d *= out
        return d

    return out, vjp


@primitive
def log_softmax(x, axis=-1):
    """Log of the softmax along `axis`, `x - logsumexp(x)`, computed stably.

    Args:
        x: input tensor.
        axis: axis or axes of the softmax.

    Example:
        >>> ops.log_softmax([0.0, 0.0])  # [-0.6931472, -0.6931472]
    """
    x = as_float(x)
    xp = xp_of(x)
    axis = tuple(axis) if isinstance(axis, list) else axis
    _check_rank(x, "log_softmax")
    if x.size == 0:
        return xp.zeros_like(x), (lambda g: xp.zeros_like(g))
    out = x - x.max(axis=axis, keepdims=True)
    e = xp.exp(out)
    out -= xp.log(e.sum(axis=axis, keepdims=True))
    del e

    def vjp(g):
        d = xp.exp(out)  # g - softmax * sum(g)
        d *= g.sum(axis=axis, keepdims=True)
        xp.subtract(g, d, out=d)
        return d

    return out, vjp


@primitive
def sparsemax(x, axis=-1):
    """Sparsemax along `axis`: a projection of `x` onto the probability simplex.

    Matches Keras 3 numerically: its threshold is `(sum over the support of the
    sorted cumulative sums - 1) / k`, which equals the textbook sparsemax when the
    support has one element.

    Args:
        x: input tensor.
        axis: the axis to normalize over.

    Example:
        >>> ops.sparsemax([0.0, 1.0, 3.0])  # [0., 0., 1.]
    """
    x = as_float(x)
    xp = xp_of(x)
    _check_rank(x, "sparsemax")
    if x.size == 0:
        return xp.zeros_like(x), (lambda g: xp.zeros_like(g))
    axis = axis % x.ndim
    n = x.shape[axis]
    order = xp.argsort(-x, axis=axis)
    z = xp.take_along_axis(x, order, axis=axis)
    cumsum = xp.cumsum(z, axis=axis)
    r = xp.arange(1, n + 1, dtype=x.dtype).reshape((n,) + (1,) * (x.ndim - 1 - axis))
    support = z - (cumsum - 1.0) / r > 0
    k = support.sum(axis=axis, keepdims=True).astype(x.dtype)
    tau = (xp.sum(xp.where(support, cumsum, 0.0), axis=axis, keepdims=True) - 1.0) / k
    out = xp.maximum(x - tau, 0.0)

    def vjp(g):
        # d tau / d z_m = (support entries at or after m) / k, mapped back through the sort.
        s = support.astype(x.dtype)
        after = s.sum(axis=axis, keepdims=True) - xp.cumsum(s, axis=axis) + s
        w = xp.take_along_axis(after / k, xp.argsort(order, axis=axis), axis=axis)
        d = g * (out > 0)
        return d - d.sum(axis=axis, keepdims=True) * w

    return out, vjp


@primitive
def glu(x, axis=-1):
    """Gated linear unit: split `x` in halves `a, b` along `axis`, `a * sigmoid(b)`.

    Args:
        x: input tensor; its `axis` dimension must be even.
        axis: the axis to split.

    Example:
        >>> ops.glu([1.0, 0.0])  # [0.5]
    """
    x = as_float(x)
    xp = xp_of(x)
    _check_rank(x, "glu")
    axis = axis % x.ndim
    size = x.shape[axis]
    if size % 2:
        raise ValueError(
            f"glu: the size of axis {axis} must be even to split it in two halves; "
            f"received shape {x.shape}."
        )
    a, b = xp.split(x, 2, axis=axis)
    s = sigmoid_array(xp, b)
    out = a * s

    def vjp(g):
        gb = 1.0 - s  # a s (1 - s)
        gb *= out
        gb *= g
        return xp.concatenate([g * s, gb], axis=axis)

    return out, vjp
