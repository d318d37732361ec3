"""The walk that gives every layer and optimizer its path in a Keras 3 weights file.

Paths come from attribute names, as in Keras's `saving_lib`: the root's own variables go
to `vars/`; a child layer or optimizer found in attribute `attr` goes to `<path>/attr`;
a list, tuple or dict of them becomes a container whose items are named after their
class (`dense`, `dense_1`, ...; nested containers `container`, `container_1`, ...).
Sequential and Functional models walk `layers` first. Other attributes are visited in
`sorted(dir(obj))` order, private names last, skipping those a plain `Layer` (or
`Optimizer`) already has. Each object is visited once: the first path wins.
"""

from __future__ import annotations

import warnings

from lamina.layers.layer import to_snake_case

# Attributes Keras skips beyond those of a plain Layer, plus lamina's Sequential
# `_stack`, which holds the InputLayer that Keras keeps in its (skipped) `_layers`.
_EXTRA_SKIPS = {
    "Functional": frozenset({"operations", "_operations"}),
    "Sequential": frozenset({"_functional", "_stack"}),
}
_SKIPSETS: dict = {}


def _types():
    from lamina.layers.layer import Layer
    from lamina.optimizers.optimizer import Optimizer

    return Layer, Optimizer


def is_saveable(obj) -> bool:
    """Whether `obj` gets its own path in a weights file (a layer or an optimizer)."""
    return isinstance(obj, _types())


def _obj_type(obj) -> str:
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if isinstance(obj, Sequential):
        return "Sequential"
    if isinstance(obj, Functional):
        return "Functional"
    return "Optimizer" if isinstance(obj, _types()[1]) else "Layer"


