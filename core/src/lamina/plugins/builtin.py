"""lamina's own named things, registered through the same hooks a plugin implements.

This module is the first plugin the manager registers. Each hook registers the public
names of one core module, so a class added to `lamina.layers.__all__` (say) becomes
the built-in layer of that name with no further step.
"""

from __future__ import annotations

import types

from lamina.plugins.hookspecs import hookimpl


@hookimpl
def lamina_register_layers(registry):
    from lamina import layers

    register_public(registry, layers, classes_only=True)


@hookimpl
def lamina_register_optimizers(registry):
    from lamina import optimizers

    # Keras looks built-in optimizers up case-insensitively: get("adam"), get("rmsprop").
    register_public(registry, optimizers, classes_only=True, alias=str.lower)


@hookimpl
def lamina_register_losses(registry):
    from lamina import losses

    register_public(registry, losses)


@hookimpl
def lamina_register_metrics(registry):
    from lamina import metrics

    register_public(registry, metrics)


@hookimpl
def lamina_register_callbacks(registry):
    from lamina import callbacks

    register_public(registry, callbacks, classes_only=True)


@hookimpl
def lamina_register_ops(registry):
    from lamina import ops

    names = [n for n, v in vars(ops).items() if not isinstance(v, types.ModuleType)]
    register_public(registry, ops, names=names)


# Module-level accessors that share a namespace with the named things but are not among them.
_ACCESSORS = frozenset({"get", "serialize", "deserialize"})


def register_public(registry, module, *, names=None, classes_only=False, alias=None) -> None:
    """Register the public names of `module` (its `__all__` unless `names` is given).

    Names bound to the same object become aliases of the one equal to the object's
    `__name__` (`Convolution2D` -> `Conv2D`). `alias(name)` adds one more alias per
    object when it differs from every name (e.g. the lower-case name).
    """
    if names is None:
        names = getattr(module, "__all__", ())
    by_object: dict[int, tuple[object, list[str]]] = {}
    for name in names:
        if name.startswith("_") or name in _ACCESSORS:
            continue
        obj = getattr(module, name)
        if not callable(obj) or (classes_only and not isinstance(obj, type)):
            continue
        by_object.setdefault(id(obj), (obj, []))[1].append(name)
    for obj, obj_names in by_object.values():
        own = getattr(obj, "__name__", None)
        main = own if own in obj_names else obj_names[0]
        aliases = [n for n in obj_names if n != main]
        if alias is not None:
            extra = alias(main)
            if extra not in obj_names:
                aliases.append(extra)
        registry.add(main, obj, aliases=tuple(aliases))
