"""Statistics and normalization ops of `keras.ops.nn`, each one fused primitive.

moments, normalize, batch/layer/RMS normalization compute their statistics once
and their vjps use the closed forms (e.g. layer norm's
`rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))`).
"""

import warnings

from lamina.autodiff import primitive
from lamina.backend import epsilon as _epsilon
from lamina.ops._axes import normalize_axis
from lamina.ops._dtypes import as_float, xp_of

__all__ = [
    "batch_normalization",
    "layer_normalization",
    "moments",
    "normalize",
    "rms_normalization",
]


def _all_axes(axes, ndim):
    axes = normalize_axis(axes, ndim)
    return tuple(range(ndim)) if axes is None else axes


def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _compute_dtype(x):
    """Keras's `result_type(x.dtype, "float32")`: at least float32 for statistics."""
    return x.dtype if x.dtype == "float64" else "float32"


def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of `x` over `axes`.

    float16 inputs are reduced in float32 and the results cast back.

    Args:
        x: input tensor.
        axes: axis or list of axes to reduce.
        keepdims: keep the reduced axes with size 1.
        synchronized: accepted for Keras compatibility; lamina runs one replica
            per process, so the local statistics are the global ones.

    Returns:
        A tuple `(mean, variance)`.

    Example:
        >>> ops.moments([0.0, 1.0, 2.0, 3.0, 100.0], axes=[0])  # (21.2, 1553.36)
    """
    return _moments(x, axes, keepdims)


@primitive(nin=1, multiple_outputs=True)
def _moments(x, axes, keepdims):
    xp = xp_of(x)
    axes = _all_axes(axes, x.ndim)
    x = as_float(x)
    dtype = x.dtype
    if dtype == "float16":  # float16's range is too small for statistics
        x = x.astype("float32")
    n = _count(x.shape, axes)
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    variance = xp.mean(centered * centered, axis=axes, keepdims=True)
    shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
    outs = [mean, variance]
    if not keepdims:
        outs = [o.reshape(shape) for o in outs]
    if dtype == "float16":
        limit = float(xp.finfo("float16").max)
        outs = [o.clip(-limit, limit).astype(dtype) for o in outs]

    def vjp(gs):
        g_mean, g_var = (g.reshape(mean.shape) for g in gs)
        d = centered * (g_var * (2.0 / n))
        d += g_mean / n
        return d

    return tuple(outs), vjp


@primitive
def normalize(x, axis=-1, order=2, epsilon=None):
    """Normalize `x` by its `order`-norm over `axis`: `x / max(norm(x), epsilon)`.

    Args:
        x: input tensor.
        axis: axis or axes of the norm (several axes need `order=2`).
        order: int >= 1, the norm's exponent.
        epsilon: lower bound of the norm; defaults to `keras.config.epsilon()`.

    Example:
        >>> ops.normalize([[3.0, 4.0]])  # [[0.6, 0.8]]
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    eps = _epsilon() if epsilon is None else epsilon
    x = as_float(x)
    xp = xp_of(x)
    if x.ndim == 0:
        x = x.reshape(1)
    axes = normalize_axis(axis, x.ndim)
    if order != 2 and axes is not None and len(axes) > 1:
        raise ValueError(
            f"normalize: order={order} over several axes {axis} would be a matrix norm; "
            "use order=2, or a single axis."
        )
    if order == 2:
        norm = xp.sqrt(xp.sum(x * x, axis=axes, keepdims=True))
    elif order == 1:
        norm = xp.sum(xp.abs(x), axis=axes, keepdims=True)
    else:
        norm = xp.sum(xp.abs(x) ** order, axis=axes, keepdims=True) ** (1.0 / order)
    denom = xp.maximum(norm, eps)
    out = x / denom
    active = norm > eps  # the norm is clipped elsewhere: its gradient does not flow

    def vjp(g):
        s = xp.sum(g * x, axis=axes, keepdims=True)
        s /= denom * denom
        s *= active
        if order == 2:
            dnorm = x / denom  # x / norm where active
        else:
            dnorm = xp.sign(x) * (xp.abs(x) / denom) ** (order - 1)
        d = g / denom
        d -= dnorm * s
        return d

    return out, vjp


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """Normalize `x` with the given per-channel `mean` and `variance`.

    `(x - mean) * scale / sqrt(variance + epsilon) + offset`, where the 1-D
    statistics are laid along `axis`.

    Args:
        x: input tensor.
        mean: mean vector of length `x.shape[axis]`.
        variance: variance vector of length `x.shape[axis]`.
        axis: the channel axis.
        offset: optional vector added after normalizing.
        scale: optional vector multiplied after normalizing.
        epsilon: added to the variance.

    Example:
        >>> ops.batch_normalization(x, [0.4, 0.5, 0.6], [0.67, 0.67, 0.67], axis=-1)
    """
    return _batch_normalization(x, mean, variance, offset, scale, axis, epsilon)


@primitive(nin=5)
def _batch_normalization(x, mean, variance, offset, scale, axis, epsilon):
    xp = xp_of(x)
    x = as_float(x)
    axis = axis % x.ndim
    channels = x.shape[axis]
    shape = tuple(channels if i == axis else 1 for i in range(x.ndim))
    reduce_axes = tuple(i for i in range(x.ndim) if i != axis)

    def laid(v):
        return v.reshape(shape) if getattr(v, "ndim", 0) == 1 else v

    def reduced(full, like):
        # 1-D statistics are laid along `axis`: sum their cotangent over the other axes
        if like.ndim == 1:
            return full.sum(axis=reduce_axes).reshape(like.shape)
        return full

    m, s = laid(mean), laid(scale)
    rstd = 1.0 / xp.sqrt(laid(variance) + epsilon)
    inv = rstd if s is None else rstd * s
    res = -m * inv
    if offset is not None:
        res = res + laid(offset)
    out = x * inv
    out += res

    def vjp(g):
        def centered_sum():
            return xp.sum(g * (x - m), axis=reduce_axes).reshape(shape)

        def grad_variance():
            d = centered_sum() * (-0.5 * rstd**3)
            return reduced(d if s is None else d * s, variance)

        return (
            lambda: g * inv,
            lambda: reduced(-(g.sum(axis=reduce_axes).reshape(shape) * inv), mean),
            grad_variance,
            lambda: reduced(g, offset),
            lambda: reduced(centered_sum() * rstd, scale),
        )

    return out, vjp


