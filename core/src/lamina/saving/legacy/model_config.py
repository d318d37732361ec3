"""The `model_config` of a Keras 2 `.h5` file: written in Keras's legacy form, read back.

Keras writes the layers of a Sequential or Functional model (nested ones included) in
the legacy form `{"class_name": <registered name>, "config": {...}}`, without `module`,
`registered_name` or `build_config`; objects inside a layer's config keep Keras 3's
form. Reading gives every such module-less layer config the module lamina resolves it
through, after Keras's own rewrites for Keras 2 configs (`batch_input_shape`, list
`axis`, old Lambda tuples).
"""

from __future__ import annotations

import functools
import json

import numpy as np

from lamina.saving import object_registration
from lamina.saving._keras_ops import KERAS_OP_CLASSES
from lamina.saving.serialization_lib import serialize_keras_object

# Keys a layer config carries that Keras's legacy form leaves out.
_MODERN_ONLY_KEYS = ("module", "registered_name", "build_config", "compile_config")
# Model classes Keras 2 files name, and the module lamina resolves each through.
_MODEL_MODULES = {
    "Functional": "keras.src.models.functional",
    "Model": "keras.models",
    "Sequential": "keras.models",
}
# Arguments of Keras 2 Lambda layers that Keras 3 no longer has.
_LAMBDA_DROPPED_ARGS = ("module", "function_type", "output_shape_type", "output_shape_module")


def legacy_model_config(model) -> dict:
    """`{"class_name", "config"}` of `model` as Keras writes it into a `.h5` file.

    Example:
        >>> legacy_model_config(model)["config"]["layers"][0]
        {'class_name': 'InputLayer', 'config': {...}}
    """
    config = model.get_config()
    if _has_layer_list(type(model).__name__, config):
        config = {**config, "layers": [_legacy_layer(entry) for entry in config["layers"]]}
        return {"class_name": type(model).__name__, "config": config}
    # A subclassed model: its input shape is needed to create its weights on loading.
    # Keras's legacy form has no place for it, and Keras ignores this extra key.
    legacy = {"class_name": type(model).__name__, "config": config}
    build_config = model.get_build_config() if model.built else None
    if build_config is not None:
        legacy["build_config"] = serialize_keras_object(build_config)
    return legacy


def model_config_to_json(config: dict) -> str:
    """JSON text of a config (NumPy values as plain numbers and lists)."""
    return json.dumps(config, default=_json_default)


def upgrade_legacy_config(config, custom_objects=None):
    """A copy of `config` in which each module-less layer config has a module.

    Args:
        config: the decoded `model_config` of a `.h5` file (Keras 3 or Keras 2 wrote it).
        custom_objects: `{name: class}` given to the loader; these names keep no module
            so they resolve as custom objects.

    Raises:
        ValueError: `config` is not a `{"class_name", "config"}` dict.

    Example:
        >>> upgrade_legacy_config({"class_name": "Dense", "config": {"name": "d", "units": 2}})
        {'class_name': 'Dense', 'config': {'name': 'd', 'units': 2}, 'module': 'keras.layers',
         'registered_name': None}
    """
    if (
        not isinstance(config, dict)
        or not isinstance(config.get("class_name"), str)
        or not isinstance(config.get("config"), dict)
    ):
        raise ValueError(
            "The `model_config` of the file is not a valid Keras configuration: expected a "
            f"dict with 'class_name' and 'config' keys. Received: {str(config)[:200]}"
        )
    return _upgrade(config, custom_objects or {})


def _has_layer_list(class_name, config) -> bool:
    """Whether `config` is a Sequential's or a Functional's (layers in the legacy form)."""
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        return False
    return class_name == "Sequential" or ("input_layers" in config and "output_layers" in config)


