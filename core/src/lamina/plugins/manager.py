"""Plugin discovery and lookups: built-ins first, entry points only when a name is missing.

Nothing here imports pluggy or `importlib.metadata` at module level: the plugin
manager (pluggy) is made on the first lookup, and the entry points of the group
`lamina.plugins` are read only when a name is not built in. Each entry point is
loaded on its own, so one broken plugin warns and the others still load.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
import warnings

from lamina.__about__ import __version__
from lamina.plugins.catalogue import provider_of
from lamina.plugins.registry import (
    BUILTIN_ORIGIN,
    KINDS,
    AmbiguousNameError,
    Registrar,
    Registry,
)

PLUGIN_API = 1
ENTRY_POINT_GROUP = "lamina.plugins"
DISABLE_ENV = "LAMINA_DISABLE_PLUGINS"
# "lamina [extras] (>=0.1,<0.2)" read without packaging; "lamina-foo>=1" must not match.
_PLAIN_REQUIREMENT = re.compile(r"\s*lamina\s*(?:\[[^\]]*\])?\s*\(?\s*([<>=!~][^)]*)?\)?\s*", re.I)


class PluginNotInstalledError(ImportError):
    """The name belongs to a lamina plugin distribution that is not installed or not loaded."""


class UnknownNameError(ValueError):
    """Neither lamina nor any installed plugin provides this name."""


class IncompatiblePluginError(RuntimeError):
    """A plugin was built for another plugin API than this lamina provides."""


class PluginInfo:
    """One entry point of the group `lamina.plugins` (or lamina's built-ins).

    Attributes:
        name: the entry point's name (what `LAMINA_DISABLE_PLUGINS` takes).
        distribution, version: the installed distribution that declares it.
        status: `"built-in"`, `"loaded"`, `"failed"` or `"disabled"`.
        reason: why it failed or is disabled.
        provides: kind -> names it registered (filled as kinds are looked up).
    """

    def __init__(self, name: str, distribution: str | None, version: str | None, status: str):
        self.name = name
        self.distribution = distribution
        self.version = version
        self.status = status
        self.reason = ""
        self.provides: dict[str, list[str]] = {}
        self.plugin = None  # the loaded module, once registered

    def __repr__(self) -> str:
        return (
            f"PluginInfo(name={self.name!r}, distribution={self.distribution!r}, "
            f"version={self.version!r}, status={self.status!r}, reason={self.reason!r}, "
            f"provides={self.provides!r})"
        )

    @property
    def origin(self) -> str:
        if self.status == "built-in":
            return BUILTIN_ORIGIN
        if self.distribution:
            return f"plugin {self.name!r} ({self.distribution} {self.version})"
        return f"plugin {self.name!r}"


class _State:
    def __init__(self) -> None:
        self.registries = {kind: Registry(kind) for kind in KINDS}
        # Kinds whose built-ins / plugin names are all registered. The lock-free fast
        # path in get() trusts only these; `filling` marks work in progress, so that a
        # hook which itself looks a name up (same thread) does not start it again.
        self.builtin_done: set[str] = set()
        self.plugins_done: set[str] = set()
        self.filling: set[tuple[str, str]] = set()
        self.pm = None
        self.builtin = None
        self.discovered = False
        self.plugins: list[PluginInfo] = []  # every entry point seen, in discovery order


_lock = threading.RLock()
_state = _State()


def get(kind: str, name: str):
    """Return the object registered as `name` for `kind`, built in or from a plugin.

    Built-in names never trigger plugin discovery; other names load the installed
    plugins once (the first time such a name is asked for).

    Args:
        kind: `"layers"`, `"ops"`, `"optimizers"`, ... (see `KINDS`).
        name: a registered name (`"Conv2D"`, `"acme>Scale"`) or the short part of one.

    Raises:
        PluginNotInstalledError: a first-party plugin provides it but is not installed.
        UnknownNameError: a ValueError listing the known names.

    Example:
        >>> lamina.plugins.get("ops", "add") is lamina.ops.add
        True
    """
    registry = _registry(kind)
    if not isinstance(name, str):
        raise TypeError(f"lamina.plugins.get: {KINDS[kind]} names are strings, received {name!r}.")
    state = _state
    if kind not in state.builtin_done:
        _fill_builtin(kind)
    try:
        return registry.get(name)
    except KeyError:
        pass
    if kind not in state.plugins_done:
        _fill_plugins(kind)
    try:
        return registry.get(name)
    except KeyError:
        raise _not_found(kind, name) from None


def get_registry(kind: str) -> Registry:
    """The registry of `kind` with built-ins and every installed plugin's names in it."""
    registry = _registry(kind)
    _fill_plugins(kind)
    return registry


def get_registered_name(obj) -> str:
    """The name `obj` is registered under (`"Conv2D"`, `"acme>Scale"`), else its `__name__`.

    Example:
        >>> lamina.plugins.get_registered_name(Scale)
        'acme>Scale'
    """
    for fill in (_fill_builtin, _fill_plugins):
        for kind, registry in _state.registries.items():
            fill(kind)
            name = registry.registered_name(obj)
            if name is not None:
                return name
    return obj.__name__


def plugin_report() -> list[PluginInfo]:
    """Every plugin entry point with its status, version and what it provides.

    The first item describes lamina's built-ins. Loads all plugins and calls all hooks.
    """
    for kind in KINDS:
        _fill_plugins(kind)
    state = _state
    core = PluginInfo("lamina", "lamina", __version__, "built-in")
    for kind, registry in state.registries.items():
        names = registry.names_from(BUILTIN_ORIGIN)
        if names:
            core.provides[kind] = names
    return [core, *state.plugins]


def refresh() -> None:
    """Forget registries and plugins; the next lookup discovers installed plugins again.

    Call it after installing or removing a plugin in a running process.
    """
    global _state
    with _lock:
        _state = _State()
    importlib.invalidate_caches()


def module_getattr(kind: str, module_name: str):
    """A module `__getattr__` (PEP 562) that resolves missing names through the registry.

    Unknown names raise AttributeError (so `hasattr` works); names of a first-party
    plugin that is not installed raise `PluginNotInstalledError`, an ImportError, which
    `from module import Name` passes on with its message.
    """

    def __getattr__(name: str):
        if name.startswith("_"):
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        try:
            return get(kind, name)
        except AmbiguousNameError as err:
            raise AttributeError(
                f"module {module_name!r} has no attribute {name!r}: {err}"
            ) from None
        except UnknownNameError:
            close = _close_matches(name, _state.registries[kind].names(), 1)
            hint = f". Did you mean {close[0]!r}?" if close else ""
            raise AttributeError(
                f"module {module_name!r} has no attribute {name!r}{hint}"
            ) from None

    return __getattr__


def _registry(kind: str) -> Registry:
    try:
        return _state.registries[kind]
    except KeyError:
        raise ValueError(
            f"lamina.plugins: unknown kind {kind!r}; expected one of {', '.join(KINDS)}."
        ) from None


def _manager():
    """The pluggy manager with lamina's hookspecs and its built-in plugin registered."""
    state = _state
    if state.pm is None:
        import pluggy

        from lamina.plugins import builtin, hookspecs

        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs.LaminaSpecs)
        pm.register(builtin, name="lamina")
        state.builtin = builtin
        state.pm = pm
    return state.pm


