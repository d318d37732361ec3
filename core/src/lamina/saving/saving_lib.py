"""The Keras 3 `.keras` archive and `.weights.h5` files: writing and reading model state.

A `.keras` file is a zip with uncompressed members, in this order: `metadata.json`
(`{"keras_version": ..., "date_saved": ...}`), `config.json` (the model's serialized
config with its `build_config` and `compile_config`), `model.weights.h5` (the tree of
`state_walk`) and, when some layer saves assets, `assets/...`. `zipped=False` writes the
same entries into a folder.

Every write goes to temporary files in the target's folder, renamed over the target only
when complete. Every read loads and checks the whole file before a variable changes, and
a failed load restores every variable it touched, so a damaged or mismatched file leaves
the model as it was.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile

from lamina.saving import serialization_lib, state_walk
from lamina.saving.assets_store import AssetsFolder
from lamina.saving.atomic_files import atomic_files
from lamina.saving.h5_store import H5Writer, RefusedFileError, WeightsTree, read_h5_weights
from lamina.saving.sharding import ShardedH5Writer, read_sharded_weights, sharded_index_path
from lamina.saving.zip_safety import check_member_names, extract_folder, read_member

# The Keras release whose file format lamina writes; Keras's file editor and users read
# it as a Keras version, so it names that release rather than lamina's own version.
KERAS_VERSION = "3.15.1"
CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
ASSETS_DIRNAME = "assets"


# ------------------------------------------------------------------------------ saving


def save_model(model, filepath, zipped: bool = True) -> None:
    """Write `model` as a `.keras` archive (or, with `zipped=False`, a folder).

    Args:
        model: a built model (an unbuilt one is saved with a warning, as in Keras).
        filepath: a path ending in `.keras` (a folder path when `zipped=False`), or a
            writable binary file object.
        zipped: write a zip archive (True) or a folder of the same entries.

    Example:
        >>> save_model(model, "model.keras")  # doctest: +SKIP
    """
    if not model.built:
        warnings.warn(
            "You are saving a model that has not yet been built. It might not contain any "
            "weights yet. Consider building the model first by calling it on some data.",
            stacklevel=3,
        )
    if isinstance(filepath, io.IOBase):
        _write_archive(model, filepath)
        return
    filepath = os.fspath(filepath)
    if zipped and not filepath.endswith(".keras"):
        raise ValueError(
            f"Invalid `filepath` argument: expected a `.keras` extension. Received: "
            f"filepath={filepath}"
        )
    if not zipped and filepath.endswith(".keras"):
        raise ValueError(
            "When using `zipped=False`, the `filepath` argument should not end in "
            f"`.keras`. Received: filepath={filepath}"
        )
    with atomic_files() as pending:
        if zipped:
            with open(pending.new(filepath), "wb") as f:
                _write_archive(model, f)
        else:
            _write_folder(model, filepath, pending)


def _serialize_model(model) -> tuple[str, str]:
    with serialization_lib.ObjectSharingScope():
        config = serialization_lib.serialize_keras_object(model)
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    return json.dumps(config), json.dumps(metadata)


def _write_state(model, weights_target):
    """Write the weights tree to `weights_target` and the assets to a temporary folder."""
    writer = H5Writer(weights_target)
    assets = AssetsFolder()
    try:
        state_walk.save_state(model, writer, assets, "", set())
    except BaseException:
        assets.cleanup()
        raise
    finally:
        writer.close()
    return assets


def _write_archive(model, fileobj) -> None:
    config_json, metadata_json = _serialize_model(model)
    buffer = io.BytesIO()
    assets = _write_state(model, buffer)
    try:
        with zipfile.ZipFile(fileobj, "w") as archive:
            # Same member kinds as Keras: json members through `open`, weights through
            # `writestr`, all stored uncompressed.
            with archive.open(METADATA_FILENAME, "w") as f:
                f.write(metadata_json.encode())
            with archive.open(CONFIG_FILENAME, "w") as f:
                f.write(config_json.encode())
            archive.writestr(WEIGHTS_FILENAME, buffer.getvalue())
            for full, relative in assets.files():
                archive.write(full, f"{ASSETS_DIRNAME}/{relative}")
    finally:
        assets.cleanup()


def _write_folder(model, dirpath, pending) -> None:
    config_json, metadata_json = _serialize_model(model)
    for name, text in ((METADATA_FILENAME, metadata_json), (CONFIG_FILENAME, config_json)):
        with open(pending.new(os.path.join(dirpath, name)), "w") as f:
            f.write(text)
    assets = _write_state(model, pending.new(os.path.join(dirpath, WEIGHTS_FILENAME)))
    try:
        for full, relative in assets.files():
            target = os.path.join(dirpath, ASSETS_DIRNAME, *relative.split("/"))
            with open(full, "rb") as src, open(pending.new(target), "wb") as dst:
                dst.write(src.read())
    finally:
        assets.cleanup()


def save_weights_only(model, filepath, max_shard_size=None, objects_to_skip=None) -> None:
    """Write the model's weights (and optimizer state) as a `.weights.h5` tree.

    Args:
        model: a built model.
        filepath: the `.weights.h5` path, or the `.weights.json` index when sharding.
        max_shard_size: the largest shard in GB; None writes a single file.
        objects_to_skip: layers or optimizers whose state is not written.

    Example:
        >>> save_weights_only(model, "model.weights.h5")  # doctest: +SKIP
    """
    if not model.built:
        raise ValueError(
            "You are saving a model that has not yet been built. Try building the model "
            "first by calling it on some data or by using `build()`."
        )
    visited = {id(obj) for obj in objects_to_skip or ()}
    with atomic_files() as pending:
        if max_shard_size is None:
            writer = H5Writer(pending.new(filepath))
        else:
            index = sharded_index_path(filepath, "w")
            writer = ShardedH5Writer(index, max_shard_size, pending)
        try:
            state_walk.save_state(model, writer, None, "", visited)
        finally:
            writer.close()


# ----------------------------------------------------------------------------- loading


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model from a `.keras` archive (or a folder written with `zipped=False`).

    Args:
        filepath: the `.keras` path, the folder, or a readable binary file object.
        custom_objects: `{name: class or function}` for custom objects in the config.
        compile: compile the model from its saved `compile_config` (optimizer state
            included) when True.
        safe_mode: refuse to deserialize Python lambdas (code) when True.

    Returns:
        The model, with its weights and, when compiled, its optimizer state.

    Raises:
        ValueError: the file is missing entries, truncated, corrupted, refused for
            safety, or its weights do not fit the rebuilt model.

    Example:
        >>> model = load_model("model.keras")  # doctest: +SKIP
    """
    if isinstance(filepath, io.IOBase):
        return _load_archive(filepath, "the file object", custom_objects, compile, safe_mode)
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath) and os.path.exists(os.path.join(filepath, CONFIG_FILENAME)):
        return _load_folder(filepath, custom_objects, compile, safe_mode)
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"Invalid filename: expected a `.keras` extension. Received: filepath={filepath}"
        )
    with open(filepath, "rb") as f:
        return _load_archive(f, filepath, custom_objects, compile, safe_mode)


