"""A real third-party plugin: built with hatchling, installed, found through its entry point."""

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lamina
import lamina.layers
from lamina import plugins

FILES = {
    "pyproject.toml": """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [project]
        name = "acme-lamina-scale"
        version = "0.3.1"
        requires-python = ">=3.10"
        dependencies = ["lamina>=0.1"]

        [project.entry-points."lamina.plugins"]
        acme = "acme_scale.plugin"

        [tool.hatch.build.targets.wheel]
        packages = ["src/acme_scale"]
    """,
    "src/acme_scale/__init__.py": '"""acme: a lamina plugin with one layer."""\n',
    "src/acme_scale/plugin.py": """
        from lamina.plugins import hookimpl

        LAMINA_PLUGIN_API = 1


        @hookimpl
        def lamina_register_layers(registry):
            from acme_scale.layers import Scale

            registry.add("acme>Scale", Scale)
    """,
    "src/acme_scale/layers.py": """
        from lamina import ops


        class Scale:
            def __init__(self, factor=2.0):
                self.factor = factor

            def __call__(self, x):
                return ops.multiply(x, self.factor)

            def get_config(self):
                return {"factor": self.factor}

            @classmethod
            def from_config(cls, config):
                return cls(**config)
    """,
}


def install_command():
    """uv when available (about a second with a warm cache), else pip."""
    uv = shutil.which("uv")
    if uv:
        return [uv, "pip", "install", "--no-deps", "--python", sys.executable]
    if importlib.util.find_spec("pip") is None:
        pytest.skip("needs uv or pip to build and install the plugin")
    return [sys.executable, "-m", "pip", "install", "--no-deps", "--no-input"]


@pytest.fixture(scope="module")
def acme_site(tmp_path_factory):
    """Build the acme plugin from source and install it into a fresh folder."""
    source = tmp_path_factory.mktemp("acme-src")
    for path, text in FILES.items():
        file = source / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text).lstrip())
    target = tmp_path_factory.mktemp("acme-site")
    result = subprocess.run(
        [*install_command(), "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "acme_scale" / "plugin.py").exists()
    return target


@pytest.fixture
def acme_installed(acme_site, monkeypatch):
    monkeypatch.syspath_prepend(str(acme_site))
    plugins.refresh()
    yield
    for name in [m for m in sys.modules if m.split(".")[0] == "acme_scale"]:
        del sys.modules[name]


def test_installed_plugin_layer_is_usable_by_name(acme_installed):
    Scale = lamina.layers.Scale
    assert Scale.__module__ == "acme_scale.layers"
    assert plugins.get("layers", "Scale") is Scale
    out = Scale(3.0)(np.ones((2, 2), "float32"))
    np.testing.assert_array_equal(out.numpy(), np.full((2, 2), 3.0, "float32"))


def test_installed_plugin_layer_round_trips_through_a_config(acme_installed):
    layer = plugins.get("layers", "acme>Scale")(0.5)
    config = {"class_name": plugins.get_registered_name(type(layer)), "config": layer.get_config()}
    assert config == {"class_name": "acme>Scale", "config": {"factor": 0.5}}
    restored = plugins.get("layers", config["class_name"]).from_config(config["config"])
    x = np.arange(4.0, dtype="float32")
    np.testing.assert_array_equal(restored(x).numpy(), layer(x).numpy())


def test_installed_plugin_is_reported_with_its_version(acme_installed):
    (acme,) = [p for p in plugins.plugin_report() if p.name == "acme"]
    assert (acme.distribution, acme.version, acme.status) == (
        "acme-lamina-scale",
        "0.3.1",
        "loaded",
    )
    assert acme.provides == {"layers": ["acme>Scale"]}


def test_cli_lists_the_installed_plugin(acme_site):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(acme_site), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "lamina", "plugins"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "  acme: acme-lamina-scale 0.3.1\n    layers: acme>Scale\n" in result.stdout


def test_disabling_the_installed_plugin_hides_its_layer(acme_installed, monkeypatch):
    monkeypatch.setenv("LAMINA_DISABLE_PLUGINS", "acme-lamina-scale")
    assert not hasattr(lamina.layers, "Scale")
    assert "acme_scale.plugin" not in sys.modules
