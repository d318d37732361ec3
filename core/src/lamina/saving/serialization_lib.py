"""`serialize_keras_object` / `deserialize_keras_object` in Keras 3's config schema.

Every object becomes `{"module", "class_name", "config", "registered_name"}` (plus
`"build_config"`, `"compile_config"`, `"shared_object_id"` when they apply), with the
module names Keras writes (`"keras.layers"`, `"keras"`, `"keras.src.models.functional"`,
`"keras.src.ops.numpy"`, ...), so configs pass between lamina and Keras both ways.

Keras module paths map to lamina namespaces by name only, and lookups go through those
namespaces at call time: a layer provided by a plugin (`lamina.layers.Conv2D` from
`lamina-layers-conv`) loads when the plugin is installed and raises
`PluginNotInstalledError` naming the distribution otherwise. Classes a third-party plugin
registers as `"acme>Scale"` serialize with that registered name and load through the
plugin registry.
"""

from __future__ import annotations

import base64
import builtins
import importlib
import marshal
import threading
import types

import numpy as np

from lamina.saving import object_registration
from lamina.saving._keras_ops import KERAS_OP_CLASSES

PLAIN_TYPES = (str, int, float, bool)

# Keras public module -> lamina module that holds the same names.
_NAMESPACES = {
    "keras": "lamina",
    "keras.layers": "lamina.layers",
    "keras.models": "lamina.models",
    "keras.initializers": "lamina.initializers",
    "keras.regularizers": "lamina.regularizers",
    "keras.constraints": "lamina.constraints",
    "keras.activations": "lamina.activations",
    "keras.optimizers": "lamina.optimizers",
    "keras.optimizers.schedules": "lamina.optimizers.schedules",
    "keras.losses": "lamina.losses",
    "keras.metrics": "lamina.metrics",
    "keras.callbacks": "lamina.callbacks",
    "keras.dtype_policies": "lamina.dtype_policies",
    "keras.quantizers": "lamina.quantizers",
    "keras.saving": "lamina.saving",
}
# Classes Keras exports first under `keras.<Name>` (so that is the module it writes), and
# where lamina defines them when the top-level `lamina` namespace does not hold them.
_TOP_LEVEL = {
    "DTypePolicy": "lamina.dtype_policies",
    "FloatDTypePolicy": "lamina.dtype_policies",
    "Initializer": "lamina.initializers",
    "InputSpec": "lamina.layers",
    "Layer": "lamina.layers",
    "Loss": "lamina.losses",
    "Metric": "lamina.metrics",
    "Model": "lamina.models",
    "Optimizer": "lamina.optimizers",
    "Regularizer": "lamina.regularizers",
    "Sequential": "lamina.models",
}
# Classes Keras does not export; it writes their defining module and registered name.
_INTERNAL = {
    "Functional": ("keras.src.models.functional", "lamina.models.functional"),
    "LossFunctionWrapper": ("keras.src.losses.losses", "lamina.losses"),
}
# Plugin registry kind -> the Keras module its plain (first-party) names belong to.
_KIND_MODULES = {
    "layers": "keras.layers",
    "optimizers": "keras.optimizers",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "initializers": "keras.initializers",
    "callbacks": "keras.callbacks",
}
# Namespaces searched for a plain function name (`{"module": "builtins", ...}` configs).
_BUILTIN_FUNCTION_MODULES = (
    "keras.activations",
    "keras.losses",
    "keras.metrics",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.optimizers",
)
# Public Keras functions that configs must never call (same list as Keras: not modeling).
_NON_MODELING = frozenset(
    {
        "keras.models.load_model",
        "keras.models.model_from_json",
        "keras.models.save_model",
        "keras.saving.deserialize_keras_object",
        "keras.saving.load_model",
        "keras.saving.load_weights",
        "keras.saving.register_keras_serializable",
        "keras.saving.save_model",
        "keras.saving.save_weights",
        "keras.saving.serialize_keras_object",
        "keras.config.enable_unsafe_deserialization",
    }
)
_OP_BY_CLASS = {(f"keras.src.ops.{m}", c): fn for fn, (m, c, _) in KERAS_OP_CLASSES.items()}

_state = threading.local()  # .safe_mode, .shared_configs, .shared_objects


