"""lamina.optimizers: the `keras.optimizers` namespace.

`Optimizer`, `SGD` and `LossScaleOptimizer` are defined in core and listed in `__all__`
(the built-in plugin registers them); the others (Adam, RMSprop, ...) come from the
`lamina-optim` plugin and resolve through the plugin registry, by attribute or by
string name.

Example:
    >>> lamina.optimizers.get("sgd")
    <SGD name=sgd, built=False>
"""

from lamina import plugins as _plugins
from lamina.optimizers import schedules
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.sgd import SGD
from lamina.saving import serialization_lib as _serialization_lib

__all__ = ["SGD", "LossScaleOptimizer", "Optimizer", "deserialize", "get", "schedules", "serialize"]

__getattr__ = _plugins.module_getattr("optimizers", __name__)


def serialize(optimizer) -> dict:
    """Return the optimizer's config in Keras's serialized form.

    Example:
        >>> lamina.optimizers.serialize(lamina.optimizers.SGD())["class_name"]
        'SGD'
    """
    return _serialization_lib.serialize_keras_object(optimizer)


def deserialize(config: dict, custom_objects=None):
    """Create an optimizer from `serialize`'s output; built-in names are case-insensitive.

    Args:
        config: `{"class_name": ..., "config": {...}}` (with `module` when Keras wrote it).
        custom_objects: `{name: class}` for custom optimizers.

    Example:
        >>> lamina.optimizers.deserialize({"class_name": "sgd", "config": {}})
    """
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(
            "lamina.optimizers.deserialize: expected a dict with a 'class_name' string, "
            f"received {config!r}."
        )
    name = config["class_name"]
    if name in (custom_objects or {}):
        return _serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
    try:
        cls = _lookup(name)
    except _plugins.UnknownNameError:
        return _serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)
    return _serialization_lib.deserialize_keras_object(
        config, custom_objects=custom_objects, module_objects={name: cls}
    )


def get(identifier):
    """Return an optimizer instance from a name, a config dict or an optimizer.

    Args:
        identifier: None, a name (`"sgd"`, `"adam"`; case-insensitive), a serialized
            optimizer (`{"class_name": ..., "config": {...}}`), or an optimizer instance
            (returned as is).

    Returns:
        An optimizer instance, or None for None.

    Raises:
        PluginNotInstalledError: the optimizer's plugin (`lamina-optim`) is not installed.
        ValueError: the identifier names no optimizer.

    Example:
        >>> opt = lamina.optimizers.get("sgd")
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        # An unknown name raises the registry's UnknownNameError (a ValueError) with a
        # "did you mean" hint; a plugin's name without the plugin, PluginNotInstalledError.
        return _lookup(identifier)()
    obj = deserialize(identifier) if isinstance(identifier, dict) else identifier
    # Duck-typed: plugin and user optimizers need not subclass lamina's base.
    if hasattr(obj, "apply_gradients"):
        return obj
    raise ValueError(
        f"Could not interpret optimizer identifier: {identifier!r}. Pass an optimizer "
        "name such as 'sgd', a serialized optimizer dict, or an Optimizer instance."
    )


def _lookup(name: str):
    try:
        return _plugins.get("optimizers", name)
    except _plugins.UnknownNameError:
        # Keras resolves built-in optimizer names case-insensitively ("Adam", "ADAM").
        if name.lower() == name:
            raise
    return _plugins.get("optimizers", name.lower())