def _laid_along(v, axes, x):
    """Keras's broadcast of gamma/beta: reshape unless full rank or on the last axis."""
    if v is None:
        return None
    v = v.astype(x.dtype, copy=False)
    if v.ndim != x.ndim and axes != (x.ndim - 1,):
        v = v.reshape(tuple(x.shape[i] if i in axes else 1 for i in range(x.ndim)))
    return v


def _param_grad(xp, full, param, axes):
    """Sum a full-size cotangent over the axes a gamma/beta/scale is broadcast along."""
    other = tuple(i for i in range(full.ndim) if i not in axes)
    d = full.sum(axis=other, keepdims=True)
    return d.reshape(param.shape) if d.size == param.size else full


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Layer normalization (Ba et al., 2016) over `axis`.

    Computed in at least float32 and cast back to the input dtype.

    Args:
        x: input tensor.
        gamma: optional scale, laid along `axis`.
        beta: optional offset, laid along `axis`.
        axis: axis or axes to normalize over.
        epsilon: added to the variance; defaults to `keras.config.epsilon()`.

    Example:
        >>> ops.layer_normalization(ops.arange(5, dtype="float32"))  # [-1.41, ..., 1.41]
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected arguments {sorted(kwargs)}.")
    if rms_scaling:
        warnings.warn(
            "You passed `rms_scaling=True`, which is deprecated. This argument "
            "incorrectly scales the input by the variance, not the root mean square. "
            "To correctly use RMS Normalization, please use "
            "`keras.ops.rms_normalization` / `keras.ops.nn.rms_normalization` instead.",
            stacklevel=2,
        )
    return _layer_normalization(x, gamma, beta, axis, epsilon, rms_scaling)


@primitive(nin=3)
def _layer_normalization(x, gamma, beta, axis, epsilon, rms_scaling):
    xp = xp_of(x)
    eps = _epsilon() if epsilon is None else epsilon
    dtype = x.dtype
    x = x.astype(_compute_dtype(x), copy=False)
    axes = _all_axes(axis, x.ndim)
    n = _count(x.shape, axes)
    gamma_b, beta_b = _laid_along(gamma, axes, x), _laid_along(beta, axes, x)
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    rstd = xp.mean(centered * centered, axis=axes, keepdims=True)
    rstd += eps
    rstd = 1.0 / xp.sqrt(rstd)
    xhat = x * rstd if rms_scaling else centered * rstd
    out = xhat if gamma_b is None else xhat * gamma_b
    if beta_b is not None and not rms_scaling:
        out = out + beta_b

    def vjp(g):
        g = g.astype(x.dtype, copy=False)
        dxhat = g if gamma_b is None else g * gamma_b

        def grad_x():
            if rms_scaling:  # y = x * rstd(var(x)): the variance path uses centered x
                s = xp.sum(dxhat * x, axis=axes, keepdims=True) * rstd**3 / n
                d = dxhat * rstd
                d -= centered * s
                return d
            d = dxhat - dxhat.mean(axis=axes, keepdims=True)
            d -= xhat * xp.mean(dxhat * xhat, axis=axes, keepdims=True)
            d *= rstd
            return d

        return (
            grad_x,
            lambda: _param_grad(xp, g * xhat, gamma, axes),
            None if rms_scaling else (lambda: _param_grad(xp, g, beta, axes)),
        )

    return out.astype(dtype, copy=False), vjp


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """Root-mean-square normalization, `x * rsqrt(mean(x^2) + epsilon) * scale`.

    Computed in at least float32 and cast back to the input dtype.

    Args:
        x: input tensor.
        scale: optional scale, broadcast against `x`.
        axis: axis or axes of the mean.
        epsilon: added to the mean square; defaults to `keras.config.epsilon()`.

    Example:
        >>> ops.rms_normalization([[3.0, 4.0]])  # [[0.8485, 1.1314]]
    """
    return _rms_normalization(x, scale, axis, epsilon)


@primitive(nin=2)
def _rms_normalization(x, scale, axis, epsilon):
    xp = xp_of(x)
    eps = _epsilon() if epsilon is None else epsilon
    dtype = x.dtype
    x = x.astype(_compute_dtype(x), copy=False)
    if x.ndim == 0:
        x = x.reshape(1)
    if scale is not None:
        scale = scale.astype(x.dtype, copy=False)
    axes = _all_axes(axis, x.ndim)
    n = _count(x.shape, axes)
    rrms = xp.mean(x * x, axis=axes, keepdims=True)
    rrms += eps
    rrms = 1.0 / xp.sqrt(rrms)
    xhat = x * rrms
    out = xhat if scale is None else xhat * scale

    def vjp(g):
        g = g.astype(x.dtype, copy=False)

        def grad_x():
            gs = g if scale is None else g * scale
            s = xp.sum(gs * x, axis=axes, keepdims=True) * rrms**3 / n
            d = gs * rrms
            d -= x * s
            return d

        return grad_x, (lambda: g * xhat)

    return out.astype(dtype, copy=False), vjp
