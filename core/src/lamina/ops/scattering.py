"""Scatter ops: scatter (into zeros) and scatter_update (replace, add, max, min, mul)."""

from lamina.autodiff import primitive
from lamina.backend import kernels_for
from lamina.ops._dtypes import xp_of
from lamina.ops.indexing import _static_ints

__all__ = ["scatter", "scatter_update"]


def _scatter_key(xp, indices, name):
    indices = xp.asarray(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{name}: `indices` must be integers, received dtype {indices.dtype}.")
    if indices.ndim == 0:
        raise ValueError(f"{name}: `indices` must have shape (..., index_depth).")
    return tuple(xp.moveaxis(indices, -1, 0))


@primitive(nin=2)
def scatter(indices, values, shape):
    """A zeros tensor of `shape` with `values` added at `indices` (repeats accumulate).

    Args:
        indices: integers of shape `(..., k)`, each row indexing the first `k` axes.
        values: shape `indices.shape[:-1] + shape[k:]`.
        shape: the output shape.

    Example:
        >>> ops.scatter([[0], [2]], [1.0, 2.0], (4,))  # [1., 0., 2., 0.]
    """
    xp = xp_of(indices, values)
    key = _scatter_key(xp, indices, "scatter")
    values = xp.asarray(values)
    out = xp.zeros(_static_ints(shape, "scatter"), values.dtype)
    kernels_for(xp).scatter_add(out, key, values)

    def vjp(g):
        return None, (lambda: g[key])

    return out, vjp


_REDUCTIONS = (None, "add", "max", "min", "mul")


@primitive
def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with `updates` written (or combined by `reduction`) at `indices`.

    Args:
        inputs: the tensor to update.
        indices: integers of shape `(n, k)`, each row indexing the first `k` axes.
        updates: shape `(n,) + inputs.shape[k:]`, cast to `inputs`' dtype.
        reduction: None (replace; the last of repeated indices wins), `"add"`,
            `"max"`, `"min"` or `"mul"`.

    Example:
        >>> ops.scatter_update(ops.zeros(3), [[1]], [5.0])  # [0., 5., 0.]
    """
    if reduction is not None:
        reduction = reduction.lower()
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"scatter_update: unknown reduction {reduction!r}; expected one of {_REDUCTIONS}."
        )
    xp = xp_of(inputs, updates)
    kernels = kernels_for(xp)
    key = _scatter_key(xp, indices, "scatter_update")
    updates = xp.asarray(updates).astype(inputs.dtype, copy=False)
    out = inputs.copy()
    if reduction is None:
        out[key] = updates
        return out, _replace_vjp(xp, inputs.shape, key, updates.shape[0])
    if reduction == "add":
        kernels.scatter_add(out, key, updates)
        return out, (lambda g: (g, None, (lambda: g[key])))
    if reduction == "mul":
        factor = xp.ones(inputs.shape, inputs.dtype)
        kernels.scatter_mul(factor, key, updates)
        return inputs * factor, _mul_vjp(xp, inputs, factor, key, updates)
    (kernels.scatter_max if reduction == "max" else kernels.scatter_min)(out, key, updates)
    return out, _extremum_vjp(xp, inputs, out, key, updates)


def _replace_vjp(xp, shape, key, n):
    def vjp(g):
        def grad_inputs():
            grad = g.copy()
            grad[key] = 0
            return grad

        def grad_updates():
            # Only the update that landed gets a gradient (the last of repeated indices).
            landed = xp.full(shape[: len(key)], -1, "int64")
            order = xp.arange(n)
            landed[key] = order
            won = landed[key] == order
            picked = g[key]
            return picked * won.reshape(won.shape + (1,) * (picked.ndim - 1))

        return grad_inputs, None, grad_updates

    return vjp


def _extremum_vjp(xp, inputs, out, key, updates):
    """Ties between the input and updates share the gradient equally, as in JAX."""

    def vjp(g):
        kept = inputs == out
        hits = xp.zeros(out.shape, g.dtype)
        won = updates == out[key]
        kernels_for(xp).scatter_add(hits, key, won.astype(g.dtype))
        share = g / (hits + kept)
        return (lambda: share * kept), None, (lambda: share[key] * won)

    return vjp


def _mul_vjp(xp, inputs, factor, key, updates):
    """Exact gradients of a multiplicative scatter, zeros included."""

    def vjp(g):
        def grad_updates():
            kernels = kernels_for(xp)
            zero = updates == 0
            zeros_at = xp.zeros(factor.shape, "int64")
            kernels.scatter_add(zeros_at, key, zero.astype("int64"))
            nonzero_product = xp.ones(factor.shape, factor.dtype)
            kernels.scatter_mul(nonzero_product, key, xp.where(zero, 1, updates))
            count, product = zeros_at[key], nonzero_product[key]
            safe = xp.where(zero, 1, updates)
            others = xp.where(
                zero, xp.where(count == 1, product, 0), xp.where(count == 0, product / safe, 0)
            )
            return g[key] * inputs[key] * others

        return (lambda: g * factor), None, grad_updates

    return vjp
