"""lamina.layers: the `keras.layers` namespace.

Layer classes defined in lamina are listed in `__all__` and registered as built-ins.
Names from installed plugins resolve through the plugin registry
(`lamina.layers.Conv2D` once `lamina-layers-conv` is installed); a first-party name
whose plugin is missing raises `PluginNotInstalledError` saying what to install.

Example:
    >>> from lamina import layers
    >>> hasattr(layers, "NoSuchLayer")
    False
"""

from lamina.plugins import module_getattr as _module_getattr

__all__ = []

__getattr__ = _module_getattr("layers", __name__)
