"""The fused core of dot-product attention: scores, masked softmax, dropout, weighted sum.

One primitive with a hand-written backward pass, run as batched matmuls on
`(batch..., T, depth)` layouts. The projected tensors arrive in Keras's multi-head layout
`(B, <dims>, heads, depth)`; the attention axes are moved next to the depth axis and
flattened inside the primitive (no graph nodes for the transposes), so one
`softmax(q k^T * scale) v` covers every `attention_axes` choice.
"""

from __future__ import annotations

import math

from lamina.autodiff import primitive
from lamina.backend import namespace

__all__ = ["attend", "attend_with_scores", "scores_shape"]


def _large_negative(dtype) -> float:
    """Keras's masked-logit value: -1e9, or -3e4 where it would overflow float16."""
    return -3e4 if dtype == "float16" else -1e9


class _Layout:
    """How a `(B, <dims>, heads, depth)` tensor maps onto `(batch..., T, depth)`."""

    def __init__(self, shape, axes):
        rank = len(shape)
        batch = [i for i in range(rank - 1) if i not in axes]
        self.perm = (*batch, *axes, rank - 1)
        self.inverse = tuple(self.perm.index(i) for i in range(rank))
        self.batch_shape = tuple(shape[i] for i in batch)
        self.attn_shape = tuple(shape[i] for i in axes)
        self.length = math.prod(self.attn_shape)

    def flatten(self, x):
        x = x.transpose(self.perm)
        return x.reshape((*self.batch_shape, self.length, x.shape[-1]))

    def unflatten(self, x):
        x = x.reshape((*self.batch_shape, *self.attn_shape, x.shape[-1]))
        return x.transpose(self.inverse)


def scores_shape(query_shape, key_shape, axes) -> tuple:
    """Keras's attention-scores shape: `(batch dims incl. heads, <query axes>, <key axes>)`."""
    rank = len(query_shape)
    batch = tuple(query_shape[i] for i in range(rank - 1) if i not in axes)
    return (*batch, *(query_shape[i] for i in axes), *(key_shape[i] for i in axes))


def _forward(query, key, value, keep, drop, scale, axes, zero_masked):
    """Forward pass on raw arrays; returns `(out, scores, backward)`."""
    xp = namespace(query)
    dtype = xp.result_type(query, key, value)
    work = "float32" if dtype == "float16" else dtype
    q_layout = _Layout(query.shape, axes)
    k_layout = _Layout(key.shape, axes)
    # Scaling the query (T x depth) is cheaper than scaling the logits (T x S), as Keras does.
    q = q_layout.flatten(query.astype(work, copy=False)) * scale
    k = k_layout.flatten(key.astype(work, copy=False))
    v = k_layout.flatten(value.astype(work, copy=False))
    flat_scores = (*q_layout.batch_shape, q_layout.length, k_layout.length)
    if keep is not None:
        keep = _flat_mask(xp, keep.astype(bool, copy=False), q_layout, k_layout, flat_scores)
    if drop is not None:
        drop = drop.astype(work, copy=False).reshape(flat_scores)

    probs = xp.matmul(q, k.swapaxes(-1, -2))
    if keep is not None:
        probs = xp.where(keep, probs, _large_negative(dtype))
    probs -= probs.max(axis=-1, keepdims=True)
    xp.exp(probs, out=probs)
    probs /= probs.sum(axis=-1, keepdims=True)
    if keep is not None and zero_masked:
        probs *= keep
    used = probs if drop is None else probs * drop
    out = q_layout.unflatten(xp.matmul(used, v)).astype(dtype, copy=False)
    keras_scores = probs.reshape(scores_shape(query.shape, key.shape, axes))
    keras_scores = keras_scores.astype(dtype, copy=False)

    def backward(g_out, g_scores):
        """Cotangents of (query, key, value) from those of the output and the scores."""
        go = q_layout.flatten(g_out.astype(work, copy=False))
        d_probs = xp.matmul(go, v.swapaxes(-1, -2))
        if drop is not None:
            d_probs *= drop
        if g_scores is not None:
            d_probs += g_scores.astype(work, copy=False).reshape(flat_scores)
        # softmax vjp, in place: p * (d - sum(d * p)); masked logits are constants
        d_logits = d_probs
        d_logits -= (d_probs * probs).sum(axis=-1, keepdims=True)
        d_logits *= probs
        if keep is not None:
            d_logits *= keep

        def grad_query():
            dq = xp.matmul(d_logits, k)
            dq *= scale
            return q_layout.unflatten(dq)

        def grad_key():
            return k_layout.unflatten(xp.matmul(d_logits.swapaxes(-1, -2), q))

        def grad_value():
            return k_layout.unflatten(xp.matmul(used.swapaxes(-1, -2), go))

        return grad_query, grad_key, grad_value, None, None

    return out, keras_scores, backward


def _flat_mask(xp, keep, q_layout, k_layout, flat_scores):
    """A mask broadcastable to Keras's scores shape, as `(batch..., Tq, Tk)`."""
    n_attn = len(q_layout.attn_shape)
    if n_attn == 1:
        return keep  # already (batch..., Tq, Tk)-broadcastable
    full = (*q_layout.batch_shape, *q_layout.attn_shape, *k_layout.attn_shape)
    return xp.broadcast_to(keep, full).reshape(flat_scores)


@primitive(nin=5)
def attend(query, key, value, keep, drop, scale, axes, zero_masked=False):
    """`softmax(q k^T * scale, where keep) * drop @ v` over `axes`, in Keras's layout.

    Args:
        query: `(B, <dims>, heads, depth)` projected query.
        key: `(B, <dims>, heads, depth)` projected key (its attention axes may differ
            in size from the query's).
        value: like `key`, with its own depth.
        keep: None, or a boolean mask broadcastable to `scores_shape(...)`; False
            positions get no attention.
        drop: None, or the dropout multiplier (0 or `1 / (1 - rate)`) in
            `scores_shape(...)`, applied to the probabilities.
        scale: the logits' scale, usually `1 / sqrt(depth)`.
        axes: the attention axes (positive, sorted, excluding batch, heads and depth).
        zero_masked: zero the probabilities of masked positions after the softmax, so a
            fully masked row attends nowhere (Keras's `Softmax` layer, used by its
            explicit path) instead of uniformly (Keras's fused `dot_product_attention`).

    Example:
        >>> q = ops.ones((2, 5, 4, 8))
        >>> attend(q, q, q, None, None, 8**-0.5, (1,)).shape  # (2, 5, 4, 8)
    """
    out, _, backward = _forward(query, key, value, keep, drop, scale, axes, zero_masked)
    return out, (lambda g: backward(g, None))


@primitive(nin=5, multiple_outputs=True)
def attend_with_scores(query, key, value, keep, drop, scale, axes, zero_masked=False):
    """`attend` that also returns the attention probabilities (before dropout), in
    Keras's scores layout; both outputs are differentiable.

    Example:
        >>> q = ops.ones((2, 5, 4, 8))
        >>> out, scores = attend_with_scores(q, q, q, None, None, 8**-0.5, (1,))
        >>> scores.shape  # (2, 4, 5, 5)
    """
    out, scores, backward = _forward(query, key, value, keep, drop, scale, axes, zero_masked)
    return (out, scores), (lambda gs: backward(gs[0], gs[1]))
