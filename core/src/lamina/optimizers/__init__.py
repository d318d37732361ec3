"""lamina.optimizers: the `keras.optimizers` namespace.

Optimizer classes defined in lamina are listed in `__all__` and registered as
built-ins; the others (Adam, RMSprop, ...) come from the `lamina-optim` plugin and
resolve through the plugin registry, by attribute or by string name.

Example:
    >>> lamina.optimizers.get("adam")  # an Adam instance, once lamina-optim is installed
"""

from lamina import plugins as _plugins

__all__ = ["get"]

__getattr__ = _plugins.module_getattr("optimizers", __name__)


def get(identifier):
    """Return an optimizer instance from a name, a config dict or an optimizer.

    Args:
        identifier: None, a name (`"adam"`, case-insensitive for lamina's names), a
            serialized optimizer (`{"class_name": ..., "config": {...}}`), or an
            optimizer instance (returned as is).

    Returns:
        An optimizer instance, or None for None.

    Raises:
        PluginNotInstalledError: the optimizer's plugin (`lamina-optim`) is not installed.
        ValueError: the identifier names no optimizer; the message lists the known ones.

    Example:
        >>> opt = lamina.optimizers.get("adam")  # an Adam instance (from lamina-optim)
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _lookup(identifier)()
    if isinstance(identifier, dict):
        name = identifier.get("registered_name") or identifier.get("class_name")
        if not isinstance(name, str):
            raise ValueError(
                "lamina.optimizers.get: a config dict needs a 'class_name' string, "
                f"received {identifier!r}."
            )
        cls = _lookup(name)
        config = identifier.get("config") or {}
        if hasattr(cls, "from_config"):
            return cls.from_config(config)
        return cls(**config)
    if hasattr(identifier, "apply_gradients"):
        return identifier
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


def _lookup(name: str):
    try:
        return _plugins.get("optimizers", name)
    except _plugins.UnknownNameError:
        # Keras resolves built-in optimizer names case-insensitively ("Adam", "ADAM").
        if name.lower() == name:
            raise
    return _plugins.get("optimizers", name.lower())
