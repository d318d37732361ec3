"""lamina: the Keras API on NumPy and CuPy, with its own autodiff.

Example:
    >>> import lamina as keras
"""

from lamina import backend, config, datasets, layers, ops, optimizers, plugins, random, utils
from lamina.__about__ import __version__
from lamina.autodiff import GradientTape, Tensor, Variable
from lamina.backend import device

__all__ = [
    "GradientTape",
    "Tensor",
    "Variable",
    "__version__",
    "backend",
    "config",
    "datasets",
    "device",
    "layers",
    "ops",
    "optimizers",
    "plugins",
    "random",
    "utils",
]
