"""lamina.initializers: the `keras.initializers` namespace.

Initializers are callables `init(shape, dtype=None)` returning a tensor. `get` turns
an identifier (a name, a config dict, a class, an instance, a callable, an array or
None) into one; `serialize`/`deserialize` convert to and from the Keras config format.

Example:
    >>> from lamina import initializers
    >>> init = initializers.get("glorot_uniform")
    >>> init((3, 4)).shape
    (3, 4)
"""

from __future__ import annotations

import inspect

import numpy as np

from lamina import ops
from lamina.backend import standardize_dtype
from lamina.initializers.constant_initializers import STFT, Constant, Identity, Ones, Zeros
from lamina.initializers.initializer import Initializer
from lamina.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)

# Keras exports every class under a snake_case name too, plus the *Initializer names.
constant = Constant
zeros = Zeros
ones = Ones
identity = IdentityInitializer = Identity
stft = STFTInitializer = STFT
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = OrthogonalInitializer = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling

__all__ = [
    "STFT",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomNormal",
    "RandomUniform",
    "STFTInitializer",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "stft",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]

ALL_OBJECTS = (
    Initializer,
    Constant,
    Identity,
    Ones,
    STFT,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)

# Every name a config may use for a built-in: class names, their snake_case forms
# (as Keras's to_snake_case spells them) and Keras's aliases.
_SNAKE = {
    "Initializer": "initializer",
    "Constant": "constant",
    "Identity": "identity",
    "Ones": "ones",
    "STFT": "stft",
    "Zeros": "zeros",
    "GlorotNormal": "glorot_normal",
    "GlorotUniform": "glorot_uniform",
    "HeNormal": "he_normal",
    "HeUniform": "he_uniform",
    "LecunNormal": "lecun_normal",
    "LecunUniform": "lecun_uniform",
    "Orthogonal": "orthogonal",
    "RandomNormal": "random_normal",
    "RandomUniform": "random_uniform",
    "TruncatedNormal": "truncated_normal",
    "VarianceScaling": "variance_scaling",
}
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({_SNAKE[cls.__name__]: cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "IdentityInitializer": Identity,
        "normal": RandomNormal,
        "one": Ones,
        "STFTInitializer": STFT,
        "OrthogonalInitializer": Orthogonal,
        "uniform": RandomUniform,
        "zero": Zeros,
    }
)


def serialize(initializer):
    """Return the Keras config dict of an initializer.

    Args:
        initializer: an `Initializer` (or a registered custom object).

    Example:
        >>> serialize(Constant(3.0))["config"]
        {'value': 3.0}
    """
    from lamina.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(initializer)


def _builtin(name, config, custom_objects):
    """The initializer a name (and its inner config) describes, or None if unknown."""
    from lamina.saving.object_registration import get_registered_object

    cls = get_registered_object(name, custom_objects, ALL_OBJECTS_DICT)
    if cls is None:
        return None
    if inspect.isclass(cls):
        return cls.from_config(config or {})
    return cls


def deserialize(config, custom_objects=None):
    """Return the initializer described by `config` (a name or a config dict).

    Args:
        config: a name (`"he_normal"`, `"Zeros"`, ...) or a dict as `serialize` returns.
        custom_objects: optional dict of `{name: class}` to look in besides the
            registered objects and the built-ins.

    Example:
        >>> deserialize("zeros")
        <lamina.initializers.constant_initializers.Zeros object at ...>
    """
    if isinstance(config, str):
        obj = _builtin(config, {}, custom_objects)
        if obj is None:
            raise ValueError(
                f"Unknown initializer: '{config}'. Expected one of {sorted(ALL_OBJECTS_DICT)} "
                "or a registered custom object."
            )
        return obj
    if isinstance(config, dict) and "class_name" in config:
        from lamina.saving.object_registration import get_registered_object

        registered = config.get("registered_name")
        # A registered custom class wins over a built-in of the same class name.
        if not (registered and get_registered_object(registered, custom_objects)):
            module = config.get("module")
            if module in (None, "keras.initializers") or config["class_name"] in (
                custom_objects or {}
            ):
                obj = _builtin(config["class_name"], config.get("config"), custom_objects)
                if obj is not None:
                    return obj
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


def get(identifier):
    """Return an initializer from an identifier.

    Args:
        identifier: None (returns None), a name (`"glorot_uniform"`), a config dict,
            an initializer class (instantiated with no arguments), a callable
            `fn(shape, dtype=None)`, or a tensor/NumPy array whose values are used
            as they are (the requested shape must equal the array's).

    Raises:
        ValueError: the identifier names no initializer.

    Example:
        >>> get("ones")((2,)).numpy()
        array([1., 1.], dtype=float32)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = _builtin(identifier, {}, None)
    elif ops.is_tensor(identifier) or isinstance(identifier, (np.generic, np.ndarray)):
        obj = _array_initializer(identifier)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


def _array_initializer(value):
    def initialize_fn(shape, dtype=None):
        dtype = standardize_dtype(dtype)
        if tuple(shape) != tuple(value.shape):
            raise ValueError(
                f"Expected `shape` to be {tuple(value.shape)} for direct tensor as "
                f"initializer. Received shape={shape}"
            )
        return ops.cast(value, dtype)

    return initialize_fn
