"""Fake plugin distributions: entry points served by a patched `importlib.metadata`."""

import importlib.metadata
import types

import pytest

import lamina.plugins
from lamina.plugins import hookimpl


class FakeDist:
    def __init__(self, name, version="0.1.0", requires=None):
        self.name = name
        self.version = version
        self.requires = requires


class FakeEntryPoint:
    """Stands for `importlib.metadata.EntryPoint`: name, group, dist, load()."""

    group = "lamina.plugins"

    def __init__(self, name, target, dist=None):
        self.name = name
        self.value = f"fake_{name}"
        self.dist = dist
        self._target = target
        self.loads = 0

    def load(self):
        self.loads += 1
        if isinstance(self._target, BaseException):
            raise self._target
        return self._target


def make_plugin(name, api=1, hooks=None, **kinds):
    """A plugin module with `LAMINA_PLUGIN_API = api` (None: unset) and marked hooks.

    Each keyword `kind=[(name, obj), (name, obj, aliases), ...]` becomes a hook that
    registers those entries; `hooks` maps other hook names to functions.
    """
    module = types.ModuleType(f"fake_plugin_{name}")
    if api is not None:
        module.LAMINA_PLUGIN_API = api
    hooks = dict(hooks or {})
    for kind, entries in kinds.items():
        hooks[f"lamina_register_{kind}"] = registers(kind, entries)
    for hook, fn in hooks.items():
        setattr(module, hook, hookimpl(fn))
    return module


def registers(kind, entries):
    def hook(registry):
        assert registry.kind == kind
        for entry in entries:
            registry.add(*entry)

    return hook


def entry_point(name, target, dist=None, version="0.1.0", requires=None):
    """An entry point `name` of distribution `dist` (default: `name`) loading `target`."""
    return FakeEntryPoint(name, target, FakeDist(dist or name, version, requires))


@pytest.fixture(autouse=True)
def fresh_plugins(monkeypatch):
    """Each test starts from empty registries and no disabled plugins."""
    monkeypatch.delenv("LAMINA_DISABLE_PLUGINS", raising=False)
    lamina.plugins.refresh()
    yield
    lamina.plugins.refresh()


@pytest.fixture
def installed(monkeypatch):
    """`installed(ep, ...)` makes exactly these entry points (and distributions) visible."""
    state = {"eps": [], "scans": 0}

    def entry_points(**params):
        if params.get("group") != "lamina.plugins":
            return []
        state["scans"] += 1
        return list(state["eps"])

    def version(name):
        for ep in state["eps"]:
            if ep.dist is not None and ep.dist.name == name:
                return ep.dist.version
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setattr(importlib.metadata, "version", version)

    def install(*eps):
        state["eps"] = list(eps)
        return state

    return install


@pytest.fixture
def kit():
    return types.SimpleNamespace(make=make_plugin, ep=entry_point)
