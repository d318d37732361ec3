"""lamina-layers-attention: Keras's attention layers for lamina.

Users never import this package: once it is installed, `lamina.layers.MultiHeadAttention`
resolves to its class through lamina's plugin registry.
"""

from lamina_attention.__about__ import __version__

__all__ = ["__version__"]
