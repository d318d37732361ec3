"""lamina-layers-rnn: recurrent layers for lamina.

Users never import this package: once it is installed, `lamina.layers.LSTM` and the other
recurrent layers resolve to its classes through lamina's plugin registry.
"""

from lamina_rnn.__about__ import __version__

__all__ = ["__version__"]
