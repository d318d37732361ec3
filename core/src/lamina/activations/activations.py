"""The `keras.activations` functions, built on `lamina.ops`.

Each function takes a tensor (or anything `lamina.ops` accepts, symbolic tensors
included) and returns a tensor of the same shape. Most are the matching `lamina.ops`
primitive; `relu` adds Keras's `negative_slope`/`max_value`/`threshold` arguments and
`mish` is one fused primitive.
"""

from __future__ import annotations

from lamina import ops
from lamina.autodiff import primitive
from lamina.ops._dtypes import as_float, xp_of
from lamina.ops.nn_activations import sigmoid_array, softplus_array

__all__ = [
    "celu",
    "elu",
    "exponential",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, optionally leaky, capped and shifted.

    With the defaults this is `max(x, 0)`. Otherwise: values at or below `threshold`
    become `negative_slope * (x - threshold)`, values above stay `x`, and the result
    of the positive part is clipped to `max_value`.

    Args:
        x: input tensor.
        negative_slope: slope below the threshold (float, default 0).
        max_value: largest value returned (float or None for no cap).
        threshold: values at or below it are damped or set to zero (float, default 0).

    Example:
        >>> relu([-10.0, -5.0, 0.0, 5.0, 10.0], max_value=5.0)  # [0, 0, 0, 5, 5]
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0:
        return ops.relu(x)  # the common case: one primitive
    if not getattr(type(x), "_is_symbolic", False):  # symbolic tensors go through as they are
        x = ops.convert_to_tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return ops.leaky_relu(x, negative_slope=negative_slope)
        # The damped part below the threshold, subtracted at the end.
        negative_part = ops.relu(threshold - x) if threshold != 0 else ops.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = ops.where(ops.greater(x, ops.cast(threshold, x.dtype)), x, ops.zeros((), x.dtype))
    elif max_value == 6:
        x = ops.relu6(x)
        clip_max = False
    else:
        x = ops.relu(x)
    if clip_max:
        x = ops.clip(x, ops.cast(0.0, x.dtype), ops.cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x` for `x >= 0`, `negative_slope * x` below.

    Args:
        x: input tensor.
        negative_slope: slope for negative values (default 0.2).

    Example:
        >>> leaky_relu([-1.0, 2.0])  # [-0.2, 2.0]
    """
    return ops.leaky_relu(x, negative_slope=negative_slope)


def relu6(x):
    """ReLU capped at 6, `min(max(x, 0), 6)`.

    Args:
        x: input tensor.

    Example:
        >>> relu6([-1.0, 7.0])  # [0.0, 6.0]
    """
    return ops.relu6(x)


def softmax(x, axis=-1):
    """Softmax along `axis`: `exp(x) / sum(exp(x))`, a probability distribution.

    Args:
        x: input tensor (logits).
        axis: the axis the softmax normalizes over (default -1).

    Example:
        >>> softmax([[1.0, 1.0]])  # [[0.5, 0.5]]
    """
    output = ops.softmax(x, axis=axis)
    _cache_logits(output, x)
    return output


def elu(x, alpha=1.0):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        x: input tensor.
        alpha: scale of the negative part (default 1).

    Example:
        >>> elu([-1.0, 1.0])  # [-0.63212055, 1.0]
    """
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled exponential linear unit, `scale * elu(x, alpha)` with SELU's constants.

    Args:
        x: input tensor.

    Example:
        >>> selu([1.0])  # [1.050701]
    """
    return ops.selu(x)


def softplus(x):
    """Softplus, `log(exp(x) + 1)`.

    Args:
        x: input tensor.

    Example:
        >>> softplus([0.0])  # [0.6931472]
    """
    return ops.softplus(x)


def softsign(x):
    """Softsign, `x / (|x| + 1)`.

    Args:
        x: input tensor.

    Example:
        >>> softsign([1.0])  # [0.5]
    """
    return ops.softsign(x)


def soft_shrink(x, threshold=0.5):
    """Soft shrink: `x - threshold` above it, `x + threshold` below `-threshold`, else 0.

    Args:
        x: input tensor.
        threshold: the half-width of the zeroed band (default 0.5).

    Example:
        >>> soft_shrink([-1.0, 0.2, 1.0])  # [-0.5, 0.0, 0.5]
    """
    return ops.soft_shrink(x, threshold=threshold)


def sparse_plus(x):
    """SparsePlus: 0 for `x <= -1`, `(x + 1)**2 / 4` for `|x| < 1`, `x` for `x >= 1`.

    Args:
        x: input tensor.

    Example:
        >>> sparse_plus([0.0])  # [0.25]
    """
    return ops.sparse_plus(x)


def silu(x):
    """Swish (SiLU), `x * sigmoid(x)`. Also available as `swish`.

    Args:
        x: input tensor.

    Example:
        >>> silu([1.0])  # [0.7310586]
    """
    return ops.silu(x)


def squareplus(x, b=4):
    """Squareplus, `(x + sqrt(x**2 + b)) / 2`.

    Args:
        x: input tensor.
        b: smoothness parameter (default 4).

    Example:
        >>> squareplus([0.0])  # [1.0]
    """
    return ops.squareplus(x, b=b)


def gelu(x, approximate=False):
    """Gaussian error linear unit, `x * P(X <= x)` for a standard normal `X`.

    Args:
        x: input tensor.
        approximate: use the tanh approximation (default False: the exact erf form).

    Example:
        >>> gelu([1.0])  # [0.8413447]
    """
    return ops.gelu(x, approximate=approximate)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `x` for `x >= 0`, `alpha * (exp(x/alpha) - 1)`.

    Args:
        x: input tensor.
        alpha: the CeLU scale (default 1).

    Example:
        >>> celu([-1.0])  # [-0.63212055]
    """
    return ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: `a * sigmoid(b)` for the two halves `a, b` of `x` along `axis`.

    Args:
        x: input tensor; its size along `axis` must be even.
        axis: the axis that is split in two (default -1).

    Example:
        >>> glu([[1.0, 0.0]])  # [[0.5]]
    """
    return ops.glu(x, axis=axis)


def tanh(x):
    """Hyperbolic tangent.

    Args:
        x: input tensor.

    Example:
        >>> tanh([0.0])  # [0.0]
    """
    return ops.tanh(x)


def tanh_shrink(x):
    """Tanh shrink, `x - tanh(x)`.

    Args:
        x: input tensor.

    Example:
        >>> tanh_shrink([1.0])  # [0.23840582]
    """
    return ops.tanh_shrink(x)


def hard_tanh(x):
    """Hard tanh: `x` clipped to `[-1, 1]`.

    Args:
        x: input tensor.

    Example:
        >>> hard_tanh([-2.0, 0.5])  # [-1.0, 0.5]
    """
    return ops.hard_tanh(x)


def hard_shrink(x, threshold=0.5):
    """Hard shrink: `x` where `|x| > threshold`, else 0.

    Args:
        x: input tensor.
        threshold: the half-width of the zeroed band (default 0.5).

    Example:
        >>> hard_shrink([-1.0, 0.2])  # [-1.0, 0.0]
    """
    return ops.hard_shrink(x, threshold=threshold)


def threshold(x, threshold, default_value):
    """Threshold: `x` where `x > threshold`, else `default_value`.

    Args:
        x: input tensor.
        threshold: the value at or below which `x` is replaced.
        default_value: the replacement.

    Example:
        >>> threshold([0.5, 2.0], 1.0, 0.0)  # [0.0, 2.0]
    """
    return ops.threshold(x, threshold, default_value)


def sigmoid(x):
    """Sigmoid, `1 / (1 + exp(-x))`.

    Args:
        x: input tensor.

    Example:
        >>> sigmoid([0.0])  # [0.5]
    """
    output = ops.sigmoid(x)
    _cache_logits(output, x)
    return output


def sparse_sigmoid(x):
    """Sparse sigmoid: 0 for `x <= -1`, `(x + 1) / 2` for `|x| < 1`, 1 for `x >= 1`.

    Args:
        x: input tensor.

    Example:
        >>> sparse_sigmoid([0.0])  # [0.5]
    """
    return ops.sparse_sigmoid(x)


def exponential(x):
    """Exponential, `exp(x)`.

    Args:
        x: input tensor.

    Example:
        >>> exponential([0.0])  # [1.0]
    """
    return ops.exp(x)


def hard_sigmoid(x):
    """Hard sigmoid: 0 for `x <= -3`, 1 for `x >= 3`, `x / 6 + 0.5` between.

    Args:
        x: input tensor.

    Example:
        >>> hard_sigmoid([0.0])  # [0.5]
    """
    return ops.hard_sigmoid(x)


def log_sigmoid(x):
    """Logarithm of the sigmoid, `-softplus(-x)`.

    Args:
        x: input tensor.

    Example:
        >>> log_sigmoid([0.0])  # [-0.6931472]
    """
    return ops.log_sigmoid(x)


def hard_silu(x):
    """Hard SiLU (hard swish): 0 for `x < -3`, `x` for `x > 3`, `x * (x + 3) / 6` between.

    Args:
        x: input tensor.

    Example:
        >>> hard_silu([0.0, 4.0])  # [0.0, 4.0]
    """
    return ops.hard_silu(x)


def linear(x):
    """Identity (pass-through): returns `x` unchanged.

    Args:
        x: input tensor.

    Example:
        >>> linear(x) is x
        True
    """
    return x


@primitive
def _mish(x):
    # One tape node: tanh(softplus(x)) is reused by the derivative
    # t + x * (1 - t**2) * sigmoid(x).
    x = as_float(x)
    xp = xp_of(x)
    t = xp.tanh(softplus_array(xp, x))
    out = x * t

    def vjp(g):
        d = 1.0 - t * t
        d *= x
        d *= sigmoid_array(xp, x)
        d += t
        d *= g
        return d

    return out, vjp


def mish(x):
    """Mish, `x * tanh(softplus(x))`.

    Args:
        x: input tensor.

    Example:
        >>> mish([1.0])  # [0.86509836]
    """
    return _mish(x)


def log_softmax(x, axis=-1):
    """Log-softmax along `axis`, `x - logsumexp(x)`.

    Args:
        x: input tensor.
        axis: the axis normalized over (default -1).

    Example:
        >>> log_softmax([[0.0, 0.0]])  # [[-0.6931472, -0.6931472]]
    """
    return ops.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    """Sparsemax along `axis`: the Euclidean projection onto the probability simplex.

    Args:
        x: input tensor.
        axis: the axis projected over (default -1).

    Example:
        >>> sparsemax([[1.0, 0.0]])  # [[1.0, 0.0]]
    """
    return ops.sparsemax(x, axis=axis)


# Keras exports these two names for the same functions (their __name__ stays
# "silu"/"hard_silu", so serialize() gives the canonical names, as in Keras).
swish = silu
hard_swish = hard_silu


def _cache_logits(output, logits):
    # Keras keeps the logits on sigmoid/softmax outputs so crossentropy losses can
    # use them; a tensor type without that slot simply does not carry them.
    try:
        output._keras_logits = logits
    except AttributeError:
        pass
