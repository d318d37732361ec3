"""`keras.ops.nn`: activations, losses, normalization, attention and encodings.

This module is the `lamina.ops.nn` namespace. The activations, losses,
normalizations and CTC live in sibling modules (`nn_activations`,
`nn_piecewise`, `nn_softmax`, `nn_losses`, `nn_normalization`, `nn_ctc`) and
are re-exported here, as are `fold`/`unfold` (from `contraction`); the
convolution and pooling ops come from the `lamina-layers-conv` plugin.

Example:
    >>> from lamina.ops import nn
    >>> nn.softmax(nn.one_hot([0, 2], 3))
"""

import math

from lamina.autodiff import primitive
from lamina.backend import floatx, standardize_data_format, standardize_dtype
from lamina.ops._dtypes import as_float, xp_of
from lamina.ops.folding import fold, unfold
from lamina.ops.nn_activations import (
    celu,
    elu,
    gelu,
    log_sigmoid,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softplus,
    softsign,
    swish,
)
from lamina.ops.nn_ctc import ctc_decode, ctc_loss
from lamina.ops.nn_losses import (
    binary_crossentropy,
    categorical_crossentropy,
    psnr,
    sparse_categorical_crossentropy,
)
from lamina.ops.nn_normalization import (
    batch_normalization,
    layer_normalization,
    moments,
    normalize,
    rms_normalization,
)
from lamina.ops.nn_piecewise import (
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    soft_shrink,
    sparse_plus,
    sparse_sigmoid,
    squareplus,
    tanh_shrink,
    threshold,
)
from lamina.ops.nn_softmax import glu, log_softmax, softmax, sparsemax

__all__ = [
    # activations
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
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
    "tanh_shrink",
    "threshold",
    # losses and metrics
    "binary_crossentropy",
    "categorical_crossentropy",
    "ctc_decode",
    "ctc_loss",
    "psnr",
    "sparse_categorical_crossentropy",
    # normalization
    "batch_normalization",
    "layer_normalization",
    "moments",
    "normalize",
    "rms_normalization",
    # encodings, attention, rearrangements
    "depth_to_space",
    "dot_product_attention",
    "fold",
    "multi_hot",
    "one_hot",
    "polar",
    "space_to_depth",
    "unfold",
]


@primitive(nin=1)
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encode the integer tensor `x` into `num_classes` classes.

    Values outside `[0, num_classes)` encode to all zeros.

    Args:
        x: integer tensor of class indices.
        num_classes: number of classes.
        axis: where the class axis goes in the output.
        dtype: output dtype (default floatx).
        sparse: must be False: lamina has no sparse tensors.

    Example:
        >>> ops.one_hot([1, 0], 3)  # [[0., 1., 0.], [1., 0., 0.]]
    """
    if sparse:
        raise ValueError("one_hot: lamina has no sparse tensors; pass sparse=False.")
    xp = xp_of(x)
    out = x[..., None] == xp.arange(int(num_classes))
    axis = axis % out.ndim
    if axis != out.ndim - 1:
        out = xp.moveaxis(out, -1, axis)
    return out.astype(standardize_dtype(dtype) if dtype else floatx()), None


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Encode integer labels as multi-hot vectors (1 for every label present).

    The labels of a 2-D input's rows are combined per row; a 1-D input gives one
    vector.

    Args:
        inputs: integer tensor of labels.
        num_classes: number of classes (`num_tokens` is accepted as an alias).
        axis: where the class axis goes.
        dtype: output dtype (default floatx).
        sparse: must be False: lamina has no sparse tensors.

    Example:
        >>> ops.multi_hot([0, 4], num_classes=5)  # [1., 0., 0., 0., 1.]
    """
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if num_classes is None:
        raise ValueError("Argument `num_classes` must be specified.")
    return _multi_hot(inputs, num_classes, axis, dtype, sparse)


@primitive(nin=1)
def _multi_hot(x, num_classes, axis, dtype, sparse):
    if sparse:
        raise ValueError("multi_hot: lamina has no sparse tensors; pass sparse=False.")
    xp = xp_of(x)
    hot = x.astype("int32", copy=False)[..., None] == xp.arange(int(num_classes))
    axis = axis % hot.ndim
    if axis != hot.ndim - 1:
        hot = xp.moveaxis(hot, -1, axis)
    out = xp.any(hot, axis=1 if x.ndim > 1 else 0)
    return out.astype(standardize_dtype(dtype) if dtype else floatx()), None


