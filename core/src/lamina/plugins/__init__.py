"""lamina.plugins: hook specifications, registries and plugin discovery.

A plugin is a distribution with an entry point in the group `lamina.plugins` naming a
small module that sets `LAMINA_PLUGIN_API = 1` and implements hooks with `hookimpl`:

    # pyproject.toml: [project.entry-points."lamina.plugins"] acme = "acme_layers.plugin"
    from lamina.plugins import hookimpl

    LAMINA_PLUGIN_API = 1

    @hookimpl
    def lamina_register_layers(registry):
        from acme_layers.layers import Scale
        registry.add("acme>Scale", Scale)

Then `lamina.layers.Scale`, `lamina.plugins.get("layers", "acme>Scale")` and
`lamina.plugins.get_registered_name(Scale) == "acme>Scale"` all work. Importing this
package is cheap: pluggy is imported on the first lookup, and installed plugins are
loaded only when a name is not built in. `LAMINA_DISABLE_PLUGINS=a,b` skips plugins
by entry-point or distribution name.

Example:
    >>> import lamina
    >>> lamina.plugins.get("ops", "add") is lamina.ops.add
    True
"""

from lamina.plugins.catalogue import KNOWN_PROVIDERS
from lamina.plugins.manager import (
    DISABLE_ENV,
    ENTRY_POINT_GROUP,
    PLUGIN_API,
    IncompatiblePluginError,
    PluginInfo,
    PluginNotInstalledError,
    UnknownNameError,
    get,
    get_registered_name,
    get_registry,
    module_getattr,
    plugin_report,
    refresh,
)
from lamina.plugins.registry import KINDS, AmbiguousNameError, DuplicateNameError, Registry

__all__ = [
    "PLUGIN_API",
    "ENTRY_POINT_GROUP",
    "DISABLE_ENV",
    "KINDS",
    "KNOWN_PROVIDERS",
    "get",
    "get_registry",
    "get_registered_name",
    "plugin_report",
    "refresh",
    "module_getattr",
    "hookimpl",
    "hookspec",
    "Registry",
    "PluginInfo",
    "PluginNotInstalledError",
    "UnknownNameError",
    "IncompatiblePluginError",
    "DuplicateNameError",
    "AmbiguousNameError",
]


def __getattr__(name: str):
    # The pluggy markers, imported on first use so that `import lamina` stays free of pluggy.
    if name in ("hookimpl", "hookspec"):
        from lamina.plugins import hookspecs

        return getattr(hookspecs, name)
    raise AttributeError(f"module 'lamina.plugins' has no attribute {name!r}")
