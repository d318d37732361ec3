"""lamina.saving: the `keras.saving` API: configs in Keras 3's schema, and the `.keras`,
`.weights.h5` and legacy `.h5` files (h5py is imported only when a file is used).

Example:
    >>> config = lamina.saving.serialize_keras_object(lamina.regularizers.L2(0.1))
    >>> lamina.saving.deserialize_keras_object(config)
    >>> lamina.saving.save_model(model, "model.keras")  # doctest: +SKIP
"""

from lamina.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.saving.saving_api import load_model, load_weights, save_model, save_weights
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
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