@primitive
def polar(abs_, angle):
    """Complex numbers from polar coordinates: `abs_ * (cos(angle) + 1j * sin(angle))`.

    Args:
        abs_: magnitudes.
        angle: angles in radians.

    Example:
        >>> ops.polar([2.0], [0.0])  # [2.+0.j]
    """
    abs_, angle = as_float(abs_), as_float(angle)
    xp = xp_of(abs_, angle)
    cos, sin = xp.cos(angle), xp.sin(angle)
    out = abs_ * cos + 1j * (abs_ * sin)

    def vjp(g):
        # JAX's convention for a complex output: cotangent g pulls back d Re(g * out)
        gr, gi = xp.real(g), xp.imag(g)
        return (lambda: gr * cos - gi * sin), (lambda: -abs_ * (gr * sin + gi * cos))

    return out, vjp


def _block_args(x, block_size, data_format, name):
    if x.ndim != 4:
        raise ValueError(f"{name}: expects a 4-D tensor; received shape {x.shape}.")
    block_size = int(block_size)
    if block_size < 1:
        raise ValueError(f"{name}: block_size must be >= 1; received {block_size}.")
    return block_size, standardize_data_format(data_format) == "channels_last"


def _to_space(x, b, channels_last):
    if channels_last:
        n, h, w, c = x.shape
        x = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h * b, w * b, c // (b * b))
    n, c, h, w = x.shape
    x = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (b * b), h * b, w * b)


def _to_depth(x, b, channels_last):
    if channels_last:
        n, h, w, c = x.shape
        x = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h // b, w // b, c * b * b)
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * b * b, h // b, w // b)


@primitive(nin=1)
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move channel blocks into spatial blocks (pixel shuffle) of a 4-D tensor.

    Args:
        x: `(N, H, W, C)` (channels_last) or `(N, C, H, W)` tensor; C must be a
            multiple of `block_size ** 2`.
        block_size: size of the spatial blocks.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
        >>> ops.depth_to_space(ops.ones((1, 2, 2, 4)), 2).shape  # (1, 4, 4, 1)
    """
    b, last = _block_args(x, block_size, data_format, "depth_to_space")
    c = x.shape[3 if last else 1]
    if c % (b * b):
        raise ValueError(
            f"depth_to_space: the channel count {c} must be a multiple of "
            f"block_size**2 = {b * b}; received shape {x.shape}."
        )

    def vjp(g):
        return _to_depth(g, b, last)

    return _to_space(x, b, last), vjp


@primitive(nin=1)
def space_to_depth(x, block_size, data_format="channels_last"):
    """Move spatial blocks into channels (pixel unshuffle) of a 4-D tensor.

    Args:
        x: `(N, H, W, C)` (channels_last) or `(N, C, H, W)` tensor; H and W must
            be multiples of `block_size`.
        block_size: size of the spatial blocks.
        data_format: `"channels_last"` or `"channels_first"`.

    Example:
        >>> ops.space_to_depth(ops.ones((1, 4, 4, 1)), 2).shape  # (1, 2, 2, 4)
    """
    b, last = _block_args(x, block_size, data_format, "space_to_depth")
    h, w = x.shape[1:3] if last else x.shape[2:4]
    if h % b or w % b:
        raise ValueError(
            f"space_to_depth: the height {h} and width {w} must be multiples of "
            f"block_size {b}; received shape {x.shape}."
        )

    def vjp(g):
        return _to_space(g, b, last)

    return _to_depth(x, b, last), vjp


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention, `softmax(q k^T * scale + bias) v`, one primitive.

    Supports grouped-query attention (query heads a multiple of key heads).
    `flash_attention` is accepted for Keras compatibility; lamina always runs the
    plain computation, which gives the same result.

    Args:
        query: `(batch, T, heads, depth)` tensor.
        key: `(batch, S, kv_heads, depth)` tensor.
        value: `(batch, S, kv_heads, depth_v)` tensor.
        bias: optional tensor broadcastable to `(batch, heads, T, S)`.
        mask: optional boolean tensor broadcastable to `(batch, heads, T, S)`
            (a 3-D mask is `(batch, T, S)`); False positions get no attention.
        scale: logits scale; defaults to `1 / sqrt(depth)`.
        is_causal: apply a causal (lower-triangular) mask.
        flash_attention: ignored (see above).
        attn_logits_soft_cap: if set, logits become
            `logits / (1 + |logits| / attn_logits_soft_cap)` before bias and mask.

    Example:
        >>> q = ops.ones((2, 5, 4, 8))
        >>> ops.dot_product_attention(q, q, q, is_causal=True).shape  # (2, 5, 4, 8)
    """
    del flash_attention
    return _attention(query, key, value, bias, mask, scale, is_causal, attn_logits_soft_cap)


