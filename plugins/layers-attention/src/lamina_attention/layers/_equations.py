"""Einsum equations of MultiHeadAttention's projections, as Keras builds them.

The equations decide the kernels' shapes, so they must match Keras's for weights to load.
"""

from __future__ import annotations

import string


def projection_equation(free_dims: int, bound_dims: int, output_dims: int):
    """`(equation, bias_axes, output_rank)` of a projection: `free_dims` axes pass
    through, `bound_dims` are contracted with the kernel, `output_dims` are produced.

    Example:
        >>> projection_equation(2, 1, 2)
        ('abc,cde->abde', 'de', 4)
    """
    letters = string.ascii_lowercase
    free = letters[:free_dims]
    bound = letters[free_dims : free_dims + bound_dims]
    produced = letters[free_dims + bound_dims : free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{produced}->{free}{produced}", produced, free_dims + output_dims


def partial_output_shape(output_rank: int, known_last_dims) -> list:
    """EinsumDense's `output_shape`: None for the passed-through axes, then the known ones."""
    return [None] * (output_rank - len(known_last_dims)) + list(known_last_dims)