class SafeModeScope:
    """Within the block, `deserialize_keras_object` uses this `safe_mode` (None: unchanged).

    Example:
        >>> with SafeModeScope(False):
        ...     fn = deserialize_keras_object(lambda_config)
    """

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode
        self._backup = None

    def __enter__(self):
        self._backup = getattr(_state, "safe_mode", None)
        _state.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc_info):
        _state.safe_mode = self._backup


def in_safe_mode():
    """The safe mode of the innermost `SafeModeScope`, or None outside any."""
    return getattr(_state, "safe_mode", None)


class ObjectSharingScope:
    """Within the block, an object serialized twice gets a `shared_object_id` and loads once.

    Example:
        >>> with ObjectSharingScope():
        ...     config = serialize_keras_object(model)
    """

    def __enter__(self):
        self._backup = (
            getattr(_state, "shared_configs", None),
            getattr(_state, "shared_objects", None),
        )
        _state.shared_configs = {}
        _state.shared_objects = {}
        return self

    def __exit__(self, *exc_info):
        _state.shared_configs, _state.shared_objects = self._backup


# ---------------------------------------------------------------------------- serialize


def serialize_keras_object(obj):
    """Return the Keras-schema config of `obj` (a JSON-compatible structure).

    Args:
        obj: a lamina object with `get_config` (layer, initializer, regularizer, ...), a
            function, a plain value, a list/tuple/dict of those, a NumPy array or a Tensor.

    Returns:
        Plain values as they are; objects as `{"module", "class_name", "config",
        "registered_name"}` dicts (with `build_config`/`compile_config` when the object
        provides them).

    Raises:
        TypeError: the object has no `get_config` and is not a supported value.

    Example:
        >>> serialize_keras_object(lamina.regularizers.L2(0.1))
        {'module': 'keras.regularizers', 'class_name': 'L2', 'config': {'l2': 0.1},
         'registered_name': None}
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return serialize_dict(obj)
    special = _serialize_special(obj)
    if special is not None:
        return special
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            return {"class_name": "__lambda__", "config": {"value": func_dump(obj)}}
        # Keras writes every function this way, its own included: the name is the key.
        return {
            "module": "builtins",
            "class_name": "function",
            "config": object_registration.get_registered_name(obj),
            "registered_name": "function",
        }
    if isinstance(obj, OpCall):
        config = obj.keras_config()
        _record_serialized(obj, config)
        return config
    if isinstance(obj, type) or not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize object {obj!r} of type {type(obj).__name__}: to be "
            "serializable, a class must implement get_config()."
        )
    inner = obj.get_config()
    if not isinstance(inner, dict):
        raise TypeError(
            f"The get_config() method of {obj!r} should return a dict, it returned {inner!r}."
        )
    module, class_name, registered_name = class_identity(type(obj))
    config = {
        "module": module,
        "class_name": class_name,
        "config": serialize_dict(inner),
        "registered_name": registered_name,
    }
    _add_build_and_compile_config(obj, config)
    _record_serialized(obj, config)
    return config


def serialize_dict(obj):
    """Serialize each value of a dict (keys kept as they are)."""
    return {key: serialize_keras_object(value) for key, value in obj.items()}


def class_identity(cls) -> tuple[str | None, str, str | None]:
    """The `(module, class_name, registered_name)` Keras writes for instances of `cls`.

    Public lamina classes give their Keras namespace (`("keras.layers", "Dense", None)`);
    plugin classes their registered name; custom classes their module and the name from
    `register_keras_serializable` (or the class name), as Keras does.

    Example:
        >>> class_identity(lamina.regularizers.L2)
        ('keras.regularizers', 'L2', None)
    """
    name = cls.__name__
    if name in _INTERNAL and _lookup_lamina(_INTERNAL[name][1], name) is cls:
        return _INTERNAL[name][0], name, name
    public = _public_module(cls)
    if public is not None:
        return public, name, None
    plugin = _plugin_identity(cls)
    if plugin is not None:
        return plugin
    module = cls.__module__
    if module == "__main__":
        module = None  # Keras writes null for classes defined in a script
    return module, name, object_registration.get_registered_name(cls)


def serialize_op(fn, name=None, **static_kwargs):
    """The Keras operation-class config of a `lamina.ops` function used as a graph node.

    Args:
        fn: the op function (e.g. `lamina.ops.not_equal`) or its name.
        name: the node name (defaults to the function name, as Keras names ops).
        **static_kwargs: the op's non-tensor arguments that Keras keeps in the
            operation's config (e.g. `axis=1` for `sum`).

    Example:
        >>> serialize_op(lamina.ops.not_equal)
        {'module': 'keras.src.ops.numpy', 'class_name': 'NotEqual',
         'config': {'name': 'not_equal'}, 'registered_name': 'NotEqual'}
    """
    fn_name = fn if isinstance(fn, str) else fn.__name__
    return OpCall(fn_name, name=name, **static_kwargs).keras_config()


class OpCall:
    """A `lamina.ops` function bound to static arguments: what an op node of a config loads as.

    Calling it calls the op with the tensor arguments given and the static ones bound;
    `name` is the node name used by `keras_history` references.

    Example:
        >>> op = OpCall("sum", axis=1)
        >>> op(lamina.ops.ones((2, 3))).shape
        (2,)
    """

    def __init__(self, fn, name=None, **static_kwargs):
        self.fn_name = fn if isinstance(fn, str) else fn.__name__
        self.name = name or self.fn_name
        self.static_kwargs = static_kwargs
        self._fn = None if isinstance(fn, str) else fn

    @property
    def fn(self):
        if self._fn is None:
            self._fn = _lookup_op(self.fn_name)
        return self._fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **self.static_kwargs, **kwargs)

    def get_config(self):
        return {"name": self.name, **self.static_kwargs}

    def keras_config(self) -> dict:
        """This op's config in Keras's schema (module `keras.src.ops.<area>`)."""
        entry = KERAS_OP_CLASSES.get(self.fn_name)
        config = serialize_dict(self.get_config())
        if entry is None:  # an op Keras does not have (a plugin op): keep lamina's name
            return {
                "module": "lamina.ops",
                "class_name": self.fn_name,
                "config": config,
                "registered_name": self.fn_name,
            }
        area, class_name, _ = entry
        return {
            "module": f"keras.src.ops.{area}",
            "class_name": class_name,
            "config": config,
            "registered_name": class_name,
        }

    def __repr__(self) -> str:
        return f"OpCall({self.fn_name!r}, name={self.name!r}, **{self.static_kwargs!r})"


# -------------------------------------------------------------------------- deserialize


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuild the object described by a Keras-schema config.

    Args:
        config: what `serialize_keras_object` (lamina's or Keras's) returned, or a plain
            value / list / dict of those.
        custom_objects: dict of `{name: class or function}` for custom objects.
        safe_mode: refuse to load Python lambdas (bytecode) when True.
        **kwargs: `module_objects`, a dict of `{name: object}` in which a bare name or a
            config's class name is looked up first (what `regularizers.deserialize`
            passes, as in Keras).

    Returns:
        The object; classes are built with `cls.from_config(config["config"])`, then
        `build_from_config` / `compile_from_config` when the config has those parts.

    Raises:
        TypeError: the class cannot be located (the message says how to register it).
        PluginNotInstalledError: a plugin that provides the class is not installed.
        ValueError: a lambda in safe mode, or a non-modeling Keras API.

    Example:
        >>> reg = deserialize_keras_object(
        ...     {"module": "keras.regularizers", "class_name": "L2",
        ...      "config": {"l2": 0.1}, "registered_name": None})
    """
    scoped = in_safe_mode()
    safe_mode = scoped if scoped is not None else safe_mode
    module_objects = kwargs.pop("module_objects", None)
    if kwargs:
        raise TypeError(f"deserialize_keras_object: unexpected arguments {sorted(kwargs)}.")
    custom_objects = {
        **(custom_objects or {}),
        **object_registration._scope_objects(),
        **object_registration._GLOBAL_CUSTOM_OBJECTS,
    }
    if config is None:
        return None
    if isinstance(config, str) and custom_objects.get(config) is not None:
        return custom_objects[config]  # a plain function saved by its name (legacy form)
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
    if module_objects is not None:
        found = _from_module_objects(config, module_objects, custom_objects, safe_mode)
        if found is not _MISSING:
            return found
    if isinstance(config, PLAIN_TYPES):
        return config
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {
            key: deserialize_keras_object(value, custom_objects, safe_mode)
            for key, value in config.items()
        }
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _deserialize_special(class_name, inner, custom_objects, safe_mode)
    if special is not _MISSING:
        return special

    module = config.get("module")
    registered_name = config.get("registered_name", class_name)
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError(
                f"Expected 'config' to be a function name (str), received {inner!r}. "
                f"Full config: {config}"
            )
        return _retrieve(inner, registered_name, module, "function", config, custom_objects)
    if not isinstance(inner, dict):
        raise TypeError(
            f"Expected 'config' to be a dict for {class_name}, received {inner!r}. "
            f"Full config: {config}"
        )
    if "shared_object_id" in config:
        shared = (getattr(_state, "shared_objects", None) or {}).get(config["shared_object_id"])
        if shared is not None:
            return shared

    op_fn = _op_name(module, class_name)
    if op_fn is not None and (
        object_registration.get_registered_object(registered_name, custom_objects) is None
    ):
        static = {
            k: deserialize_keras_object(v, custom_objects, safe_mode)
            for k, v in inner.items()
            if k != "name"
        }
        _lookup_op(op_fn)  # fail now, with a clear error, if the op is unavailable
        instance = OpCall(op_fn, name=inner.get("name"), **static)
    else:
        cls = _retrieve(class_name, registered_name, module, "class", config, custom_objects)
        if isinstance(cls, types.FunctionType):
            return cls
        instance = _instantiate(cls, config, inner, custom_objects, safe_mode)
    if "shared_object_id" in config:
        shared_objects = getattr(_state, "shared_objects", None)
        if shared_objects is not None:
            shared_objects[config["shared_object_id"]] = instance
    return instance


