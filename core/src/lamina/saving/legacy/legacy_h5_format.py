"""Legacy Keras 2 `.h5` files: whole models (`model.save("m.h5")`) and weights.

The layout is Keras's (`keras/src/legacy/saving/legacy_h5_format.py`): root attributes
`model_config`, `training_config` (JSON), `backend`, `keras_version`; the layer-weights
tree under `model_weights` (at the root in weights-only files such as the official
keras.applications weights); optimizer variables under `optimizer_weights`. Files
written here load in Keras 3, and files from Keras 3, Keras 2 and tf.keras load here.

Every write goes to a temporary file in the target's folder, renamed over the target
when complete. Every read loads what it needs into memory and checks it before a model
changes, so a truncated, corrupted or mismatching file raises and changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings

import numpy as np

from lamina.saving.atomic_files import atomic_path
from lamina.saving.h5_store import h5py_module
from lamina.saving.legacy.h5_attributes import get_group, read_text_attribute
from lamina.saving.legacy.model_config import (
    legacy_model_config,
    model_config_to_json,
    upgrade_legacy_config,
)
from lamina.saving.legacy.training_config import (
    compile_args_from_training_config,
    training_config,
)
from lamina.saving.legacy.weight_matching import match_by_name, match_by_topology
from lamina.saving.legacy.weights_file import (
    BACKEND_NAME,
    KERAS_VERSION,
    read_model_weights,
    read_optimizer_weights,
    weights_group,
    write_model_weights,
    write_optimizer_weights,
)


def save_model_to_hdf5(model, filepath, overwrite=True, include_optimizer=True) -> None:
    """Save the model's config, weights and (optionally) compile config and optimizer state.

    Args:
        model: the model to save (its `get_config()` must work).
        filepath: the `.h5` path, or an open writable `h5py.File`.
        overwrite: when False and the file exists, ask before overwriting it.
        include_optimizer: also write the compile config and the optimizer's variables.

    Example:
        >>> save_model_to_hdf5(model, "model.h5")
    """
    h5py = h5py_module()
    # Everything is computed before the file system is touched.
    attributes = {
        "backend": np.bytes_(BACKEND_NAME),  # fixed-length (see `write_model_weights`)
        "keras_version": np.bytes_(KERAS_VERSION),
        "model_config": model_config_to_json(legacy_model_config(model)).encode("utf8"),
    }
    training = training_config(model) if include_optimizer else None
    if training is not None:
        attributes["training_config"] = model_config_to_json(training).encode("utf8")
    optimizer = getattr(model, "optimizer", None) if include_optimizer else None

    def write(h5_file):
        for key, value in attributes.items():
            h5_file.attrs[key] = value
        write_model_weights(h5_file.create_group("model_weights"), model)
        if optimizer is not None:
            write_optimizer_weights(h5_file, optimizer)
        h5_file.flush()

    _write(h5py, filepath, overwrite, write)


def save_weights_to_hdf5(model, filepath, overwrite=True) -> None:
    """Save the model's weights as a Keras 2 weights-only `.h5` file (tree at the root).

    Args:
        model: the model whose weights are saved.
        filepath: the `.h5` path, or an open writable `h5py.File`.
        overwrite: when False and the file exists, ask before overwriting it.

    Example:
        >>> save_weights_to_hdf5(model, "weights.h5")
    """
    _write(h5py_module(), filepath, overwrite, lambda h5_file: write_model_weights(h5_file, model))


def load_model_from_hdf5(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved in the legacy `.h5` format (by lamina, Keras 3, Keras 2 or tf.keras).

    Args:
        filepath: the `.h5` path, or an open `h5py.File`.
        custom_objects: `{name: class or function}` for custom objects in the configs.
        compile: compile the model from the saved training config and restore the
            optimizer state (a warning, and no compile, when the file has no config).
        safe_mode: refuse to deserialize Python lambdas (code); pass False only for
            files you trust.

    Returns:
        The model, with its weights loaded.

    Raises:
        ValueError: the file has no model config, is not valid HDF5, is truncated or
            corrupted, or its weights do not fit the model its config describes.

    Example:
        >>> model = load_model_from_hdf5("model.h5")
    """
    from lamina.saving.serialization_lib import SafeModeScope, deserialize_keras_object

    with _reading(filepath) as (h5py, h5_file, description):
        model_config = _json_attribute(h5_file, "model_config", description)
        if model_config is None:
            raise ValueError(_no_model_config_message(h5_file, description))
        saved = read_model_weights(
            h5py, get_group(h5py, h5_file, "model_weights", description), description
        )
        training = _json_attribute(h5_file, "training_config", description) if compile else None
        optimizer_values = (
            read_optimizer_weights(h5py, h5_file, description) if training is not None else None
        )
    config = upgrade_legacy_config(model_config, custom_objects)
    with SafeModeScope(safe_mode):
        model = deserialize_keras_object(config, custom_objects=custom_objects)
    if not hasattr(model, "layers") or not hasattr(model, "compile"):
        raise ValueError(
            f"The model config in {description} describes a {type(model).__name__}, not a "
            "model: the file is not a whole-model `.h5` file."
        )
    if not model.built and any(layer.weights for layer in saved.layers):
        raise ValueError(
            f"The model config in {description} rebuilds an unbuilt {type(model).__name__} "
            "(a subclassed model), and the file does not record its input shape (Keras "
            "writes none in this format), so its weights cannot be loaded. Create the model "
            "in code, call it on data, then call `model.load_weights(filepath)`; or save it "
            "in the `.keras` format."
        )
    match_by_topology(saved, model, skip_mismatch=False).apply(description)
    if not compile:
        return model
    if training is None:
        warnings.warn(
            "No training configuration found in the save file, so the model was *not* "
            "compiled. Compile it manually.",
            stacklevel=2,
        )
        return model
    model.compile(**compile_args_from_training_config(training, custom_objects))
    if optimizer_values is not None:
        _restore_optimizer(model, optimizer_values)
    return model


