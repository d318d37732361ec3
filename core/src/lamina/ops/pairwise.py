"""Pairwise statistics of vector collections: cdist (distances), corrcoef (correlations)."""

from __future__ import annotations

from lamina.autodiff import primitive
from lamina.ops._contraction_utils import _float_result, _swap_last
from lamina.ops._dtypes import xp_of

__all__ = ["cdist", "corrcoef"]


@primitive
def cdist(x, y):
    """Euclidean distances between each pair of vectors of two collections.

    Args:
        x: tensor of shape `(..., M, D)`.
        y: tensor of shape `(..., N, D)`.

    Returns:
        A tensor of shape `(..., M, N)`. The gradient at zero distance is 0.

    Example:
        >>> ops.cdist(ops.zeros((2, 3)), ops.ones((4, 3))).shape
        (2, 4)
    """
    x, y = _float_result(x, y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(
            f"cdist: inputs must have rank >= 2, received shapes {x.shape} and {y.shape}."
        )
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(
            f"cdist: the last axes (vector size) must match, received shapes "
            f"{x.shape} and {y.shape}."
        )
    xp = xp_of(x, y)
    # Differences rather than |x|^2 + |y|^2 - 2xy: no cancellation for close points.
    diff = x[..., :, None, :] - y[..., None, :, :]
    dist = xp.sqrt(xp.sum(diff * diff, axis=-1))

    def vjp(g):
        w = g / xp.where(dist == 0, 1, dist)
        w = xp.where(dist == 0, 0, w)

        def grad_x():
            return x * xp.sum(w, axis=-1)[..., None] - xp.matmul(w, y)

        def grad_y():
            return y * xp.sum(w, axis=-2)[..., None] - xp.matmul(_swap_last(w), x)

        return grad_x, grad_y

    return dist, vjp


@primitive
def corrcoef(x):
    """Pearson correlation coefficients of the rows (variables) of `x`.

    Args:
        x: tensor of shape `(N, M)`: N variables with M observations each
            (a 1-D tensor is one variable).

    Example:
        >>> ops.corrcoef(ops.convert_to_tensor([[1.0, 2, 3], [2.0, 4, 7]])).shape
        (2, 2)
    """
    (x,) = _float_result(x)
    if x.ndim > 2:
        raise ValueError(f"corrcoef: input must be 1-D or 2-D, received shape {x.shape}.")
    xp = xp_of(x)
    rows = x.reshape(1, -1) if x.ndim < 2 else x
    m = rows.shape[1]
    centered = rows - xp.mean(rows, axis=1, keepdims=True)
    cov = centered @ centered.T / (m - 1)
    std = xp.sqrt(xp.diagonal(cov))
    inv_std = 1 / std
    corr = cov * inv_std[:, None] * inv_std[None, :]
    out = xp.clip(corr, -1, 1)
    single = rows.shape[0] == 1  # one variable: a 0-d result, as NumPy and JAX give
    if single:
        out = out[0, 0]

    def vjp(g):
        g = g.reshape(1, 1) if single else g
        g_cov = g * inv_std[:, None] * inv_std[None, :]
        gc = g * cov
        g_inv_std = gc @ inv_std + gc.T @ inv_std
        # d(1/sqrt(c_kk))/dc_kk = -c_kk^(-3/2) / 2
        g_diag = -0.5 * g_inv_std * inv_std**3
        g_cov = g_cov + xp.eye(g_cov.shape[0], dtype=g_cov.dtype) * g_diag[None, :]
        g_centered = (g_cov + g_cov.T) @ centered / (m - 1)
        g_rows = g_centered - xp.mean(g_centered, axis=1, keepdims=True)
        return g_rows.reshape(x.shape)

    return out, vjp
