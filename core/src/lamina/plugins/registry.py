"""`Registry`: the named things of one kind (layers, optimizers, ...) and where each came from.

Names are either plain (`"Conv2D"`, what lamina and its first-party plugins use, as
Keras does for its own classes) or package-qualified (`"acme>Scale"`, the form Keras
gives registered custom objects). A package-qualified name can also be looked up by
its short part (`"Scale"`) while that part is unambiguous and not itself registered.
"""

from __future__ import annotations

KINDS = {
    "layers": "layer",
    "ops": "op",
    "optimizers": "optimizer",
    "losses": "loss",
    "metrics": "metric",
    "initializers": "initializer",
    "callbacks": "callback",
    "applications": "application",
    "strategies": "strategy",
    "backends": "backend",
}

BUILTIN_ORIGIN = "lamina (built-in)"
_RUNTIME_ORIGIN = "a call to Registry.add"


class DuplicateNameError(ValueError):
    """A name is already registered for this kind (the message names both origins)."""


class AmbiguousNameError(ValueError):
    """A short name matches several package-qualified names."""


class Registry:
    """The objects of one kind, by name, with the origin of each name.

    Args:
        kind: one of `KINDS` (`"layers"`, `"optimizers"`, ...).

    Example:
        >>> registry = Registry("layers")
        >>> registry.add("acme>Scale", Scale, aliases=("scale",))
        >>> registry.get("Scale") is Scale
        True
    """

    def __init__(self, kind: str):
        if kind not in KINDS:
            raise ValueError(f"Registry: unknown kind {kind!r}; expected one of {sorted(KINDS)}.")
        self.kind = kind
        self.noun = KINDS[kind]
        self._objects: dict[str, object] = {}  # name or alias -> object
        self._origins: dict[str, str] = {}  # name or alias -> who registered it
        self._canonical: dict[int, str] = {}  # id(object) -> its registered (first) name
        self._short: dict[str, list[str]] = {}  # "Scale" -> ["acme>Scale", ...]

    def add(self, name: str, obj, aliases=(), *, origin: str = _RUNTIME_ORIGIN) -> None:
        """Register `obj` under `name` (and `aliases`); every name must be new.

        Args:
            name: the registered name: `"Conv2D"` or `"package>Name"`.
            obj: the class or function.
            aliases: other names for the same object (e.g. `("adam",)`).
            origin: who registers it, for error messages (set by lamina for plugins).

        Raises:
            DuplicateNameError: a name is taken; the message names both origins.
        """
        names = (name, *aliases)
        for n in names:
            _check_name(n, self.noun)
        for n in names:
            if n in self._objects:
                raise DuplicateNameError(
                    f"{self.noun} {n!r} from {origin} is already registered by "
                    f"{self._origins[n]}. Two plugins provide the same name: uninstall one "
                    "of them, or disable one with LAMINA_DISABLE_PLUGINS=<entry point name>."
                )
        if len(set(names)) != len(names):
            raise DuplicateNameError(f"{self.noun} {name!r} from {origin}: aliases repeat a name.")
        for n in names:
            self._objects[n] = obj
            self._origins[n] = origin
            _, sep, short = n.partition(">")
            if sep:
                self._short.setdefault(short, []).append(n)
        self._canonical.setdefault(id(obj), name)

    def get(self, name: str):
        """Return the object registered as `name` (or as `"package>name"`).

        Raises:
            KeyError: nothing is registered under that name.
            AmbiguousNameError: the short name matches several packages' names.
        """
        try:
            return self._objects[name]
        except KeyError:
            pass
        full_names = self._short.get(name)
        if not full_names:
            raise KeyError(name)
        if len(full_names) > 1:
            listed = ", ".join(f"{n!r} ({self._origins[n]})" for n in full_names)
            raise AmbiguousNameError(
                f"{self.noun} {name!r} is ambiguous: it could be {listed}. "
                "Use the full 'package>Name'."
            )
        return self._objects[full_names[0]]

    def __contains__(self, name: str) -> bool:
        try:
            self.get(name)
        except (KeyError, AmbiguousNameError):
            return False
        return True

    def __len__(self) -> int:
        return len(self._canonical)

    def origin(self, name: str) -> str:
        """Who registered `name` (e.g. `"plugin 'acme' (acme-layers 0.1.0)"`)."""
        return self._origins[name]

    def registered_name(self, obj) -> str | None:
        """The name `obj` was first registered under, or None."""
        name = self._canonical.get(id(obj))
        if name is not None and self._objects.get(name) is obj:
            return name
        return None

    def names(self) -> list[str]:
        """All registered names and aliases, sorted."""
        return sorted(self._objects)

    def names_from(self, origin: str) -> list[str]:
        """The names (not aliases) registered by `origin`, in registration order."""
        return [
            name
            for name, obj in self._objects.items()
            if self._origins[name] == origin and self._canonical.get(id(obj)) == name
        ]

    def remove_origin(self, origin: str) -> None:
        """Forget every name `origin` registered (a plugin that failed half-way)."""
        for name in [n for n, o in self._origins.items() if o == origin]:
            obj = self._objects.pop(name)
            del self._origins[name]
            if self._canonical.get(id(obj)) == name:
                del self._canonical[id(obj)]
            _, sep, short = name.partition(">")
            if sep:
                self._short[short].remove(name)
                if not self._short[short]:
                    del self._short[short]

    def __repr__(self) -> str:
        return f"<Registry {self.kind}: {len(self)} objects>"


class Registrar:
    """What a hook implementation receives: `add()` on one registry, stamped with its origin."""

    __slots__ = ("_origin", "_registry")

    def __init__(self, registry: Registry, origin: str):
        self._registry = registry
        self._origin = origin

    @property
    def kind(self) -> str:
        return self._registry.kind

    def add(self, name: str, obj, aliases=()) -> None:
        """Register `obj` under `name` and `aliases` (see `Registry.add`)."""
        self._registry.add(name, obj, aliases, origin=self._origin)


def _check_name(name, noun: str) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"{noun} names must be non-empty strings, received {name!r}.")
    package, sep, short = name.partition(">")
    if sep and (not package or not short or ">" in short):
        raise ValueError(f"{noun} name {name!r}: expected 'Name' or 'package>Name' with one '>'.")