def _instantiate(cls, config, inner, custom_objects, safe_mode):
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Unable to reconstruct an instance of {config['class_name']!r}: the class has "
            f"no from_config() method. Full object config: {config}"
        )
    with object_registration.CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        try:
            instance = cls.from_config(inner)
        except TypeError as err:
            raise TypeError(
                f"{cls.__name__} could not be deserialized: {err}. Make sure objects "
                "returned inside get_config() (layers, models, ...) are deserialized "
                f"explicitly in from_config(). Full object config: {config}"
            ) from err
        build_config = config.get("build_config")
        if build_config and not getattr(instance, "built", True):
            instance.build_from_config(build_config)
            instance.built = True
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
            instance.compiled = True
    return instance


_MISSING = object()


def _from_module_objects(config, module_objects, custom_objects, safe_mode):
    """Keras's `module_objects` path: bare names and class names resolve in that dict."""
    inner = None
    if isinstance(config, dict):
        if "class_name" not in config:
            raise ValueError(f"Unknown `config` as a `dict`, config={config}")
        inner = config.get("config")
        class_name = config["class_name"]
        if (
            class_name in custom_objects
            or config.get("registered_name") in custom_objects
            or (isinstance(inner, str) and inner in custom_objects)
        ):
            return _MISSING  # a custom object: the general path finds it
        if class_name == "function":
            key = inner if config.get("module") == "builtins" else config.get("registered_name")
        else:
            if config.get("module", "_") is None:
                raise TypeError(
                    f"Cannot deserialize object of type {class_name!r}. If it is a custom "
                    "class, register it with @lamina.saving.register_keras_serializable()."
                )
            key = class_name
    elif isinstance(config, str):
        key = config
    else:
        return _MISSING
    if key not in module_objects:
        # Keras returns the value itself (an already deserialized object or an unknown name).
        return config if isinstance(config, str) else _MISSING
    obj = module_objects[key]
    if isinstance(obj, types.FunctionType):
        return obj
    module, class_name, registered_name = class_identity(obj)
    full = {
        "module": module,
        "class_name": class_name,
        "config": inner,
        "registered_name": registered_name,
    }
    return deserialize_keras_object(full, custom_objects, safe_mode)


