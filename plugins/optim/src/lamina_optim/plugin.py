"""The lamina plugin module of lamina-optim: registers its optimizers.

Cheap to import: the optimizer modules are imported inside the hook, on first need.
"""

from lamina.plugins import hookimpl

LAMINA_PLUGIN_API = 1


@hookimpl
def lamina_register_optimizers(registry):
    from lamina.plugins.builtin import register_public
    from lamina_optim import optimizers

    # Keras resolves optimizer names case-insensitively: "adam", "rmsprop", "adamw".
    register_public(registry, optimizers, classes_only=True, alias=str.lower)
