"""Finite differences and integrals along an axis: diff, trapezoid."""

from lamina.autodiff import Tensor
from lamina.ops.core import convert_to_tensor
from lamina.ops.elementwise_binary import multiply, subtract
from lamina.ops.indexing import get_item
from lamina.ops.reduction import sum as reduce_sum

__all__ = ["diff", "trapezoid"]


def _along(ndim, axis, index):
    key = [slice(None)] * ndim
    key[axis] = index
    return tuple(key)


def diff(a, n: int = 1, axis: int = -1) -> Tensor:
    """The `n`-th discrete difference along `axis` (`a[i+1] - a[i]`, repeated).

    Args:
        a: input tensor.
        n: how many times to difference.
        axis: the axis along which to difference.

    Example:
        >>> ops.diff([1, 4, 9, 16])  # [3, 5, 7]
    """
    a = convert_to_tensor(a)
    if n < 0:
        raise ValueError(f"diff: `n` must be non-negative, received n={n}.")
    for _ in range(n):
        a = subtract(
            get_item(a, _along(a.ndim, axis, slice(1, None))),
            get_item(a, _along(a.ndim, axis, slice(None, -1))),
        )
    return a


def trapezoid(y, x=None, dx: float = 1.0, axis: int = -1) -> Tensor:
    """Integrate `y` along `axis` with the trapezoidal rule.

    Args:
        y: the values to integrate.
        x: sample points (same length as `y` along `axis`); spacing `dx` when None.
        dx: the spacing between samples when `x` is None.
        axis: the axis to integrate along.

    Example:
        >>> ops.trapezoid([0.0, 1.0, 2.0, 3.0])  # 4.5
    """
    y = convert_to_tensor(y)
    if y.dtype not in ("float16", "float32", "float64"):
        y = y.astype("float32")
    ndim = y.ndim
    pair_sums = get_item(y, _along(ndim, axis, slice(1, None))) + get_item(
        y, _along(ndim, axis, slice(None, -1))
    )
    if x is None:
        return multiply(reduce_sum(pair_sums, axis=axis), dx * 0.5)
    spacing = diff(convert_to_tensor(x), axis=-1 if convert_to_tensor(x).ndim == 1 else axis)
    if spacing.ndim == 1 and ndim > 1:
        shape = [1] * ndim
        shape[axis] = spacing.shape[0]
        spacing = spacing.reshape(shape)
    return reduce_sum(pair_sums * spacing, axis=axis) * 0.5
