"""lamina-optim: every Keras 3 optimizer beyond SGD, for lamina.

Users never import this package: once it is installed, `lamina.optimizers.Adam`,
`lamina.optimizers.get("adam")` and `model.compile(optimizer="adam")` resolve to its
classes through lamina's plugin registry.
"""

from lamina_optim.__about__ import __version__

__all__ = ["__version__"]
