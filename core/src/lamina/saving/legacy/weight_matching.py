"""Matching the layers of a Keras 2 `.h5` file to a model: by topology or by name.

Both follow Keras's rules (`legacy_h5_format.load_weights_from_hdf5_group[_by_name]`)
and messages, with one difference: every mismatch is collected first and reported in
one error, and no variable changes unless all of them can be assigned.
"""

from __future__ import annotations

import warnings

import numpy as np

from lamina.saving.legacy.weights_file import SavedWeights, legacy_weights, top_level_weights


class WeightAssignments:
    """Pairs of (variable, value) checked before any is assigned, with the mismatches found.

    Example:
        >>> plan = WeightAssignments(skip_mismatch=False)
        >>> plan.add(layer, legacy_weights(layer), values, "layer #0 (named dense)")
        >>> plan.apply("weights.h5")
    """

    def __init__(self, skip_mismatch: bool):
        self.skip_mismatch = skip_mismatch
        self.pairs = []
        self.errors = []
        self.owners = []

    def mismatch(self, error: str, skipped: str) -> None:
        """Record a mismatch: the warning "Skipping loading <skipped>" when skipping
        mismatches, the `error` otherwise."""
        if self.skip_mismatch:
            warnings.warn(f"Skipping loading {skipped}", stacklevel=4)
        else:
            self.errors.append(error)

    def add(self, owner, variables, values, name: str) -> None:
        """Pair `variables` with the saved `values` (same count, checked by the caller)."""
        added = False
        for variable, (weight_name, value) in zip(variables, values, strict=True):
            expected = tuple(variable.shape)
            if tuple(value.shape) != expected:
                shapes = (
                    f"weight {variable.path}. Weight expects shape {expected}. Received "
                    f"saved weight with shape {tuple(value.shape)}"
                )
                self.mismatch(
                    f"Shape mismatch in {name} for {shapes}",
                    f"weights for {name} due to mismatch in shape for {shapes}",
                )
                continue
            if not (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_):
                self.errors.append(
                    f"The saved weight {weight_name} of {name} has the non-numeric dtype "
                    f"{value.dtype}: the file is corrupted."
                )
                continue
            self.pairs.append((variable, value))
            added = True
        if added:
            self.owners.append(owner)

    def apply(self, description: str) -> None:
        """Assign every pair, or raise a ValueError listing every mismatch (assigning none)."""
        if self.errors:
            raise ValueError(_mismatch_message(self.errors, description))
        for variable, value in self.pairs:
            variable.assign(value)
        for owner in self.owners:
            if hasattr(owner, "finalize_state"):
                owner.finalize_state()


def match_by_topology(saved: SavedWeights, model, skip_mismatch: bool) -> WeightAssignments:
    """Pair the file's layers that have weights with the model's, by position.

    Raises:
        ValueError: the numbers of layers with weights differ.

    Example:
        >>> match_by_topology(saved, model, skip_mismatch=False).apply("w.h5")
    """
    model_layers = [layer for layer in model.layers if legacy_weights(layer)]
    saved_layers = [layer for layer in saved.layers if layer.weights]
    if not model_layers and saved_layers and not model.built:
        raise ValueError(
            f"The model '{model.name}' has no weights yet because it is not built, so the "
            f"{len(saved_layers)} saved layers cannot be loaded into it. Build it first: "
            "call it on data, or call `model.build(input_shape)`."
        )
    if len(model_layers) != len(saved_layers):
        raise ValueError(
            "Layer count mismatch when loading weights from file. Model expected "
            f"{len(model_layers)} layers, found {len(saved_layers)} saved layers. Model "
            f"layers with weights: {[layer.name for layer in model_layers]}; saved layers "
            f"with weights: {[layer.name for layer in saved_layers]}. To load the layers "
            "whose names match, pass `by_name=True`."
        )
    plan = WeightAssignments(skip_mismatch)
    for k, (layer, saved_layer) in enumerate(zip(model_layers, saved_layers, strict=True)):
        variables = legacy_weights(layer)
        if len(saved_layer.weights) != len(variables):
            # A count mismatch is an error even with `skip_mismatch`, as in Keras.
            plan.errors.append(
                f"Weight count mismatch for layer #{k} (named {layer.name} in the current "
                f"model, {saved_layer.name} in the save file). Layer expects "
                f"{len(variables)} weight(s). Received {len(saved_layer.weights)} saved "
                "weight(s)"
            )
            continue
        plan.add(layer, variables, saved_layer.weights, f"layer #{k} (named {layer.name})")
    if saved.top_level is not None:
        variables = top_level_weights(model)
        if len(saved.top_level) != len(variables):
            plan.errors.append(
                "Weight count mismatch for top-level weights when loading weights from "
                f"file. Model expects {len(variables)} top-level weight(s). Received "
                f"{len(saved.top_level)} saved top-level weight(s)"
            )
        else:
            plan.add(model, variables, saved.top_level, "top-level model")
    return plan


def match_by_name(saved: SavedWeights, model, skip_mismatch: bool) -> WeightAssignments:
    """Pair each saved layer with the model's top-level layers of the same name.

    Saved layers without a namesake are ignored, as in Keras.

    Example:
        >>> match_by_name(saved, model, skip_mismatch=True).apply("w.h5")
    """
    index = {}
    for layer in model.layers:
        if layer.name:
            index.setdefault(layer.name, []).append(layer)
    plan = WeightAssignments(skip_mismatch)
    for k, saved_layer in enumerate(saved.layers):
        for layer in index.get(saved_layer.name, []):
            variables = legacy_weights(layer)
            if len(saved_layer.weights) != len(variables):
                counts = (
                    f"Layer expects {len(variables)} weight(s). Received "
                    f"{len(saved_layer.weights)} saved weight(s)"
                )
                plan.mismatch(
                    f"Weight count mismatch for layer #{k} (named {layer.name}). {counts}",
                    f"of weights for layer #{k} (named {layer.name}) due to mismatch in "
                    f"number of weights. {counts}",
                )
                continue
            plan.add(layer, variables, saved_layer.weights, f"layer #{k} (named {layer.name})")
    if saved.top_level is not None:
        variables = list(model._trainable_variables) + list(model._non_trainable_variables)
        if len(saved.top_level) != len(variables):
            counts = (
                f"Model expects {len(variables)} top-level weight(s). Received "
                f"{len(saved.top_level)} saved top-level weight(s)"
            )
            plan.mismatch(
                f"Weight count mismatch for top-level weights of model. {counts}",
                f"top-level weights for model due to mismatch in number of weights. {counts}",
            )
        else:
            plan.add(model, variables, saved.top_level, "top-level model")
    return plan


def _mismatch_message(errors, description) -> str:
    hint = (
        "Pass `skip_mismatch=True` to skip weights whose shapes differ, or `by_name=True` "
        "to load only the layers whose names match."
    )
    if len(errors) == 1:
        return f"{errors[0]}. Nothing was loaded from {description}. {hint}"
    listed = "\n".join(f"  - {error}" for error in errors)
    return (
        f"{len(errors)} weights in {description} do not match the model; nothing was "
        f"loaded:\n{listed}\n{hint}"
    )
