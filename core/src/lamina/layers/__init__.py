"""lamina.layers: the `keras.layers` namespace.

Each family of layers is a subpackage (core, activations, regularization, reshaping,
merging, normalization); this namespace re-exports them, and they are registered as
built-ins. Names from installed plugins resolve through the plugin registry
(`lamina.layers.Conv2D` once `lamina-layers-conv` is installed); a first-party name
whose plugin is missing raises `PluginNotInstalledError` saying what to install.

Example:
    >>> from lamina import layers
    >>> layers.Dense(4, activation="relu")
"""

from lamina.layers import activations as _activations
from lamina.layers import core as _core
from lamina.layers import merging as _merging
from lamina.layers import normalization as _normalization
from lamina.layers import regularization as _regularization
from lamina.layers import reshaping as _reshaping
from lamina.layers.activations import *
from lamina.layers.core import *
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.merging import *
from lamina.layers.normalization import *
from lamina.layers.regularization import *
from lamina.layers.reshaping import *
from lamina.plugins import module_getattr as _module_getattr

__all__ = [
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    *_activations.__all__,
    *_core.__all__,
    *_merging.__all__,
    *_normalization.__all__,
    *_regularization.__all__,
    *_reshaping.__all__,
]

__getattr__ = _module_getattr("layers", __name__)