def _call_hook(kind: str, plugin, origin: str) -> None:
    """Call one plugin's hook for `kind` with a registrar stamped with its origin."""
    from lamina.plugins.hookspecs import hook_name

    pm = _state.pm
    others = [p for p in pm.get_plugins() if p is not plugin]
    caller = pm.subset_hook_caller(hook_name(kind), remove_plugins=others)
    caller(registry=Registrar(_state.registries[kind], origin))


def _fill_builtin(kind: str) -> None:
    with _lock:
        state = _state
        if kind in state.builtin_done or ("builtin", kind) in state.filling:
            return
        _manager()
        state.filling.add(("builtin", kind))
        try:
            _call_hook(kind, state.builtin, BUILTIN_ORIGIN)
        except BaseException:
            state.registries[kind].remove_origin(BUILTIN_ORIGIN)
            raise
        finally:
            state.filling.discard(("builtin", kind))
        state.builtin_done.add(kind)


def _fill_plugins(kind: str) -> None:
    with _lock:
        state = _state
        if kind in state.plugins_done or ("plugins", kind) in state.filling:
            return
        _fill_builtin(kind)
        state.filling.add(("plugins", kind))
        try:
            _discover()
            for info in state.plugins:
                if info.status != "loaded":
                    continue
                try:
                    _call_hook(kind, info.plugin, info.origin)
                except Exception as err:
                    _fail(info, f"its {kind} hook raised {type(err).__name__}: {err}")
                    continue
                names = state.registries[kind].names_from(info.origin)
                if names:
                    info.provides[kind] = names
        finally:
            state.filling.discard(("plugins", kind))
        state.plugins_done.add(kind)


