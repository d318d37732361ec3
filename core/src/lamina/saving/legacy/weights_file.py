"""The layer-weights tree of a Keras 2 `.h5` file, written from a model or read into memory.

Layout (as Keras writes it): the group carries `layer_names` (in `model.layers` order),
`backend` and `keras_version`; one subgroup per layer, created in sorted-name order,
lists its `weight_names` (variable paths) and holds one dataset per name, a `/` in a name
making nested groups. Weights are in the "legacy order", `trainable_weights +
non_trainable_weights`; the model's own variables go to `top_level_model_weights`.
Optimizer variables go to `optimizer_weights` with their paths as names.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from lamina.saving.h5_store import to_numpy
from lamina.saving.legacy.h5_attributes import (
    get_group,
    load_attributes_from_hdf5_group,
    read_dataset,
    save_attributes_to_hdf5_group,
)

TOP_LEVEL_GROUP = "top_level_model_weights"
OPTIMIZER_GROUP = "optimizer_weights"
# What the file says wrote it. Readers only branch on a Keras-1 version ("1").
BACKEND_NAME = "lamina"
KERAS_VERSION = "3.15.1"


@dataclasses.dataclass
class SavedLayer:
    """One layer group of a file: its name and its `(weight name, array)` pairs."""

    name: str
    weights: list


@dataclasses.dataclass
class SavedWeights:
    """A layer-weights tree read into memory (nothing in it refers to the open file)."""

    layers: list
    top_level: list | None


def legacy_weights(layer) -> list:
    """A layer's variables in the order Keras 2 saved them: trainable, then non-trainable.

    Example:
        >>> [w.path for w in legacy_weights(bn)]
        ['bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']
    """
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def top_level_weights(model) -> list:
    """The variables a model owns itself (created by its own `add_weight`), legacy order."""
    in_model = {id(v) for v in model.weights}
    own = list(model._trainable_variables) + list(model._non_trainable_variables)
    return [v for v in own if id(v) in in_model]


def write_model_weights(group, model) -> None:
    """Write the layer-weights tree of `model` into the h5py `group`.

    Example:
        >>> write_model_weights(h5_file.create_group("model_weights"), model)
    """
    save_attributes_to_hdf5_group(
        group, "layer_names", [layer.name.encode("utf8") for layer in model.layers]
    )
    # Fixed-length bytes, not `str`: variable-length strings live on the HDF5 global heap,
    # where a damaged file can hang or crash the HDF5 library when they are read.
    group.attrs["backend"] = np.bytes_(BACKEND_NAME)
    group.attrs["keras_version"] = np.bytes_(KERAS_VERSION)
    # Sorted so that no group name is a prefix created after a longer one (as Keras).
    for layer in sorted(model.layers, key=lambda layer: layer.name):
        write_weight_list(group.create_group(layer.name), legacy_weights(layer))
    write_weight_list(group.create_group(TOP_LEVEL_GROUP), top_level_weights(model))


def write_weight_list(group, variables) -> None:
    """Write `variables` as datasets named by their paths, listed in `weight_names`."""
    names = [str(v.path).encode("utf8") for v in variables]
    save_attributes_to_hdf5_group(group, "weight_names", names)
    for name, variable in zip(names, variables, strict=True):
        value = to_numpy(variable)
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        dataset[()] = value


def write_optimizer_weights(h5_file, optimizer) -> None:
    """Write the optimizer's variables (iteration, learning rate, slots) if it has any."""
    variables = list(getattr(optimizer, "variables", None) or [])
    if variables:
        write_weight_list(h5_file.create_group(OPTIMIZER_GROUP), variables)


def weights_group(h5py, h5_file, description: str):
    """The group holding the layer-weights tree: the root of a weights-only file (Keras 2
    `save_weights`, application weights), `model_weights` in a whole-model file."""
    if not _has_list_attribute(h5_file, "layer_names") and "model_weights" in h5_file:
        return get_group(h5py, h5_file, "model_weights", description)
    return h5_file


def read_model_weights(h5py, group, description: str) -> SavedWeights:
    """Read the layer-weights tree under `group` into memory.

    Raises:
        ValueError: the group has no `layer_names`, or a listed group or dataset is
            missing, corrupted or refers outside the file.
    """
    if not _has_list_attribute(group, "layer_names"):
        raise ValueError(_not_legacy_message(group, description))
    layers = []
    for name in load_attributes_from_hdf5_group(group, "layer_names"):
        layer_group = get_group(h5py, group, name, description)
        layers.append(SavedLayer(name, read_weight_list(h5py, layer_group, description)))
    top_level = None
    if TOP_LEVEL_GROUP in group:
        top_group = get_group(h5py, group, TOP_LEVEL_GROUP, description)
        top_level = read_weight_list(h5py, top_group, description)
    # `keras_version` and `backend` are not read: Keras 3 converts nothing by them.
    return SavedWeights(layers=layers, top_level=top_level)


def read_weight_list(h5py, group, description: str) -> list:
    """The `(name, array)` pairs a group lists in `weight_names`, in that order."""
    return [
        (name, read_dataset(h5py, group, name, description))
        for name in load_attributes_from_hdf5_group(group, "weight_names")
    ]


def read_optimizer_weights(h5py, h5_file, description: str) -> list | None:
    """The saved optimizer variables as arrays (in `optimizer.variables` order), or None."""
    if OPTIMIZER_GROUP not in h5_file:
        return None
    group = get_group(h5py, h5_file, OPTIMIZER_GROUP, description)
    return [np.asarray(value) for _, value in read_weight_list(h5py, group, description)]


def _has_list_attribute(group, name) -> bool:
    return name in group.attrs or f"{name}0" in group.attrs


def _not_legacy_message(group, description) -> str:
    hint = ""
    if "vars" in group or "layers" in group:
        hint = (
            " It looks like a Keras 3 weights file: name it `*.weights.h5` so that "
            "`load_weights` reads it in that format."
        )
    return (
        f"The file {description} is not a legacy Keras `.h5` weights file: it has no "
        f"'layer_names' attribute at '{group.name}'.{hint}"
    )
