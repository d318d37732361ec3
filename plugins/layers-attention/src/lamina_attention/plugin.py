"""The lamina plugin module of lamina-layers-attention: registers its layers.

Cheap to import: the layer modules are imported inside the hook, on first need.
"""

from lamina.plugins import hookimpl

LAMINA_PLUGIN_API = 1


@hookimpl
def lamina_register_layers(registry):
    from lamina.plugins.builtin import register_public
    from lamina_attention import layers

    register_public(registry, layers, classes_only=True)
