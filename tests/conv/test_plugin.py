"""The plugin's names resolve through lamina's registry, as the catalogue says."""

import os
import subprocess
import sys

import lamina
import lamina_conv
from lamina import ops
from lamina.plugins import KNOWN_PROVIDERS, get, get_registered_name
from lamina_conv import ops as conv_ops


def test_ops_resolve_to_the_plugin():
    for name in conv_ops.__all__:
        assert getattr(ops, name) is getattr(conv_ops, name)
        assert get("ops", name) is getattr(conv_ops, name)


def test_catalogue_lists_exactly_the_registered_ops():
    listed = {n for n, dist in KNOWN_PROVIDERS["ops"].items() if dist == "lamina-layers-conv"}
    assert listed == set(conv_ops.__all__)


def test_plugin_is_reported_loaded():
    get("ops", "conv")
    info = {p.distribution: p for p in lamina.plugins.plugin_report()}["lamina-layers-conv"]
    assert info.version == lamina_conv.__version__
    assert set(conv_ops.__all__) <= set(info.provides["ops"])
    assert get_registered_name(conv_ops.conv) == "conv"


def test_catalogue_lists_exactly_the_registered_layers():
    from lamina_conv import layers as conv_layers

    listed = {n for n, d in KNOWN_PROVIDERS["layers"].items() if d == "lamina-layers-conv"}
    assert listed == set(conv_layers.__all__)


def test_layers_resolve_to_the_plugin():
    from lamina_conv import layers as conv_layers

    for name in conv_layers.__all__:
        assert getattr(lamina.layers, name) is getattr(conv_layers, name)


def test_without_the_plugin_names_raise_the_plugin_missing_error():
    code = (
        "import lamina\n"
        "for get in (lambda: lamina.layers.Conv2D, lambda: lamina.ops.conv):\n"
        "    try:\n"
        "        get()\n"
        "    except lamina.plugins.PluginNotInstalledError as err:\n"
        "        print(err)\n"
    )
    env = {**os.environ, "LAMINA_DISABLE_PLUGINS": "conv"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all("'lamina-layers-conv'" in line for line in lines)
    assert lines[0].startswith("layer 'Conv2D'") and lines[1].startswith("op 'conv'")
