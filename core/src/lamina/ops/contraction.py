"""Contractions: matmul, dot, tensordot, einsum, inner, outer, ..."""

from lamina.autodiff import primitive
from lamina.ops._dtypes import xp_of

__all__ = ["matmul"]


def _swap_last(a):
    return a.swapaxes(-1, -2)


@primitive
def matmul(x1, x2):
    """Matrix product with NumPy's rules for 1-D operands and batch broadcasting."""
    xp = xp_of(x1, x2)
    try:
        out = xp.matmul(x1, x2)
    except ValueError as err:
        raise ValueError(
            f"matmul: shapes {x1.shape} and {x2.shape} are incompatible; the last "
            "axis of x1 must equal the second-to-last axis of x2."
        ) from err

    def vjp(g):
        a = x1 if x1.ndim > 1 else x1[None, :]
        b = x2 if x2.ndim > 1 else x2[:, None]
        gg = g
        if x1.ndim == 1:
            gg = gg[..., None, :]
        if x2.ndim == 1:
            gg = gg[..., None]

        def grad_x1():
            r = xp.matmul(gg, _swap_last(b))
            return r.reshape(r.shape[:-2] + (r.shape[-1],)) if x1.ndim == 1 else r

        def grad_x2():
            r = xp.matmul(_swap_last(a), gg)
            return r.reshape(r.shape[:-1]) if x2.ndim == 1 else r

        return grad_x1, grad_x2

    return out, vjp