def _legacy_layer(entry):
    if not isinstance(entry, dict) or "class_name" not in entry:
        return entry
    legacy = {key: value for key, value in entry.items() if key not in _MODERN_ONLY_KEYS}
    legacy["class_name"] = entry.get("registered_name") or entry["class_name"]
    inner = entry.get("config")
    if _has_layer_list(entry["class_name"], inner):
        legacy["config"] = {**inner, "layers": [_legacy_layer(e) for e in inner["layers"]]}
    return legacy


def _upgrade(value, custom_objects):
    if isinstance(value, list):
        return [_upgrade(item, custom_objects) for item in value]
    if not isinstance(value, dict):
        return value
    value = {key: _upgrade(item, custom_objects) for key, item in value.items()}
    inner = value.get("config")
    if "module" in value or "class_name" not in value:
        return value
    if not isinstance(inner, dict) or "name" not in inner:
        return value
    module = _module_of(value["class_name"], inner, custom_objects)
    if module is None:
        registered = _registered_name_of(value["class_name"], custom_objects)
        if registered is not None:
            value["registered_name"] = registered
        return value
    value["config"] = _rewrite_keras2_arguments(value["class_name"], inner)
    value["module"] = module
    # Public classes have no registered name; ops and `Functional` are registered by class.
    public = module in ("keras.layers", "keras.models")
    value["registered_name"] = None if public else value["class_name"]
    return value


def _module_of(class_name, inner, custom_objects):
    """The Keras module of a built-in layer, model or op class name; None for others."""
    if not isinstance(class_name, str) or ">" in class_name:
        return None  # a registered custom or plugin name: resolved by that name
    if object_registration.get_registered_object(class_name, custom_objects) is not None:
        return None
    if class_name in _MODEL_MODULES:
        return _MODEL_MODULES[class_name]
    op_area = _op_areas().get(class_name)
    # Op nodes have no `trainable` (layers always do): "Add" may be either.
    if op_area is not None and "trainable" not in inner:
        return f"keras.src.ops.{op_area}"
    if _is_layer_name(class_name):
        return "keras.layers"
    return f"keras.src.ops.{op_area}" if op_area is not None else None


def _registered_name_of(class_name, custom_objects):
    """The one `"package>Name"` registered for a bare `Name`, else None.

    Keras writes a custom model's own class under its bare class name, which Keras
    itself then cannot find among registered objects.
    """
    if not isinstance(class_name, str) or ">" in class_name or class_name in custom_objects:
        return None
    if object_registration.get_registered_object(class_name) is not None:
        return None
    names = [
        name
        for name in object_registration.get_custom_objects()
        if name.rpartition(">")[2] == class_name and ">" in name
    ]
    return names[0] if len(names) == 1 else None


def _is_layer_name(class_name) -> bool:
    import lamina.layers

    try:
        getattr(lamina.layers, class_name)
    except AttributeError:
        return False
    except ImportError:  # a plugin layer whose plugin is missing: loading says so
        return True
    return True


@functools.cache
def _op_areas() -> dict:
    return {class_name: area for area, class_name, _ in KERAS_OP_CLASSES.values()}


def _rewrite_keras2_arguments(class_name, inner) -> dict:
    """Keras's rewrites of Keras 2 layer arguments (`saving_utils.model_from_config`)."""
    inner = dict(inner)
    if class_name == "InputLayer" and "batch_input_shape" in inner:
        inner["batch_shape"] = inner.pop("batch_input_shape")
    axis = inner.get("axis")
    if isinstance(axis, list) and len(axis) == 1:
        inner["axis"] = int(axis[0])
    elif isinstance(axis, float):
        inner["axis"] = int(axis)
    if class_name == "Lambda":
        for name in _LAMBDA_DROPPED_ARGS:
            inner.pop(name, None)
        function = inner.get("function")
        if isinstance(function, list) and len(function) == 3:
            code, defaults, closure = function
            inner["function"] = {
                "class_name": "__lambda__",
                "config": {"code": code, "defaults": defaults, "closure": closure},
            }
    return inner


def _json_default(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.dtype):
        return value.name
    raise TypeError(f"Cannot write {type(value).__name__} {value!r} into the model config.")
