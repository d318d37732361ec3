"""lamina.regularizers: the `keras.regularizers` namespace.

Example:
    >>> reg = lamina.regularizers.get("l2")  # L2(l2=0.01)
    >>> lamina.regularizers.serialize(reg)["class_name"]
    'L2'
"""

from __future__ import annotations

import inspect

from lamina.regularizers.regularizers import (
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
)

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]

# The string names Keras's get/deserialize accept: class names and their snake_case.
ALL_OBJECTS_DICT = {
    "Regularizer": Regularizer,
    "regularizer": Regularizer,
    "L1": L1,
    "l1": L1,
    "L2": L2,
    "l2": L2,
    "L1L2": L1L2,
    "l1l2": L1L2,
    "OrthogonalRegularizer": OrthogonalRegularizer,
    "orthogonal_regularizer": OrthogonalRegularizer,
}


def serialize(regularizer):
    """Return the Keras-schema config dict of a regularizer.

    Example:
        >>> serialize(L2(0.1))
        {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.1},
         'registered_name': None}
    """
    from lamina.saving import serialization_lib

    return serialization_lib.serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """Return a regularizer from a config dict (or a name such as `"L2"`).

    Args:
        config: a dict from `serialize` (lamina's or Keras's), or a name.
        custom_objects: dict of custom regularizer classes or functions by name.

    Example:
        >>> deserialize({"class_name": "L2", "config": {"l2": 0.5}}).l2
        0.5
    """
    from lamina.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """Return a regularizer from None, a name, a config dict, a class or a callable.

    Names give the class with its defaults (`"l1"`, `"l2"` -> factor 0.01). `"l1_l2"`,
    documented by Keras as `L1L2(l1=0.01, l2=0.01)` but rejected by Keras's own `get`,
    gives that documented regularizer.

    Raises:
        ValueError: the identifier is not a known name, dict or callable.

    Example:
        >>> get("l1").get_config()
        {'l1': 0.009999999776482582}
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        if identifier == "l1_l2":
            return L1L2(l1=0.01, l2=0.01)
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(
        f"Could not interpret regularizer identifier: {identifier!r}. Expected None, a "
        f"name ({', '.join(sorted(ALL_OBJECTS_DICT))}, l1_l2), a config dict, or a "
        "callable."
    )
