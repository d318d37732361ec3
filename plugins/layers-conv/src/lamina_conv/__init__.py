"""lamina-layers-conv: convolution, pooling and spatial layers and ops for lamina.

Users never import this package: once it is installed, `lamina.layers.Conv2D` and
`lamina.ops.conv` resolve to its classes and functions through lamina's plugin registry.
"""

from lamina_conv.__about__ import __version__

__all__ = ["__version__"]
