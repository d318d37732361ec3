"""The lamina plugin module of lamina-layers-rnn: registers its layers.

Cheap to import: the layer modules are imported inside the hook, on first need. Every class
in `lamina_rnn.layers.__all__` is registered as `lamina.layers.<Name>`.
"""

from lamina.plugins import hookimpl

LAMINA_PLUGIN_API = 1


@hookimpl
def lamina_register_layers(registry):
    from lamina.plugins.builtin import register_public
    from lamina_rnn import layers

    register_public(registry, layers, classes_only=True)