def _retrieve(name, registered_name, module, obj_type, full_config, custom_objects):
    """Find the class or function of a config (Keras's lookup order, lamina namespaces)."""
    key = name if obj_type == "function" else registered_name
    found = object_registration.get_registered_object(key, custom_objects)
    if found is not None:
        return found
    if obj_type == "class" and isinstance(registered_name, str) and ">" in registered_name:
        found = _lookup_plugin_name(registered_name)
        if found is not None:
            return found
    if module:
        if module == "keras" or module.startswith("keras."):
            api_name = f"{module}.{name}"
            if api_name in _NON_MODELING:
                raise ValueError(
                    f"Cannot deserialize {api_name!r}: it is not a modeling function, and "
                    "configs may only contain layers, ops, losses, metrics, other modeling "
                    "objects, or registered custom objects."
                )
            found = _lookup_keras_module(module, name)
            if found is not None:
                return found
        if obj_type == "function" and module == "builtins":
            not_installed = None
            for keras_module in _BUILTIN_FUNCTION_MODULES:
                try:
                    found = _lookup_lamina(_NAMESPACES[keras_module], name, raise_missing=True)
                except ImportError as err:
                    not_installed = not_installed or err
                    continue
                if found is not None:
                    return found
            if ">" not in name:  # Keras <= 3.6 saved registered functions by bare name
                for custom_name, custom_obj in custom_objects.items():
                    if custom_name.endswith(f">{name}"):
                        return custom_obj
            if not_installed is not None:
                raise not_installed
        if module == "lamina" or module.startswith("lamina."):
            try:
                mod = importlib.import_module(module)
            except ModuleNotFoundError:
                raise TypeError(
                    f"Could not deserialize {obj_type} {name!r}: its module {module} cannot "
                    f"be imported. Full object config: {full_config}"
                ) from None
            found = vars(mod).get(name)
            if isinstance(found, type) and hasattr(found, "from_config"):
                return found
    raise TypeError(
        f"Could not locate {obj_type} {name!r}. Make sure custom classes and functions are "
        "decorated with @lamina.saving.register_keras_serializable() (or passed in "
        "custom_objects), and that the module defining them is imported before loading. "
        f"Full object config: {full_config}"
    )