def _open_archive(fileobj, description) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(fileobj, "r")
    except MemoryError:
        raise
    except Exception as err:  # zipfile raises several types for damaged archives
        raise ValueError(
            f"{description} is not a valid `.keras` file: it is not a zip archive, or it is "
            f"truncated or corrupted ({err})."
        ) from None
    check_member_names(archive, description)
    return archive


def _read_entry(archive, name, description) -> bytes:
    if name not in archive.namelist():
        raise ValueError(
            f"{description} is not a valid `.keras` file: it has no `{name}` entry. Its "
            f"entries are {archive.namelist()[:10]}."
        )
    try:
        return read_member(archive, name)
    except RefusedFileError:
        raise
    except Exception as err:  # zipfile/zlib raise several types for damaged members
        raise ValueError(
            f"Could not read `{name}` from {description}: the file is truncated or "
            f"corrupted ({type(err).__name__}: {err})."
        ) from None


def _archive_weights(archive, description) -> WeightsTree:
    data = _read_entry(archive, WEIGHTS_FILENAME, description)
    return read_h5_weights(data, f"`{WEIGHTS_FILENAME}` in {description}")


def _load_archive(fileobj, description, custom_objects, compile, safe_mode):
    with _open_archive(fileobj, description) as archive:
        config_json = _read_entry(archive, CONFIG_FILENAME, description)
        weights = _archive_weights(archive, description)
        assets = AssetsFolder()
        try:
            try:
                has_assets = extract_folder(archive, ASSETS_DIRNAME, assets.root)
            except RefusedFileError:
                raise
            except Exception as err:
                raise ValueError(
                    f"Could not read the assets of {description}: the file is truncated or "
                    f"corrupted ({type(err).__name__}: {err})."
                ) from None
            model = _model_from_config(config_json, description, custom_objects, compile, safe_mode)
            _load_into(
                model,
                weights,
                AssetsFolder(os.path.join(assets.root, ASSETS_DIRNAME)) if has_assets else None,
                description=description,
            )
        finally:
            assets.cleanup()
    return model


def _load_folder(dirpath, custom_objects, compile, safe_mode):
    with open(os.path.join(dirpath, CONFIG_FILENAME), "rb") as f:
        config_json = f.read()
    weights_path = os.path.join(dirpath, WEIGHTS_FILENAME)
    if not os.path.isfile(weights_path):
        raise ValueError(f"Expected a {WEIGHTS_FILENAME} file in the folder {dirpath}.")
    weights = read_h5_weights(weights_path, weights_path)
    assets_path = os.path.join(dirpath, ASSETS_DIRNAME)
    assets = AssetsFolder(assets_path) if os.path.isdir(assets_path) else None
    model = _model_from_config(config_json, dirpath, custom_objects, compile, safe_mode)
    _load_into(model, weights, assets, description=dirpath)
    return model


