"""lamina.saving: the `keras.saving` serialization API (configs in Keras 3's schema).

Example:
    >>> config = lamina.saving.serialize_keras_object(lamina.regularizers.L2(0.1))
    >>> lamina.saving.deserialize_keras_object(config)
"""

from lamina.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.saving.serialization_lib import (
    deserialize_keras_object,
    serialize_keras_object,
)

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
]
