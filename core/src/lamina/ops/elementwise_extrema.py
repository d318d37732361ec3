"""Elementwise extrema: maximum, minimum, fmax, fmin and clip.

Gradients follow Keras on JAX: where both operands are equal, each receives half.
"""

from lamina.autodiff import primitive
from lamina.backend import asarray
from lamina.ops._dtypes import promote_pair, xp_of

__all__ = [
    "clip",
    "fmax",
    "fmin",
    "maximum",
    "minimum",
]


def _share(xp, a, b, g):
    """`g` where a > b, half of it where a == b, 0 elsewhere (and where either is NaN)."""
    return xp.where(a > b, g, xp.where(a == b, 0.5 * g, 0))


def _extremum(x1, x2, largest):
    x1, x2 = promote_pair(x1, x2)
    xp = xp_of(x1, x2)
    out = xp.maximum(x1, x2) if largest else xp.minimum(x1, x2)

    def vjp(g):
        if largest:
            return (lambda: _share(xp, x1, x2, g)), (lambda: _share(xp, x2, x1, g))
        return (lambda: _share(xp, x2, x1, g)), (lambda: _share(xp, x1, x2, g))

    return out, vjp


@primitive
def maximum(x1, x2):
    """Elementwise maximum, propagating NaN.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.maximum([1.0, 5.0], 3.0)  # [3.0, 5.0]
    """
    return _extremum(x1, x2, largest=True)


@primitive
def minimum(x1, x2):
    """Elementwise minimum, propagating NaN.

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.minimum([1.0, 5.0], 3.0)  # [1.0, 3.0]
    """
    return _extremum(x1, x2, largest=False)


def _nan_ignoring(x1, x2, largest):
    x1, x2 = promote_pair(x1, x2)
    xp = xp_of(x1, x2)
    out = xp.fmax(x1, x2) if largest else xp.fmin(x1, x2)

    def vjp(g):
        # As in JAX: x1 wins where it is strictly better or x2 is NaN; ties go to x2.
        first = ((x1 > x2) if largest else (x1 < x2)) | (x2 != x2)  # x2 != x2: NaN
        return (lambda: xp.where(first, g, 0)), (lambda: xp.where(first, 0, g))

    return out, vjp


@primitive
def fmax(x1, x2):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN).

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.fmax([1.0, float("nan")], [0.0, 2.0])  # [1.0, 2.0]
    """
    return _nan_ignoring(x1, x2, largest=True)


@primitive
def fmin(x1, x2):
    """Elementwise minimum ignoring NaN (NaN only where both are NaN).

    Args:
        x1: first tensor.
        x2: second tensor, broadcastable with `x1`.

    Example:
        >>> ops.fmin([1.0, float("nan")], [0.0, 2.0])  # [0.0, 2.0]
    """
    return _nan_ignoring(x1, x2, largest=False)


@primitive
def clip(x, x_min, x_max):
    """Limit values to `[x_min, x_max]` (`x_max` wins where `x_min > x_max`).

    Bool inputs compute in int32. The gradient reaches `x` strictly inside the bounds
    and, as in Keras on JAX, half of it where `x` equals a bound; the rest goes to the
    bounds when they are tensors.

    Args:
        x: input tensor.
        x_min: lower bound (scalar or tensor broadcastable with `x`), or None.
        x_max: upper bound (scalar or tensor broadcastable with `x`), or None.

    Example:
        >>> ops.clip([-1.0, 0.5, 2.0], 0.0, 1.0)  # [0.0, 0.5, 1.0]
    """
    xp = xp_of(x, x_min, x_max)
    if not hasattr(x, "dtype"):
        x = asarray(x)
    if x.dtype == "bool":
        x = x.astype("int32")
    if x_min is not None:
        x, x_min = promote_pair(x, x_min)
    if x_max is not None:
        x, x_max = promote_pair(x, x_max)
        if x_min is not None:  # x may have just become float: keep x_min's dtype in step
            x, x_min = promote_pair(x, x_min)
    if x_min is None and x_max is None:
        out = x.copy()
    else:  # one pass; the same as minimum(maximum(x, x_min), x_max)
        out = xp.clip(x, x_min, x_max)

    def vjp(g):
        # clip is minimum(maximum(x, x_min), x_max): chain the two tie-sharing rules.
        lower = x if x_min is None else xp.maximum(x, x_min)
        inner = g if x_max is None else _share(xp, x_max, lower, g)

        def grad_x():
            return inner if x_min is None else _share(xp, x, x_min, inner)

        def grad_min():
            return None if x_min is None else _share(xp, x_min, x, inner)

        def grad_max():
            return None if x_max is None else _share(xp, lower, x_max, g)

        return grad_x, grad_min, grad_max

    return out, vjp