def _discover() -> None:
    """Load every entry point of the group, each on its own; record and warn on failures."""
    state = _state
    if state.discovered:
        return
    state.discovered = True
    import importlib.metadata as metadata

    pm = _manager()
    disabled = {_canonical(n) for n in os.environ.get(DISABLE_ENV, "").split(",") if n.strip()}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        state.plugins.append(_load(pm, ep, disabled))


def _load(pm, ep, disabled: set[str]) -> PluginInfo:
    dist = getattr(ep, "dist", None)
    dist_name = _dist_name(dist)
    info = PluginInfo(ep.name, dist_name, getattr(dist, "version", None), "loaded")
    if _canonical(ep.name) in disabled or (dist_name and _canonical(dist_name) in disabled):
        pm.set_blocked(ep.name)
        info.status = "disabled"
        info.reason = f"disabled by {DISABLE_ENV}={os.environ.get(DISABLE_ENV, '')}"
        return info
    try:
        plugin = ep.load()
        _check_api(plugin, info, dist)
        pm.register(plugin, name=ep.name)
        try:
            pm.check_pending()  # a misspelt hook name fails here, not silently
        except Exception:
            pm.unregister(plugin)
            raise
    except Exception as err:
        _fail(info, _failure_reason(err, info, dist))
        return info
    info.plugin = plugin
    return info


def _fail(info: PluginInfo, reason: str) -> None:
    state = _state
    if info.plugin is not None and state.pm.is_registered(info.plugin):
        state.pm.unregister(info.plugin)
    for registry in state.registries.values():
        registry.remove_origin(info.origin)
    info.status = "failed"
    info.reason = reason
    info.provides.clear()
    warnings.warn(
        f"lamina: plugin {info.name!r} not loaded: {reason}", RuntimeWarning, stacklevel=2
    )


def _check_api(plugin, info: PluginInfo, dist) -> None:
    api = getattr(plugin, "LAMINA_PLUGIN_API", None)
    if api == PLUGIN_API:
        return
    where = _where(info)
    if api is None:
        built = "does not declare LAMINA_PLUGIN_API"
    else:
        built = f"was built for lamina plugin API {api!r}"
    spec, _ = _lamina_requirement(dist)
    wants = f" (it requires lamina{spec})" if spec else ""
    if isinstance(api, int) and api > PLUGIN_API:
        fix = "pip install -U lamina"
    else:
        fix = f"pip install -U {info.distribution or 'the plugin'}"
    raise IncompatiblePluginError(
        f"{where} {built}{wants}, but lamina {__version__} provides plugin API "
        f"{PLUGIN_API}. Fix: {fix}"
    )


