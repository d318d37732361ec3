"""lamina.activations: the `keras.activations` namespace.

Every activation is a plain function of a tensor. `get` turns an identifier (a name,
a config dict, a callable or None) into one; `serialize`/`deserialize` convert to and
from the Keras config format.

Example:
    >>> from lamina import activations
    >>> activations.get("relu") is activations.relu
    True
    >>> activations.serialize(activations.swish)
    'silu'
"""

from __future__ import annotations

import types

from lamina.activations import activations as _functions
from lamina.activations.activations import *

__all__ = [*_functions.__all__, "deserialize", "get", "serialize"]

# Keras's two alias names; every other name maps to the function of that name.
_ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}
ALL_OBJECTS = tuple(
    getattr(_functions, name) for name in _functions.__all__ if name not in _ALIASES
)
ALL_OBJECTS_DICT = {fn.__name__: fn for fn in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({alias: ALL_OBJECTS_DICT[name] for alias, name in _ALIASES.items()})

_BUILTINS = frozenset(ALL_OBJECTS)


def serialize(activation):
    """Return the config of an activation: its name for built-ins, else a config dict.

    Built-in functions serialize to their canonical name (`swish` gives `"silu"`).
    Other functions give Keras's function config (`{"module": "builtins", "class_name":
    "function", "config": <registered name>, "registered_name": "function"}`), and
    callable objects their `serialize_keras_object` config.

    Args:
        activation: a function or a callable object with `get_config`.

    Example:
        >>> serialize(relu)
        'relu'
    """
    if isinstance(activation, types.FunctionType) and activation.__name__ != "<lambda>":
        if activation in _BUILTINS:
            return activation.__name__
        from lamina.saving.object_registration import get_registered_name

        return {
            "module": "builtins",
            "class_name": "function",
            "config": get_registered_name(activation),
            "registered_name": "function",
        }
    from lamina.saving.serialization_lib import serialize_keras_object

    fn_config = serialize_keras_object(activation)
    if not isinstance(fn_config, dict) or "config" not in fn_config:
        raise ValueError(
            f"Unknown activation function '{activation}' cannot be serialized: it is "
            "neither a lamina.activations function nor an object with `get_config()`. "
            "Register custom activations with "
            "`lamina.saving.register_keras_serializable()`. "
            f"config={fn_config}"
        )
    return fn_config


def deserialize(config, custom_objects=None):
    """Return the activation function described by `config`.

    Args:
        config: a name (`"relu"`) or a config dict as `serialize` returns it.
        custom_objects: optional dict of `{name: function or class}` to look in
            besides the registered objects and the built-ins.

    Example:
        >>> deserialize("relu") is relu
        True
    """
    from lamina.saving.object_registration import get_registered_object

    if isinstance(config, str):
        found = get_registered_object(config, custom_objects, ALL_OBJECTS_DICT)
        if found is None:
            raise ValueError(
                f"Unknown activation function: '{config}'. Expected one of "
                f"{sorted(ALL_OBJECTS_DICT)} or a registered custom object."
            )
        return found
    if isinstance(config, dict) and config.get("class_name") == "function":
        name = config.get("config")
        registered = config.get("registered_name")
        for key in (registered, name):
            if isinstance(key, str) and key != "function":
                found = get_registered_object(key, custom_objects)
                if found is not None:
                    return found
        if config.get("module") in ("builtins", "keras.activations", None) and (
            name in ALL_OBJECTS_DICT
        ):
            return ALL_OBJECTS_DICT[name]
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


def get(identifier):
    """Return an activation function from a name, a config dict, a callable or None.

    `None` gives `linear`; a string must name a built-in (Keras 3 does not look up
    custom objects for strings here); a dict is deserialized; callables are returned
    as they are.

    Args:
        identifier: the activation's identifier.

    Raises:
        ValueError: the identifier names no activation.

    Example:
        >>> get(None) is linear
        True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")
