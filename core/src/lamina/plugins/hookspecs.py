"""Hook specifications of lamina's plugin system (imported only when plugins are needed).

A plugin module marks its functions with `hookimpl`; each receives a registrar whose
`add(name, obj, aliases=())` registers one named thing of that hook's kind:

    from lamina.plugins import hookimpl

    LAMINA_PLUGIN_API = 1

    @hookimpl
    def lamina_register_layers(registry):
        from acme.layers import Scale  # heavy imports inside the hook
        registry.add("acme>Scale", Scale)
"""

from pluggy import HookimplMarker, HookspecMarker

PROJECT = "lamina"

hookspec = HookspecMarker(PROJECT)
hookimpl = HookimplMarker(PROJECT)


class LaminaSpecs:
    """The hooks a plugin may implement; each runs once per kind, on first need."""

    @hookspec
    def lamina_register_layers(self, registry):
        """Register layer classes: `registry.add("Conv2D", Conv2D)`."""

    @hookspec
    def lamina_register_ops(self, registry):
        """Register functions for `lamina.ops`: `registry.add("conv", conv)`."""

    @hookspec
    def lamina_register_optimizers(self, registry):
        """Register optimizer classes: `registry.add("Adam", Adam, aliases=("adam",))`."""

    @hookspec
    def lamina_register_losses(self, registry):
        """Register loss classes and functions."""

    @hookspec
    def lamina_register_metrics(self, registry):
        """Register metric classes and functions."""

    @hookspec
    def lamina_register_initializers(self, registry):
        """Register initializer classes."""

    @hookspec
    def lamina_register_callbacks(self, registry):
        """Register callback classes."""

    @hookspec
    def lamina_register_applications(self, registry):
        """Register model builders: `registry.add("ResNet50", ResNet50)`."""

    @hookspec
    def lamina_register_strategies(self, registry):
        """Register distribution strategy classes: `registry.add("MirroredStrategy", ...)`."""

    @hookspec
    def lamina_register_backends(self, registry):
        """Register array backends (a factory per name, called on first use)."""


def hook_name(kind: str) -> str:
    """The hook that registers things of `kind`: `"layers"` -> `"lamina_register_layers"`."""
    return f"lamina_register_{kind}"
