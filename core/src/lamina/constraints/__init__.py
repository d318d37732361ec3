"""lamina.constraints: the `keras.constraints` namespace.

Example:
    >>> c = lamina.constraints.get("max_norm")  # MaxNorm(max_value=2, axis=0)
    >>> lamina.constraints.serialize(c)["class_name"]
    'MaxNorm'
"""

from __future__ import annotations

import inspect

from lamina.constraints.constraints import Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]

# The string names Keras's get/deserialize accept: class names and their snake_case.
ALL_OBJECTS_DICT = {
    "Constraint": Constraint,
    "constraint": Constraint,
    "MaxNorm": MaxNorm,
    "max_norm": MaxNorm,
    "MinMaxNorm": MinMaxNorm,
    "min_max_norm": MinMaxNorm,
    "NonNeg": NonNeg,
    "non_neg": NonNeg,
    "UnitNorm": UnitNorm,
    "unit_norm": UnitNorm,
}


def serialize(constraint):
    """Return the Keras-schema config dict of a constraint.

    Example:
        >>> serialize(NonNeg())
        {'module': 'keras.constraints', 'class_name': 'NonNeg', 'config': {},
         'registered_name': None}
    """
    from lamina.saving import serialization_lib

    return serialization_lib.serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """Return a constraint from a config dict (or a name such as `"MaxNorm"`).

    Args:
        config: a dict from `serialize` (lamina's or Keras's), or a name.
        custom_objects: dict of custom constraint classes or functions by name.

    Example:
        >>> deserialize({"class_name": "MaxNorm", "config": {"max_value": 3}}).max_value
        3
    """
    from lamina.saving import serialization_lib

    return serialization_lib.deserialize_keras_object(
        config, module_objects=ALL_OBJECTS_DICT, custom_objects=custom_objects
    )


def get(identifier):
    """Return a constraint from None, a name, a config dict, a class or a callable.

    Raises:
        ValueError: the identifier is not a known name, dict or callable.

    Example:
        >>> get("non_neg")  # a NonNeg instance
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if inspect.isclass(obj) else obj
    raise ValueError(
        f"Could not interpret constraint identifier: {identifier!r}. Expected None, a name "
        f"({', '.join(sorted(ALL_OBJECTS_DICT))}), a config dict, or a callable."
    )
