"""The layers of lamina-layers-attention.

Registered as `lamina.layers.<Name>` by the plugin module; users never import this.
"""

from lamina_attention.layers.additive_attention import AdditiveAttention
from lamina_attention.layers.attention import Attention
from lamina_attention.layers.grouped_query_attention import GroupedQueryAttention
from lamina_attention.layers.multi_head_attention import MultiHeadAttention

# Keras exports the class only as `GroupQueryAttention`; its configs name `GroupedQueryAttention`.
GroupQueryAttention = GroupedQueryAttention

__all__ = [
    "AdditiveAttention",
    "Attention",
    "GroupQueryAttention",
    "GroupedQueryAttention",
    "MultiHeadAttention",
]
