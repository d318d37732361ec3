"""The lamina plugin module of lamina-layers-conv: registers its layers and ops.

Cheap to import: the layer and op modules are imported inside the hooks, on first need.
Every name in a module's `__all__` is registered; names bound to one object become
aliases of its `__name__` (`Convolution2D` -> `Conv2D`), as for lamina's own names.
"""

from lamina.plugins import hookimpl

LAMINA_PLUGIN_API = 1


@hookimpl
def lamina_register_layers(registry):
    from lamina.plugins.builtin import register_public
    from lamina_conv import layers

    register_public(registry, layers, classes_only=True)


@hookimpl
def lamina_register_ops(registry):
    from lamina.plugins.builtin import register_public
    from lamina_conv import ops

    register_public(registry, ops)