def _failure_reason(err: Exception, info: PluginInfo, dist) -> str:
    if isinstance(err, IncompatiblePluginError):
        return str(err)
    reason = f"{_where(info)}: {type(err).__name__}: {err}"
    spec, satisfied = _lamina_requirement(dist)
    if satisfied is False:
        reason += (
            f" ({info.distribution} {info.version} requires lamina{spec}, but lamina "
            f"{__version__} is installed; run: pip install -U {info.distribution})"
        )
    return reason


def _lamina_requirement(dist) -> tuple[str | None, bool | None]:
    """The plugin's Requires-Dist on lamina: (specifier text, satisfied by this lamina).

    `packaging` is not a dependency of lamina: without it the specifier is read as
    plain text and `satisfied` is None (unknown).
    """
    requires = getattr(dist, "requires", None) or []
    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:
        for line in requires:
            requirement, _, marker = line.partition(";")
            match = _PLAIN_REQUIREMENT.fullmatch(requirement)
            if match and "extra" not in marker:
                return match.group(1).replace(" ", "") or None, None
        return None, None
    for line in requires:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if _canonical(req.name) != "lamina":
            continue
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        spec = str(req.specifier)
        if not spec:
            return None, None
        return spec, req.specifier.contains(__version__, prereleases=True)
    return None, None


def _not_found(kind: str, name: str) -> Exception:
    noun = KINDS[kind]
    dist = provider_of(kind, name)
    if dist is None:
        known = _state.registries[kind].names()
        message = f"Unknown {noun}: {name!r}."
        close = _close_matches(name, known, 3)
        if close:
            message += f" Did you mean {', '.join(map(repr, close))}?"
        message += f" Known {kind}: {', '.join(known) or '(none)'}."
        failed = [p for p in _state.plugins if p.status == "failed"]
        if failed:
            message += " Plugins that failed to load: " + "; ".join(
                f"{p.name!r}: {p.reason}" for p in failed
            )
        return UnknownNameError(message)
    head = f"{noun} {name!r} is provided by the plugin distribution {dist!r}, which"
    info = next((p for p in _state.plugins if p.distribution and _same(p.distribution, dist)), None)
    if info is None:
        version = _installed_version(dist)
        if version is None:
            return PluginNotInstalledError(
                f"{head} is not installed. Install it with: pip install {dist}"
            )
        return PluginNotInstalledError(
            f"{head} is installed (version {version}) but declares no {ENTRY_POINT_GROUP!r} "
            f"entry point. Reinstall it with: pip install --force-reinstall {dist}"
        )
    if info.status == "failed":
        return PluginNotInstalledError(f"{head} is installed but was not loaded: {info.reason}")
    if info.status == "disabled":
        return PluginNotInstalledError(
            f"{head} is installed but {info.reason}. Remove it from {DISABLE_ENV} to use it."
        )
    return PluginNotInstalledError(
        f"{head} is installed (version {info.version}) but does not register it. "
        f"Upgrade it with: pip install -U {dist}"
    )


def _close_matches(name: str, known: list[str], n: int) -> list[str]:
    import difflib  # error paths only

    return difflib.get_close_matches(name, known, n=n)


def _installed_version(dist: str) -> str | None:
    import importlib.metadata as metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _dist_name(dist) -> str | None:
    if dist is None:
        return None
    name = getattr(dist, "name", None)
    if name is None:
        name = dist.metadata["Name"]
    return name


def _where(info: PluginInfo) -> str:
    if info.distribution:
        return f"{info.distribution} {info.version}"
    return f"entry point {info.name!r}"


def _canonical(name: str) -> str:
    """PEP 503 normalisation: `Lamina_Layers.Conv` -> `lamina-layers-conv`."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def _same(a: str, b: str) -> bool:
    return _canonical(a) == _canonical(b)
