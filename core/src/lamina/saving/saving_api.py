"""`save_model`, `load_model`, `save_weights`, `load_weights`: one entry point per task,
dispatching on the file name as Keras 3 does.

`.keras` (or a folder) -> the Keras 3 archive; `.weights.h5` / `.weights.json` -> the
weights tree (sharded with an index); `.h5` / `.hdf5` -> the legacy Keras 2 format of
`lamina.saving.legacy`. h5py is imported only when a file is read or written.
"""

from __future__ import annotations

import os
import warnings
import zipfile


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs) -> None:
    """Save a model (config, weights, optimizer state) as a `.keras` file.

    Args:
        model: the model to save.
        filepath: a path ending in `.keras` (or `.h5`/`.hdf5` for the legacy format; a
            folder path with `zipped=False`).
        overwrite: when False and the file exists, ask before overwriting it.
        zipped: write a zip archive (default) or a folder of the same entries.
        **kwargs: `include_optimizer` (legacy `.h5` only) and the deprecated
            `save_format`.

    Example:
        >>> lamina.saving.save_model(model, "model.keras")  # doctest: +SKIP
    """
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    path = os.fspath(filepath) if not hasattr(filepath, "write") else ""
    if save_format:
        if not path.endswith((".h5", ".hdf5", ".keras")):
            raise ValueError(
                "The `save_format` argument is deprecated in Keras 3. Please remove this "
                "argument and pass a file path with either `.keras` or `.h5` extension. "
                f"Received: save_format={save_format}"
            )
        warnings.warn(
            "The `save_format` argument is deprecated in Keras 3; the format is inferred "
            f"from the file path. Received: save_format={save_format}",
            stacklevel=2,
        )
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs)}")
    if zipped is None:
        zipped = True
    if path and os.path.exists(path) and not overwrite:
        if not ask_to_proceed_with_overwrite(path):
            return
    from lamina.saving import saving_lib

    if not path or (zipped and path.endswith(".keras")):
        return saving_lib.save_model(model, filepath)
    if not zipped:
        return saving_lib.save_model(model, filepath, zipped=False)
    if path.endswith((".h5", ".hdf5")):
        warnings.warn(
            "You are saving your model as an HDF5 file via `model.save()` or "
            "`lamina.saving.save_model(model)`. This file format is considered legacy. We "
            "recommend using instead the native Keras format, e.g. "
            "`model.save('my_model.keras')`.",
            stacklevel=2,
        )
        return _legacy().save_model_to_hdf5(model, filepath, overwrite, include_optimizer)
    raise ValueError(
        "Invalid filepath extension for saving. Please add either a `.keras` extension for "
        "the native Keras format (recommended) or a `.h5` extension. Received: "
        f"filepath={filepath}."
    )


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved by `model.save()` (lamina or Keras 3; `.keras`, folder or `.h5`).

    Args:
        filepath: the `.keras` file, the folder written with `zipped=False`, or a legacy
            `.h5`/`.hdf5` file.
        custom_objects: `{name: class or function}` for custom objects in the config.
        compile: compile the model as it was saved (loss, metrics, optimizer and its
            state) when True.
        safe_mode: refuse to deserialize Python lambdas (code) when True; pass False
            only for files you trust.

    Returns:
        The model.

    Example:
        >>> model = lamina.models.load_model("model.keras")  # doctest: +SKIP
    """
    from lamina.saving import saving_lib

    if hasattr(filepath, "read"):
        return saving_lib.load_model(filepath, custom_objects, compile, safe_mode)
    path = os.fspath(filepath)
    is_dir = os.path.isdir(path) and os.path.exists(os.path.join(path, saving_lib.CONFIG_FILENAME))
    if is_dir or path.endswith(".keras"):
        if not is_dir and not os.path.exists(path):
            raise ValueError(
                f"File not found: filepath={path}. Please ensure the file is an accessible "
                "`.keras` zip file."
            )
        if not is_dir and not zipfile.is_zipfile(path):
            raise ValueError(
                f"{path} is not a valid `.keras` file: it is not a zip archive, or it is "
                "truncated or corrupted."
            )
        return saving_lib.load_model(path, custom_objects, compile, safe_mode)
    if path.endswith((".h5", ".hdf5")):
        return _legacy().load_model_from_hdf5(
            path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    raise ValueError(
        f"File format not supported: filepath={path}. Keras 3 only supports V3 `.keras` "
        "files and legacy H5 format files (`.h5` extension). Note that the legacy "
        "SavedModel format is not supported by `load_model()` in Keras 3."
    )


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs) -> None:
    """Save the model's weights (and optimizer state) to a `.weights.h5` file.

    Args:
        model: a built model.
        filepath: a path ending in `.weights.h5`; with `max_shard_size`, the
            `.weights.json` index of the shards.
        overwrite: when False and the file exists, ask before overwriting it.
        max_shard_size: the largest shard in GB (None: one file).
        **kwargs: `objects_to_skip`, layers or optimizers whose state is not written.

    Example:
        >>> lamina.saving.save_weights(model, "model.weights.h5")  # doctest: +SKIP
    """
    path = os.fspath(filepath)
    if max_shard_size is None and not path.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={path}")
    if max_shard_size is not None and not path.endswith(("weights.h5", "weights.json")):
        raise ValueError(
            "The filename must end in `.weights.json` when `max_shard_size` is specified. "
            f"Received: filepath={path}"
        )
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if os.path.exists(path) and not overwrite:
        if not ask_to_proceed_with_overwrite(path):
            return
    from lamina.saving import saving_lib

    saving_lib.save_weights_only(model, path, max_shard_size, objects_to_skip=objects_to_skip)


def load_weights(model, filepath, skip_mismatch=False, **kwargs) -> None:
    """Load weights saved by `save_weights` or `save` (lamina or Keras) into `model`.

    Args:
        model: a built model with the saved architecture.
        filepath: a `.weights.h5` file, a sharded `.weights.json` index, a `.keras` file,
            or a legacy `.h5`/`.hdf5` file.
        skip_mismatch: warn about layers whose weights do not fit and load the others,
            instead of raising (and leaving the model unchanged).
        **kwargs: `objects_to_skip` (`.weights.h5` only); `by_name` (legacy `.h5` only).

    Example:
        >>> lamina.saving.load_weights(model, "model.weights.h5")  # doctest: +SKIP
    """
    path = os.fspath(filepath)
    objects_to_skip = kwargs.pop("objects_to_skip", None)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    from lamina.saving import saving_lib

    if path.endswith(".keras"):
        if objects_to_skip is not None:
            raise ValueError(
                f"`objects_to_skip` only supports loading '.weights.h5' files. Received: {path}"
            )
        _refuse_by_name(by_name, path)
        saving_lib.load_weights_only(model, path, skip_mismatch=skip_mismatch)
    elif path.endswith((".weights.h5", ".weights.json")):
        _refuse_by_name(by_name, path)
        saving_lib.load_weights_only(
            model, path, skip_mismatch=skip_mismatch, objects_to_skip=objects_to_skip
        )
    elif path.endswith((".h5", ".hdf5")):
        if objects_to_skip is not None:
            raise ValueError(
                f"`objects_to_skip` only supports loading '.weights.h5' files. Received: {path}"
            )
        _legacy().load_weights_from_hdf5(
            model, path, by_name=bool(by_name), skip_mismatch=skip_mismatch
        )
    else:
        raise ValueError(
            f"File format not supported: filepath={path}. Keras 3 only supports V3 `.keras` "
            "files, `.weights.h5` files, or legacy H5 format files (`.h5` extension)."
        )


def ask_to_proceed_with_overwrite(filepath) -> bool:
    """Ask on the console whether to overwrite `filepath`; True for "y", False for "n"."""
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def _refuse_by_name(by_name, path) -> None:
    if by_name is not None:
        raise ValueError(
            f"`by_name` only supports loading legacy '.h5' or '.hdf5' files. Received: {path}"
        )


def _legacy():
    from lamina.saving.legacy import legacy_h5_format

    return legacy_h5_format
