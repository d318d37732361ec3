"""Custom objects: `register_keras_serializable`, `custom_object_scope` and name lookups.

Keras keeps two global maps (registered name -> object, object -> registered name) and a
per-thread scope dict filled by `custom_object_scope`; lamina keeps the same three, with
the same precedence on lookup: scope, then global registrations, then the explicit dict.
"""

from __future__ import annotations

import inspect
import threading

_GLOBAL_CUSTOM_OBJECTS: dict[str, object] = {}
_GLOBAL_CUSTOM_NAMES: dict[object, str] = {}
_scope = threading.local()  # .objects: the dict of the innermost custom_object_scope


def _scope_objects() -> dict:
    return getattr(_scope, "objects", None) or {}


class CustomObjectScope:
    """Make custom classes and functions visible to deserialization inside a `with` block.

    Args:
        custom_objects: dict of `{name: object}`; the names are those found in configs
            (the class name, or the registered `"package>Name"`). Scopes nest: the inner
            one replaces the outer one's names until it exits, as in Keras.

    Example:
        >>> with custom_object_scope({"MyLayer": MyLayer}):
        ...     layer = deserialize_keras_object(config)
    """

    def __init__(self, custom_objects=None):
        self.custom_objects = dict(custom_objects or {})
        self._backup = None

    def __enter__(self):
        self._backup = _scope_objects()
        _scope.objects = dict(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        _scope.objects = self._backup


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict:
    """Return the live global dict of registered custom objects (name -> object).

    Example:
        >>> get_custom_objects()["MyObject"] = MyObject
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Register a class or function under `"package>name"` for (de)serialization.

    Args:
        package: the package part of the registered name (default `"Custom"`).
        name: the name part; defaults to the object's `__name__`.

    Returns:
        A decorator that registers its argument and returns it unchanged.

    Raises:
        ValueError: the decorated class has no `get_config` method.

    Example:
        >>> @register_keras_serializable(package="my_pkg")
        ... class Scale(lamina.layers.Layer): ...
        >>> get_registered_name(Scale)
        'my_pkg>Scale'
    """

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError(
                f"register_keras_serializable: cannot register class {arg.__name__!r} as "
                f"{registered_name!r}: it has no get_config() method. Add get_config() "
                "returning the constructor arguments."
            )
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj) -> str:
    """The name `obj` was registered under, else its `__name__`.

    Example:
        >>> get_registered_name(Scale)
        'my_pkg>Scale'
    """
    try:
        return _GLOBAL_CUSTOM_NAMES[obj]
    except (KeyError, TypeError):  # TypeError: an unhashable object
        return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Return the object registered as `name`, or None.

    Looks in the active `custom_object_scope`, then global registrations, then
    `custom_objects`, then `module_objects` (Keras's order).

    Example:
        >>> get_registered_object("my_pkg>Scale") is Scale
        True
    """
    for source in (_scope_objects(), _GLOBAL_CUSTOM_OBJECTS, custom_objects, module_objects):
        if source and name in source:
            return source[name]
    return None


def _registered_name_or_none(obj) -> str | None:
    """The `register_keras_serializable` name of `obj`, or None when it has none."""
    try:
        return _GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:
        return None