def _skipset(obj_type: str) -> frozenset:
    if obj_type not in _SKIPSETS:
        layer_cls, optimizer_cls = _types()
        if obj_type == "Optimizer":
            # Keras walks `variables` of an optimizer (it holds no saveables).
            names = set(dir(optimizer_cls(1.0, name="skipset_reference"))) - {"variables"}
        else:
            names = set(dir(layer_cls(name="skipset_reference"))) | _EXTRA_SKIPS.get(
                obj_type, frozenset()
            )
        _SKIPSETS[obj_type] = frozenset(names)
    return _SKIPSETS[obj_type]


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def children(obj):
    """`(attribute name, value)` pairs of `obj` in Keras's walking order."""
    obj_type = _obj_type(obj)
    skip = _skipset(obj_type)
    if obj_type in ("Sequential", "Functional"):
        yield "layers", obj.layers
    for attr in sorted(dir(obj), key=_name_key):
        if attr.startswith("__") or attr in skip:
            continue
        try:
            value = getattr(obj, attr)
        except Exception:  # a property that cannot be computed holds no state
            continue
        yield attr, value


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _unique_name(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _container_items(container) -> list:
    return list(container.values()) if isinstance(container, dict) else list(container)


def save_state(obj, weights, assets, path, visited) -> None:
    """Write `obj` and everything reachable from it to the stores (None: skip that kind).

    Args:
        obj: a layer, model or optimizer.
        weights: an `H5Writer`-like store with `make(path, metadata)`, or None.
        assets: an assets folder with `make(path)`, or None.
        path: `obj`'s path ("" for the root).
        visited: ids of the objects already written (or to skip).
    """
    if id(obj) in visited:
        return
    if weights is not None and hasattr(obj, "save_own_variables"):
        name = getattr(obj, "name", None)
        metadata = {"name": name} if isinstance(name, str) else None
        obj.save_own_variables(weights.make(path, metadata))
    if assets is not None and hasattr(obj, "save_assets"):
        obj.save_assets(assets.make(path))
    visited.add(id(obj))
    for attr, value in children(obj):
        if is_saveable(value):
            save_state(value, weights, assets, _join(path, attr), visited)
        elif isinstance(value, (list, dict, tuple)):
            _save_container(value, weights, assets, _join(path, attr), visited, set())


def _save_container(container, weights, assets, path, visited, seen) -> None:
    if id(container) in seen:
        return
    seen.add(id(container))
    used: dict = {}
    for item in _container_items(container):
        if is_saveable(item):
            name = _unique_name(to_snake_case(type(item).__name__), used)
            save_state(item, weights, assets, _join(path, name), visited)
        elif isinstance(item, (list, dict, tuple)):
            name = _unique_name("container", used)
            _save_container(item, weights, assets, _join(path, name), visited, seen)


def load_state(obj, weights, assets, path, visited, failures) -> None:
    """Read `obj` and everything reachable from it from the stores.

    Errors of each object are collected in `failures` (`{id: (obj, exception)}`) and the
    walk goes on, so every mismatch is found in one pass (Keras's behaviour).

    Args:
        obj: a layer, model or optimizer.
        weights: a `WeightsTree` (`get(path)` returns the object's variable store), or None.
        assets: an assets folder with `get(path)`, or None.
        path: `obj`'s path ("" for the root).
        visited: ids of the objects already loaded (or to skip).
        failures: collects `{id(obj): (obj, exception)}`.
    """
    if id(obj) in visited:
        return
    failed = False
    found = False  # whether the file had anything for `obj` at this path
    if weights is not None and hasattr(obj, "load_own_variables"):
        store = weights.get(path)
        found = len(store) > 0
        try:
            obj.load_own_variables(store)
        except Exception as err:
            failures[id(obj)] = (obj, err)
            failed = True
    if assets is not None and hasattr(obj, "load_assets"):
        folder = assets.get(path)
        found = found or folder is not None
        try:
            obj.load_assets(folder)
        except Exception as err:
            failures[id(obj)] = (obj, err)
            failed = True
    before = len(failures)
    for attr, value in children(obj):
        if is_saveable(value):
            load_state(value, weights, assets, _join(path, attr), visited, failures)
        elif isinstance(value, (list, dict, tuple)):
            _load_container(value, weights, assets, _join(path, attr), visited, failures, set())
    if not failed:
        if len(failures) <= before:
            visited.add(id(obj))
        # An object that failed at an earlier path is cleared only by a load that read
        # something (Keras also clears it on an empty read, hiding unloaded weights).
        if found:
            failures.pop(id(obj), None)


def _load_container(container, weights, assets, path, visited, failures, seen) -> None:
    if id(container) in seen:
        return
    seen.add(id(container))
    used: dict = {}
    for item in _container_items(container):
        if is_saveable(item):
            name = _unique_name(to_snake_case(type(item).__name__), used)
            load_state(item, weights, assets, _join(path, name), visited, failures)
        elif isinstance(item, (list, dict, tuple)):
            nested = _join(path, _unique_name("container", used))
            if _has_path(weights, nested) or _has_path(assets, nested):
                _load_container(item, weights, assets, nested, visited, failures, seen)
                continue
            # Files from Keras before nested containers were saved have no group here:
            # load what can be loaded, and warn only when a saveable really missed out.
            missed: dict = {}
            _load_container(item, weights, assets, nested, visited, missed, seen)
            if missed:
                warnings.warn(
                    f"Skipping nested container at '{nested}': no matching group found in "
                    "the saved file. This usually means the file was saved with a Keras "
                    "version that did not serialize sublayers nested inside containers. "
                    "Affected layers will retain their freshly-initialized weights.",
                    stacklevel=2,
                )


def _has_path(store, path) -> bool:
    return store is not None and store.has_path(path)


def state_variables(model) -> list:
    """Every variable a load can change: the model's and its optimizer's (deduplicated)."""
    result, seen = [], set()
    optimizer = getattr(model, "optimizer", None)
    groups = [model.variables]
    while optimizer is not None:
        groups.append(optimizer.variables)
        optimizer = getattr(optimizer, "inner_optimizer", None)
    for group in groups:
        for variable in group:
            if id(variable) not in seen:
                seen.add(id(variable))
                result.append(variable)
    return result
