"""Convolution and pooling ops, registered as `lamina.ops.conv`, `lamina.ops.max_pool`, ...

Each op is one primitive with its own backward pass, on NumPy or CuPy arrays alike.
"""

from lamina_conv.ops.adaptive_pooling import adaptive_average_pool, adaptive_max_pool
from lamina_conv.ops.convolution import conv, depthwise_conv, separable_conv
from lamina_conv.ops.pooling import average_pool, max_pool
from lamina_conv.ops.transposed import conv_transpose

__all__ = [
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "separable_conv",
    "max_pool",
    "average_pool",
    "adaptive_max_pool",
    "adaptive_average_pool",
]
