"""Core layers: Dense, EinsumDense, Embedding, Masking, Identity, Lambda, Wrapper.

Example:
    >>> from lamina.layers.core import Dense
    >>> Dense(3)(ops.ones((2, 4))).shape
    (2, 3)
"""

from lamina.layers.core.dense import Dense
from lamina.layers.core.einsum_dense import EinsumDense
from lamina.layers.core.embedding import Embedding
from lamina.layers.core.identity import Identity
from lamina.layers.core.lambda_layer import Lambda
from lamina.layers.core.masking import Masking
from lamina.layers.core.wrapper import Wrapper

__all__ = ["Dense", "EinsumDense", "Embedding", "Identity", "Lambda", "Masking", "Wrapper"]