def _model_from_config(config_json, description, custom_objects, compile, safe_mode):
    try:
        config = json.loads(config_json)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(
            f"The `{CONFIG_FILENAME}` of {description} is not valid JSON ({err}); the file "
            "is corrupted."
        ) from None
    if not isinstance(config, dict):
        raise ValueError(
            f"The `{CONFIG_FILENAME}` of {description} should hold a serialized model "
            f"(a JSON object), it holds {type(config).__name__}."
        )
    if not compile:
        config["compile_config"] = None
    with serialization_lib.ObjectSharingScope():
        return serialization_lib.deserialize_keras_object(
            config, custom_objects=custom_objects, safe_mode=safe_mode
        )


def load_weights_only(model, filepath, skip_mismatch=False, objects_to_skip=None) -> None:
    """Load weights (and optimizer state) from `.weights.h5`, `.weights.json` or `.keras`.

    The file is read and checked completely first; if any object does not fit, every
    variable is restored and one error lists all of them (with `skip_mismatch=True`, a
    warning instead, and the objects that fit are loaded).

    Args:
        model: a built model.
        filepath: a `.weights.h5` file, a sharded `.weights.json` index or a `.keras` file.
        skip_mismatch: warn about objects that do not fit instead of raising.
        objects_to_skip: layers or optimizers that are left as they are.

    Example:
        >>> load_weights_only(model, "model.weights.h5")  # doctest: +SKIP
    """
    if not model.built:
        raise ValueError(
            "You are loading weights into a model that has not yet been built. Try building "
            "the model first by calling it on some data or by using `build()`."
        )
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such weights file: {filepath}")
    if filepath.endswith(".keras"):
        with open(filepath, "rb") as f, _open_archive(f, filepath) as archive:
            weights = _archive_weights(archive, filepath)
    elif filepath.endswith(".json"):
        weights = read_sharded_weights(sharded_index_path(filepath, "r"))
    else:
        weights = read_h5_weights(filepath, filepath)
    _load_into(
        model,
        weights,
        None,
        description=filepath,
        skip_mismatch=skip_mismatch,
        visited={id(obj) for obj in objects_to_skip or ()},
        restore_on_failure=True,
    )


def _load_into(
    model,
    weights,
    assets,
    description,
    skip_mismatch=False,
    visited=None,
    restore_on_failure=False,
) -> None:
    """Run the load walk; on failure restore the variables and raise (or warn)."""
    snapshot = []
    if restore_on_failure:
        snapshot = [(v, v.numpy().copy()) for v in state_walk.state_variables(model)]
    failures: dict = {}
    try:
        state_walk.load_state(model, weights, assets, "", visited or set(), failures)
    except BaseException:
        _restore(snapshot)
        raise
    if not failures:
        return
    if skip_mismatch:
        warnings.warn(loading_failure_message(failures, description, _SKIPPED), stacklevel=3)
        return
    _restore(snapshot)
    hint = _RESTORED if restore_on_failure else _NEW_MODEL
    raise ValueError(loading_failure_message(failures, description, hint))


def _restore(snapshot) -> None:
    for variable, value in snapshot:
        variable.assign(value)


_SKIPPED = "These objects were skipped and keep their current values (skip_mismatch=True)."
_RESTORED = (
    "The model was left unchanged. Pass `skip_mismatch=True` to `load_weights` to load the "
    "objects that fit and skip the others."
)
_NEW_MODEL = (
    "The weights in the file do not fit the model its config builds: the file was edited, "
    "or a custom layer changed since it was saved."
)


def loading_failure_message(failures: dict, description: str, hint: str = _RESTORED) -> str:
    """One message for all objects that could not be loaded; its first line is the cause.

    Args:
        failures: `{id: (object, exception)}` collected by the load walk.
        description: the file, as named in the message.
        hint: the last line (what happened to the model, what to do).

    Example:
        >>> loading_failure_message({1: (layer, ValueError("bad shape"))}, "w.weights.h5")
    """
    items = list(failures.values())
    first_obj, first_err = items[0]
    first_line, _, rest = str(first_err).partition("\n")
    more = len(items) - 1
    tail = f" ({more} more object{'s' if more > 1 else ''} could not be loaded.)" if more else ""
    lines = [f"Could not load {first_obj!r} from {description}: {first_line}{tail}"]
    if rest.strip():
        lines.append(rest.strip())
    lines.append("")
    lines.append(f"A total of {len(items)} objects could not be loaded:")
    lines.extend(f"- {obj!r}: {err}" for obj, err in items)
    lines.append(hint)
    return "\n".join(lines)
