"""The step MultiHeadAttention and GroupQueryAttention share after their projections."""

from __future__ import annotations

from lamina import ops
from lamina_attention.attention_core import attend, attend_with_scores


def attend_heads(query, key, value, keep, drop, scale, axes, explicit, gate, project, scores):
    """Attention over projected heads, the optional gate, then `project`: `(output, scores)`.

    `scores` says whether to return the attention scores (None otherwise).
    """
    args = (query, key, value, keep, drop, scale, axes, explicit)
    if scores:
        output, attention_scores = attend_with_scores(*args)
    else:
        output, attention_scores = attend(*args), None
    if gate is not None:
        output = ops.multiply(output, gate)
    return project(output), attention_scores
