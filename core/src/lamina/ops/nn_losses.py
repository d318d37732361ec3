"""Crossentropies and PSNR of `keras.ops.nn`, each one fused primitive.

The `from_logits=True` forms are numerically stable (log-sum-exp with the max
subtracted, softplus via `logaddexp`) and their backward is the closed form
`softmax(z) - target` (or `sigmoid(z) - target`), not a chain of small nodes.
"""

import math

from lamina.autodiff import primitive
from lamina.backend import epsilon as _epsilon
from lamina.ops._dtypes import as_float, xp_of
from lamina.ops.nn_activations import sigmoid_array, softplus_array

__all__ = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "psnr",
    "sparse_categorical_crossentropy",
]


def _same_shape(target, output, name):
    if target.shape != output.shape:
        raise ValueError(
            f"{name}: arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )


@primitive
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy between `target` and `output`.

    Probabilities are clipped to `[epsilon, 1 - epsilon]`; logits use the stable
    `softplus(z) - t * z`.

    Args:
        target: labels in [0, 1], same shape as `output`.
        output: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.

    Example:
        >>> ops.binary_crossentropy([1.0, 0.0], [0.9, 0.2])  # [0.10536, 0.22314]
    """
    target, output = as_float(target), as_float(output)
    _same_shape(target, output, "binary_crossentropy")
    xp = xp_of(output)
    if from_logits:
        loss = softplus_array(xp, output)
        loss -= target * output

        def vjp_logits(g):
            def grad_output():
                d = sigmoid_array(xp, output)
                d -= target
                d *= g
                return d

            return (lambda: -g * output), grad_output

        return loss, vjp_logits

    eps = _epsilon()
    p = output.clip(eps, 1.0 - eps)
    log_not_p = xp.log(1.0 - p)
    logit = xp.log(p)
    logit -= log_not_p
    loss = target * logit
    loss += log_not_p
    loss *= -1.0

    def vjp(g):
        def grad_output():
            # d/dp of -(t log p + (1 - t) log(1 - p)), zero where the clip is active
            d = (1.0 - target) / (1.0 - p)
            d -= target / p
            d *= g
            d *= (output > eps) & (output < 1.0 - eps)
            return d

        return (lambda: -g * logit), grad_output

    return loss, vjp


@primitive
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot (or soft) `target` and `output` along `axis`.

    Probabilities are renormalized to sum to 1 and clipped to
    `[epsilon, 1 - epsilon]`; logits use a stable log-softmax.

    Args:
        target: target distribution, same shape as `output`.
        output: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis.

    Example:
        >>> ops.categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])  # [0.22314]
    """
    target, output = as_float(target), as_float(output)
    _same_shape(target, output, "categorical_crossentropy")
    if output.ndim < 1:
        raise ValueError(
            "categorical_crossentropy: arguments `target` and `output` must be at least "
            f"rank 1. Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    xp = xp_of(output)
    axis = axis % output.ndim
    if from_logits:
        m = output.max(axis=axis, keepdims=True) if output.size else 0.0
        shifted = output - m
        e = xp.exp(shifted)
        s = e.sum(axis=axis, keepdims=True)
        lse = xp.log(s)
        total = target.sum(axis=axis, keepdims=True)
        shifted *= target
        loss = shifted.sum(axis=axis)
        del shifted
        loss = (total * lse).reshape(loss.shape) - loss

        def vjp_logits(g):
            g = xp.expand_dims(g, axis)

            def grad_output():
                d = e / s  # softmax * sum(t) - t
                d *= total
                d -= target
                d *= g
                return d

            def grad_target():
                d = output - m
                d -= lse
                d *= g
                d *= -1.0
                return d

            return grad_target, grad_output

        return loss, vjp_logits

    eps = _epsilon()
    total_out = output.sum(axis=axis, keepdims=True)
    p = output / total_out
    log_p = p.clip(eps, 1.0 - eps)
    xp.log(log_p, out=log_p)
    loss = -xp.sum(target * log_p, axis=axis)

    def vjp(g):
        g = xp.expand_dims(g, axis)

        def grad_output():
            # through the clip (zero where active) and the renormalization p = o / sum(o)
            u = -target / p.clip(eps, 1.0 - eps)
            u *= (p > eps) & (p < 1.0 - eps)
            d = u - xp.sum(u * p, axis=axis, keepdims=True)
            d *= g
            d /= total_out
            return d

        return (lambda: -g * log_p), grad_output

    return loss, vjp


@primitive
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between integer labels `target` and `output` along `axis`.

    Labels outside `[0, num_classes)` give a loss (and gradient) of 0.

    Args:
        target: integer labels; shape of `output` without the class axis (a
            trailing axis of size 1 is squeezed).
        output: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis of `output`.

    Example:
        >>> ops.sparse_categorical_crossentropy([1], [[0.2, 0.8]])  # [0.22314]
    """
    output = as_float(output)
    xp = xp_of(output)
    target = xp.asarray(target).astype("int32", copy=False)
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:
        target = target.reshape(target.shape[:-1])
    if output.ndim < 1:
        raise ValueError(
            "sparse_categorical_crossentropy: argument `output` must be at least rank 1. "
            f"Received: output.shape={output.shape}"
        )
    axis = axis % output.ndim
    if target.shape != output.shape[:axis] + output.shape[axis + 1 :]:
        raise ValueError(
            "sparse_categorical_crossentropy: arguments `target` and `output` must have "
            "the same shape up until the last dimension: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    z = xp.moveaxis(output, axis, -1) if axis != output.ndim - 1 else output
    classes = z.shape[-1]
    z = z.reshape(-1, classes)
    labels = target.reshape(-1)
    valid = (labels >= 0) & (labels < classes)
    labels = xp.where(valid, labels, 0)
    rows = xp.arange(labels.shape[0])
    if from_logits:
        m = z.max(axis=1, keepdims=True) if z.size else 0.0
        e = z - m
        picked = e[rows, labels]
        xp.exp(e, out=e)
        s = e.sum(axis=1)
        loss = xp.log(s)
        loss -= picked
    else:
        eps = _epsilon()
        s = z.sum(axis=1)
        p_label = z[rows, labels] / s
        clipped = p_label.clip(eps, 1.0 - eps)
        loss = -xp.log(clipped)
    loss *= valid
    loss = loss.reshape(target.shape)

    def vjp(g):
        gv = g.reshape(-1) * valid
        if from_logits:
            d = e / s[:, None]  # softmax - onehot
            d *= gv[:, None]
            d[rows, labels] -= gv
        else:
            # -log(p_t) through the clip and the renormalization p = o / sum(o)
            u = gv / clipped
            u *= (p_label > eps) & (p_label < 1.0 - eps)
            d = xp.broadcast_to((u * p_label)[:, None], z.shape).copy()
            d[rows, labels] -= u
            d /= s[:, None]
        d = d.reshape(output.shape[:axis] + output.shape[axis + 1 :] + (classes,))
        return None, (xp.moveaxis(d, -1, axis) if axis != output.ndim - 1 else d)

    return loss, vjp


@primitive
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio, `20 log10(max_val) - 10 log10(mse(x1, x2))`.

    Args:
        x1: first signal.
        x2: second signal, same shape as `x1`.
        max_val: the largest possible signal value.

    Example:
        >>> ops.psnr([0.0, 1.0], [0.0, 0.9], 1.0)  # 23.0103
    """
    x1, x2 = as_float(x1), as_float(x2)
    if x1.shape != x2.shape:
        raise ValueError(
            f"psnr: input shapes {x1.shape} and {x2.shape} must match for PSNR calculation."
        )
    xp = xp_of(x1, x2)
    diff = x1 - x2
    mse = xp.mean(diff * diff)
    if hasattr(max_val, "dtype"):
        max_val = max_val.astype(x2.dtype)
        log_max = xp.log10(max_val)
    else:
        log_max = math.log10(max_val)
    out = 20.0 * log_max - 10.0 * xp.log10(mse)
    scale = -20.0 / (math.log(10.0) * diff.size) if diff.size else 0.0

    def vjp(g):
        def grad_x1():
            return diff * (g * scale / mse)

        return (
            grad_x1,
            (lambda: diff * (-g * scale / mse)),
            (lambda: g * 20.0 / (math.log(10.0) * max_val)),
        )

    return out, vjp