def load_weights_from_hdf5(model, filepath, by_name=False, skip_mismatch=False) -> None:
    """Load weights from a legacy `.h5` file (whole-model or weights-only) into `model`.

    Args:
        model: a built model.
        filepath: the `.h5` path, or an open `h5py.File`.
        by_name: match saved layers to the model's top-level layers by name (layers
            without a namesake are ignored) instead of by position among the layers
            that have weights.
        skip_mismatch: warn about weights whose shapes differ (and, by name, layers whose
            weight counts differ) and load the others, instead of raising.

    Raises:
        ValueError: the file is not a legacy weights file, is truncated or corrupted, or
            does not match the model; the error lists every mismatch, and no weight of
            the model changes.

    Example:
        >>> load_weights_from_hdf5(model, "vgg16_weights_tf_dim_ordering_tf_kernels.h5")
    """
    with _reading(filepath) as (h5py, h5_file, description):
        group = weights_group(h5py, h5_file, description)
        saved = read_model_weights(h5py, group, description)
    match = match_by_name if by_name else match_by_topology
    match(saved, model, skip_mismatch).apply(description)


def _write(h5py, filepath, overwrite, write) -> None:
    if isinstance(filepath, h5py.File):
        write(filepath)
        return
    path = os.fspath(filepath)
    if not overwrite and os.path.isfile(path):
        from lamina.saving.saving_api import ask_to_proceed_with_overwrite

        if not ask_to_proceed_with_overwrite(path):
            return
    with atomic_path(path) as temp, h5py.File(temp, "w") as h5_file:
        write(h5_file)


@contextlib.contextmanager
def _reading(filepath):
    """Yield `(h5py, file, description)`; HDF5 errors become one clear ValueError."""
    h5py = h5py_module()
    if isinstance(filepath, (h5py.File, h5py.Group)):
        yield h5py, filepath, repr(filepath.file.filename)
        return
    path = os.fspath(filepath)
    description = repr(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {description}.")
    try:
        with h5py.File(path, "r") as h5_file:
            yield h5py, h5_file, description
    except (OSError, RuntimeError, KeyError, TypeError) as err:
        if isinstance(err, FileNotFoundError):
            raise
        raise ValueError(
            f"Could not read the HDF5 file {description}: it is not a valid HDF5 file, or "
            f"it is truncated or corrupted ({type(err).__name__}: {err})."
        ) from err


def _json_attribute(h5_file, name, description):
    text = read_text_attribute(h5_file, name)
    if text is None:
        return None
    try:
        return json.loads(text, object_hook=_decode_json_object)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"The '{name}' attribute of {description} is not valid JSON: the file is "
            f"corrupted ({err})."
        ) from None


def _decode_json_object(obj):
    # Keras's `json_utils.decode`: tuples and TensorShapes of older files.
    if obj.get("class_name") == "__tuple__":
        return tuple(obj["items"])
    if obj.get("class_name") == "TensorShape":
        return obj["items"]
    return obj


def _no_model_config_message(h5_file, description) -> str:
    message = f"No model config found in the file at {description}."
    if "layer_names" in h5_file.attrs or "layer_names0" in h5_file.attrs:
        message += (
            " It holds only weights: build the model in code, then call "
            "`model.load_weights(filepath)`."
        )
    return message


def _restore_optimizer(model, values) -> None:
    """Set the optimizer's variables from the saved ones; warn and keep them fresh when
    the saved state does not fit (as Keras does)."""
    optimizer = model.optimizer
    if not getattr(optimizer, "built", True):
        optimizer.build(model.trainable_variables)
    variables = list(optimizer.variables)
    problem = None
    if len(variables) != len(values):
        problem = (
            f"the optimizer has {len(variables)} variables whereas the saved optimizer has "
            f"{len(values)}"
        )
    else:
        for variable, value in zip(variables, values, strict=True):
            if tuple(variable.shape) != tuple(value.shape):
                problem = (
                    f"optimizer variable {variable.path} has shape {tuple(variable.shape)}, "
                    f"the saved one {tuple(value.shape)}"
                )
                break
    if problem is not None:
        warnings.warn(
            f"Error in loading the saved optimizer state ({problem}). As a result, your "
            "model is starting with a freshly initialized optimizer.",
            stacklevel=3,
        )
        return
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)