def _combined_mask(xp, mask, is_causal, t, s):
    if mask is not None:
        mask = mask.astype(bool, copy=False)
        if mask.ndim == 3:  # (batch, T, S): the same for every head
            mask = mask[:, None]
    if is_causal:
        causal = xp.tril(xp.ones((t, s), dtype=bool))
        mask = causal if mask is None else mask & causal
    return mask


@primitive(nin=5)
def _attention(query, key, value, bias, mask, scale, is_causal, soft_cap):
    xp = xp_of(query, key, value)
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(
            "`dot_product_attention` only supports 4D inputs. "
            f"Received: query.shape={query.shape}, key.shape={key.shape}, "
            f"value.shape={value.shape}."
        )
    b, t, n, h = query.shape
    _, s, k, _ = key.shape
    if key.shape[3] != h or value.shape[:3] != key.shape[:3] or key.shape[0] != b or n % k:
        raise ValueError(
            "dot_product_attention: expected query (B, T, N, H), key (B, S, K, H) and "
            "value (B, S, K, Hv) with N a multiple of K. Received: "
            f"query.shape={query.shape}, key.shape={key.shape}, value.shape={value.shape}."
        )
    dtype = xp.result_type(as_float(query), as_float(key), as_float(value))
    work = "float32" if dtype == "float16" else dtype
    q, kk, v = (a.astype(work, copy=False) for a in (query, key, value))
    groups, hv = n // k, value.shape[3]
    if scale is None:
        scale = 1.0 / math.sqrt(h)
    scale = float(scale.item() if hasattr(scale, "item") else scale)
    qh = q.transpose(0, 2, 1, 3).reshape(b, k, groups * t, h)  # head n = kv_head * G + g
    kt = kk.transpose(0, 2, 3, 1)  # (B, K, H, S)
    vh = v.transpose(0, 2, 1, 3)  # (B, K, S, Hv)
    raw = xp.matmul(qh, kt).reshape(b, n, t, s)
    raw *= scale
    logits = raw / (1.0 + xp.abs(raw) / soft_cap) if soft_cap else raw
    if bias is not None:
        logits = logits + bias.astype(work, copy=False)
    keep = _combined_mask(xp, mask, is_causal, t, s)
    if keep is not None:
        big = -0.7 * float(min(xp.finfo(work).max, xp.finfo("float32").max))
        logits = xp.where(keep, logits, big)
    probs = logits - xp.max(logits, axis=-1, keepdims=True) if logits.size else logits
    xp.exp(probs, out=probs)
    probs /= xp.sum(probs, axis=-1, keepdims=True)
    if dtype == "float16":  # Keras casts the probabilities to the inputs' dtype
        probs = probs.astype(dtype).astype(work)
    pg = probs.reshape(b, k, groups * t, s)
    out = xp.matmul(pg, vh).reshape(b, n, t, hv).transpose(0, 2, 1, 3).astype(dtype)

    def vjp(g):
        go = g.astype(work, copy=False).transpose(0, 2, 1, 3).reshape(b, k, groups * t, hv)
        dp = xp.matmul(go, vh.swapaxes(-1, -2))
        dl = dp - xp.sum(dp * pg, axis=-1, keepdims=True)
        dl *= pg
        dl = dl.reshape(b, n, t, s)
        if keep is not None:
            dl *= keep
        d_bias = dl
        if soft_cap:
            denom = 1.0 + xp.abs(raw) / soft_cap
            dl = dl / (denom * denom)
        dl = (dl * scale).reshape(b, k, groups * t, s)

        def grad_query():
            dq = xp.matmul(dl, kt.swapaxes(-1, -2))
            return dq.reshape(b, n, t, h).transpose(0, 2, 1, 3)

        def grad_key():
            return xp.matmul(dl.swapaxes(-1, -2), qh).transpose(0, 2, 1, 3)

        def grad_value():
            return xp.matmul(pg.swapaxes(-1, -2), go).transpose(0, 2, 1, 3)

        return grad_query, grad_key, grad_value, (lambda: d_bias), None

    return out, vjp
