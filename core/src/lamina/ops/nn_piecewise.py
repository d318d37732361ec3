"""Piecewise activations of `keras.ops.nn` (hard_*, shrinkage, leaky_relu, sparse_*, ...).

Each is one primitive whose vjp reuses a mask or a value saved by the forward.
"""

from lamina.autodiff import primitive
from lamina.ops._dtypes import as_float, promote_pair, xp_of
from lamina.ops.nn_activations import _elementwise

__all__ = [
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "soft_shrink",
    "sparse_plus",
    "sparse_sigmoid",
    "squareplus",
    "tanh_shrink",
    "threshold",
]


@primitive
@_elementwise
def hard_sigmoid(x):
    """Piecewise-linear sigmoid, `relu6(x + 3) / 6`.

    Args:
        x: input tensor.

    Example:
        >>> ops.hard_sigmoid([0.0])  # [0.5]
    """
    x = as_float(x)
    out = x + 3.0
    out.clip(0.0, 6.0, out=out)
    out /= 6.0

    def vjp(g):
        return g * ((x > -3) & (x < 3)) / 6.0

    return out, vjp


@primitive
@_elementwise
def hard_silu(x):
    """Hard SiLU (hard swish), `x * relu6(x + 3) / 6`.

    Args:
        x: input tensor.

    Example:
        >>> ops.hard_silu([1.0])  # [0.6666667]
    """
    x = as_float(x)
    hs = x + 3.0
    hs.clip(0.0, 6.0, out=hs)
    hs /= 6.0
    out = x * hs

    def vjp(g):
        d = x / 6.0
        d *= (x > -3) & (x < 3)
        d += hs
        d *= g
        return d

    return out, vjp


hard_swish = hard_silu


@primitive
@_elementwise
def hard_tanh(x):
    """Hard tanh, `clip(x, -1, 1)`; integer inputs stay integer.

    Args:
        x: input tensor.

    Example:
        >>> ops.hard_tanh([-2.0, 0.5])  # [-1., 0.5]
    """
    if x.dtype.kind == "b":
        x = x.astype("int32")
    out = xp_of(x).clip(x, -1, 1)

    def vjp(g):
        return g * ((x >= -1) & (x <= 1))

    return out, vjp


@primitive
@_elementwise
def hard_shrink(x, threshold=0.5):
    """Hard shrinkage: `x` where `|x| > threshold`, else 0.

    Args:
        x: input tensor.
        threshold: the shrinkage threshold.

    Example:
        >>> ops.hard_shrink([-1.0, 0.2])  # [-1., 0.]
    """
    x = as_float(x)
    xp = xp_of(x)
    keep = xp.abs(x) > threshold
    out = xp.where(keep, x, 0.0)

    def vjp(g):
        return g * keep

    return out, vjp


@primitive
@_elementwise
def soft_shrink(x, threshold=0.5):
    """Soft shrinkage: `x - threshold`, `x + threshold` or 0 within the threshold.

    Args:
        x: input tensor.
        threshold: the shrinkage threshold.

    Example:
        >>> ops.soft_shrink([-1.0, 0.2])  # [-0.5, 0.]
    """
    x = as_float(x)
    out = x - xp_of(x).clip(x, -threshold, threshold)

    def vjp(g):
        return g * (out != 0)

    return out, vjp


@primitive
@_elementwise
def tanh_shrink(x):
    """Tanh shrinkage, `x - tanh(x)`.

    Args:
        x: input tensor.

    Example:
        >>> ops.tanh_shrink([1.0])  # [0.23840584]
    """
    x = as_float(x)
    t = xp_of(x).tanh(x)
    out = x - t

    def vjp(g):
        d = t * t
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x` if `x >= 0` else `negative_slope * x`.

    Args:
        x: input tensor.
        negative_slope: slope for negative inputs.

    Example:
        >>> ops.leaky_relu([-1.0, 1.0])  # [-0.2, 1.]
    """
    x = as_float(x)
    slope = (x >= 0).astype(x.dtype)  # 1 or negative_slope (np.where is slow)
    slope *= 1.0 - negative_slope
    slope += negative_slope
    out = x * slope

    def vjp(g):
        return g * slope

    return out, vjp


@primitive
@_elementwise
def squareplus(x, b=4):
    """Squareplus, `(x + sqrt(x^2 + b)) / 2`.

    Args:
        x: input tensor.
        b: smoothness parameter.

    Example:
        >>> ops.squareplus([0.0])  # [1.]
    """
    x = as_float(x)
    xp = xp_of(x)
    root = x * x
    root += b
    xp.sqrt(root, out=root)
    out = x + root
    out /= 2

    def vjp(g):
        d = x / root
        d += 1.0
        d *= 0.5
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def sparse_plus(x):
    """SparsePlus: 0 below -1, `x` above 1, `(x + 1)^2 / 4` between.

    Args:
        x: input tensor.

    Example:
        >>> ops.sparse_plus([-2.0, 0.0, 2.0])  # [0., 0.25, 2.]
    """
    x = as_float(x)
    xp = xp_of(x)
    p = x.clip(-1.0, 1.0)
    p += 1.0
    out = p * p
    out /= 4
    out += xp.clip(x - 1.0, 0.0, xp.inf)  # (x + 1)^2 / 4 reaches 1 at x = 1: add the excess

    def vjp(g):
        d = p * 0.5  # (clip(x, -1, 1) + 1) / 2 covers all three pieces
        d *= g
        return d

    return out, vjp


@primitive
@_elementwise
def sparse_sigmoid(x):
    """Sparse sigmoid, `clip((x + 1) / 2, 0, 1)`.

    Args:
        x: input tensor.

    Example:
        >>> ops.sparse_sigmoid([0.0, 2.0])  # [0.5, 1.]
    """
    x = as_float(x)
    out = x + 1.0
    out.clip(0.0, 2.0, out=out)
    out *= 0.5

    def vjp(g):
        return g * ((x > -1) & (x < 1)) * 0.5

    return out, vjp


@primitive
def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`.

    Args:
        x: input tensor.
        threshold: the threshold value.
        default_value: value used where `x <= threshold`.

    Example:
        >>> ops.threshold([0.5, 2.0], 1.0, 0.0)  # [0., 2.]
    """
    xp = xp_of(x, default_value)
    keep = x > threshold
    x, default_value = promote_pair(x, default_value)
    out = xp.where(keep, x, default_value)

    def vjp(g):
        return (lambda: g * keep), None, (lambda: g * ~keep)

    return out, vjp
