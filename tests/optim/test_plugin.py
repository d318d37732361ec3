"""lamina-optim as a plugin: registration, string names, the catalogue, a missing plugin."""

import importlib.metadata
import subprocess
import sys

import numpy as np
import pytest

import lamina
from lamina import plugins
from lamina.plugins import KNOWN_PROVIDERS
from lamina_optim import optimizers as plugin_optimizers

PLUGIN_NAMES = plugin_optimizers.__all__


@pytest.mark.parametrize("name", PLUGIN_NAMES)
def test_every_name_resolves_to_the_plugin_class(name):
    cls = getattr(plugin_optimizers, name)
    assert getattr(lamina.optimizers, name) is cls
    assert plugins.get("optimizers", name) is cls
    assert plugins.get("optimizers", name.lower()) is cls
    assert plugins.get_registered_name(cls) == name


def test_the_catalogue_lists_exactly_the_registered_names_under_lamina_optim():
    catalogued = {n for n, dist in KNOWN_PROVIDERS["optimizers"].items() if dist == "lamina-optim"}
    assert catalogued == set(PLUGIN_NAMES) | {n.lower() for n in PLUGIN_NAMES}


def test_plugin_registers_exactly_its_public_names():
    report = {info.distribution: info for info in plugins.plugin_report()}
    info = report["lamina-optim"]
    assert info.status == "loaded"
    registered = set(info.provides["optimizers"])
    assert set(PLUGIN_NAMES) <= registered
    assert registered <= set(PLUGIN_NAMES) | {n.lower() for n in PLUGIN_NAMES}


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("adam", "Adam"),
        ("ADAM", "Adam"),
        ("AdamW", "AdamW"),
        ("adamw", "AdamW"),
        ("rmsprop", "RMSprop"),
        ("RMSProp", "RMSprop"),
        ("nadam", "Nadam"),
        ("schedulefreeadamw", "ScheduleFreeAdamW"),
        ("muon", "Muon"),
        ("adafactor", "Adafactor"),
    ],
)
def test_string_identifiers_build_default_optimizers(identifier, expected):
    optimizer = lamina.optimizers.get(identifier)
    assert type(optimizer).__name__ == expected
    assert not optimizer.built


def test_compile_with_a_string_trains(model):
    model.compile(optimizer="adam", loss="mse")
    assert type(model.optimizer).__name__ == "Adam"
    x = np.random.default_rng(0).standard_normal((32, 4)).astype("float32")
    y = np.zeros((32, 3), "float32")
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert int(model.optimizer.iterations) == 12


def test_the_plugin_module_imports_no_optimizer():
    code = (
        "import sys, lamina_optim.plugin as p; "
        "assert p.LAMINA_PLUGIN_API == 1; "
        "print(any(m.startswith('lamina_optim.optimizers') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_the_plugin_compile_names_lamina_optim(model, monkeypatch):
    real = importlib.metadata.entry_points

    def entry_points(**params):
        found = real(**params)
        if params.get("group") != plugins.ENTRY_POINT_GROUP:
            return found
        return [ep for ep in found if ep.value.split(".")[0] != "lamina_optim"]

    real_version = importlib.metadata.version

    def version(name):
        if name.replace("_", "-").lower() == "lamina-optim":
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    # What lamina sees once `pip uninstall lamina-optim` ran: no entry point, no version.
    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setattr(importlib.metadata, "version", version)
    plugins.refresh()
    try:
        with pytest.raises(plugins.PluginNotInstalledError, match="lamina-optim") as err:
            model.compile(optimizer="adam", loss="mse")
        assert str(err.value) == (
            "optimizer 'adam' is provided by the plugin distribution 'lamina-optim', which "
            "is not installed. Install it with: pip install lamina-optim"
        )
        with pytest.raises(ImportError, match="lamina-optim"):
            _ = lamina.optimizers.RMSprop
    finally:
        monkeypatch.undo()
        plugins.refresh()
    assert type(lamina.optimizers.get("adam")).__name__ == "Adam"
