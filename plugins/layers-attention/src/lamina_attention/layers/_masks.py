"""The attention masks of MultiHeadAttention and GroupedQueryAttention, as Keras builds them."""

from __future__ import annotations

from lamina import ops


def combine_masks(
    query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask, window
):
    """The AND of the query mask (as `(B, T, 1)`), the value and key masks (`(B, 1, S)`),
    the causal and sliding-window masks (`(1, T, S)`) and `attention_mask`, or None.

    `query` and `value` are the unprojected `(B, T, ...)` / `(B, S, ...)` inputs; `window`
    is the sliding window (None for none).
    """
    parts = [] if attention_mask is None else [ops.cast(attention_mask, "bool")]
    if query_mask is not None:
        parts.append(ops.expand_dims(ops.cast(query_mask, "bool"), -1))
    for mask in (value_mask, key_mask):
        if mask is not None:
            parts.append(ops.expand_dims(ops.cast(mask, "bool"), -2))
    if use_causal_mask or window is not None:
        t, s = query.shape[1], value.shape[1]
        rows = ops.reshape(ops.arange(t, dtype="int32"), (1, t, 1))
        cols = ops.reshape(ops.arange(s, dtype="int32"), (1, 1, s))
        if use_causal_mask:
            parts.append(ops.greater_equal(rows, cols))
        if window is not None:
            parts.append(ops.less(ops.abs(rows - cols), window))
    if not parts:
        return None
    keep = parts[0]
    for part in parts[1:]:
        keep = ops.logical_and(keep, part)
    return keep


def expand_mask(keep, scores_rank, n_axes, layer):
    """Insert the heads (and other batch) axes into a `(B, T, S)`-like mask where Keras
    does, so that it broadcasts against scores of rank `scores_rank` with `n_axes`
    attention axes."""
    if keep.ndim > scores_rank:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': the attention mask has rank "
            f"{keep.ndim}, more than the attention scores' rank {scores_rank}; received "
            f"mask shape {tuple(keep.shape)}. Pass a `(B, T, S)` mask."
        )
    for _ in range(scores_rank - keep.ndim):
        keep = ops.expand_dims(keep, -2 * n_axes - 1)
    return keep