def _lookup_keras_module(module, name):
    """The lamina object for `keras.<module>.<name>`, `keras.src.<area>...` paths included."""
    if module == "keras":
        found = _lookup_lamina("lamina", name)
        if found is None and name in _TOP_LEVEL:
            found = _lookup_lamina(_TOP_LEVEL[name], name, raise_missing=True)
        return found
    if module in _NAMESPACES:
        return _lookup_lamina(_NAMESPACES[module], name, raise_missing=True)
    for internal_module, lamina_module in _INTERNAL.values():
        if module == internal_module:
            return _lookup_lamina(lamina_module, name, raise_missing=True)
    parts = module.split(".")
    if len(parts) >= 3 and parts[1] == "src":  # keras.src.layers.core.dense -> keras.layers
        public = f"keras.{parts[2]}"
        if public in _NAMESPACES:
            return _lookup_lamina(_NAMESPACES[public], name, raise_missing=True)
    return None


def _lookup_lamina(module_name, name, raise_missing=False):
    """`getattr(module, name)` or None; a missing plugin's ImportError passes when asked."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None  # this lamina namespace is not part of this installation
    try:
        return getattr(module, name)
    except AttributeError:
        return None
    except ImportError:
        if raise_missing:
            raise
        return None


def _lookup_plugin_name(registered_name):
    """The object a plugin registered as `"package>Name"`, in any registry kind, or None."""
    from lamina import plugins

    not_installed = None
    for kind in plugins.KINDS:
        try:
            return plugins.get(kind, registered_name)
        except plugins.PluginNotInstalledError as err:
            not_installed = not_installed or err
        except (plugins.UnknownNameError, plugins.AmbiguousNameError):
            continue
    if not_installed is not None:
        raise not_installed
    return None


def _lookup_op(fn_name):
    from lamina import ops, plugins

    fn = getattr(ops, fn_name, None)
    if fn is not None and callable(fn):
        return fn
    return plugins.get("ops", fn_name)


def _op_name(module, class_name):
    """The `lamina.ops` function name of a Keras operation-class config, else None."""
    if not module:
        return None
    if module.startswith("keras.src.ops."):
        fn = _OP_BY_CLASS.get((module, class_name))
        if fn is None:
            raise TypeError(
                f"Could not locate operation {module}.{class_name}: lamina has no op for it."
            )
        return fn
    if module == "lamina.ops":
        return class_name
    return None


def _public_module(cls):
    """The Keras public module of a lamina class that lamina exports, else None."""
    module = cls.__module__
    if module != "lamina" and not module.startswith("lamina."):
        return None
    name = cls.__name__
    if name in _TOP_LEVEL and (
        _lookup_lamina("lamina", name) is cls or _lookup_lamina(_TOP_LEVEL[name], name) is cls
    ):
        return "keras"
    sub = module.split(".")[1] if "." in module else ""
    for keras_module, lamina_module in _NAMESPACES.items():
        if lamina_module.split(".")[1:2] == [sub] and _lookup_lamina(lamina_module, name) is cls:
            return keras_module
    return None


def _plugin_identity(cls):
    """`(module, class_name, registered_name)` of a class a plugin registered, else None."""
    from lamina import plugins

    for kind in _KIND_MODULES:
        try:
            registry = plugins.get_registry(kind)
        except Exception:  # a broken plugin must not stop serializing other objects
            continue
        name = registry.registered_name(cls)
        if name is None:
            continue
        if ">" in name:
            return cls.__module__, cls.__name__, name
        return _KIND_MODULES[kind], name, None
    return None


def _add_build_and_compile_config(obj, config):
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            config["build_config"] = serialize_dict(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            config["compile_config"] = serialize_dict(compile_config)


def _record_serialized(obj, config):
    shared = getattr(_state, "shared_configs", None)
    if shared is None:
        return
    obj_id = id(obj)
    if obj_id not in shared:
        shared[obj_id] = config
    else:
        config["shared_object_id"] = obj_id
        shared[obj_id]["shared_object_id"] = obj_id


# ------------------------------------------------------------------------ special values


def _serialize_special(obj):
    """Configs of the values Keras encodes with `__name__` class names, else None."""
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if getattr(type(obj), "_is_symbolic", False):
        history = getattr(obj, "_keras_history", None)
        if history:
            history = list(history)
            history[0] = history[0].name
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": tuple(obj.shape),
                "dtype": obj.dtype,
                "keras_history": history,
            },
        }
    from lamina.autodiff import Tensor

    if isinstance(obj, Tensor):
        return _array_config("__tensor__", obj.numpy())
    module = type(obj).__module__
    if module == "numpy" or module.startswith("cupy"):
        array = obj.get() if module.startswith("cupy") else obj
        if isinstance(array, np.ndarray) and array.ndim > 0:
            return _array_config("__numpy__", array)
        if isinstance(array, np.dtype):
            return array.name
        return array.item()  # NumPy scalars become plain values, as in Keras
    return None


def _array_config(class_name, array):
    from lamina.backend import standardize_dtype

    return {
        "class_name": class_name,
        "config": {"value": array.tolist(), "dtype": standardize_dtype(array.dtype)},
    }


def _deserialize_special(class_name, inner, custom_objects, safe_mode):
    if class_name == "__tensor__":
        from lamina import ops

        return ops.convert_to_tensor(np.asarray(inner["value"], dtype=inner["dtype"]))
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        parts = [
            deserialize_keras_object(inner[k], custom_objects, safe_mode)
            for k in ("start", "stop", "step")
        ]
        return slice(*parts)
    if class_name == "__lambda__":
        if safe_mode:
            raise ValueError(
                "Requested the deserialization of a Python lambda. This carries a risk of "
                "arbitrary code execution and is disallowed by default. If you trust the "
                "source, pass safe_mode=False to the loading function."
            )
        return func_load(inner["value"])
    if class_name == "__keras_tensor__":
        from lamina.layers.symbolic import KerasTensor

        tensor = KerasTensor(tuple(inner["shape"]), dtype=inner["dtype"])
        tensor._pre_serialization_keras_history = inner["keras_history"]
        return tensor
    return _MISSING


def func_dump(func):
    """Serialize a Python function's bytecode as Keras does: `(code, defaults, closure)`.

    Example:
        >>> code, defaults, closure = func_dump(lambda x: x + 1)
    """
    code = base64.encodebytes(marshal.dumps(func.__code__)).decode("ascii")
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """Rebuild a function from `func_dump` output (CPython-version specific bytecode).

    Example:
        >>> func_load(func_dump(lambda x: x + 1))(1)
        2
    """
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(types.CellType(value) for value in closure)
    raw = base64.decodebytes(code.encode("ascii"))
    if globs is None:
        import lamina

        globs = {"__builtins__": builtins, "lamina": lamina, "ops": lamina.ops, "np": np}
    code_obj = marshal.loads(raw)
    return types.FunctionType(code_obj, globs, code_obj.co_name, defaults, closure)
