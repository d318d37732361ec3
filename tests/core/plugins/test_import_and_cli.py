"""Import cost of `lamina` and the `python -m lamina plugins` command."""

import subprocess
import sys

import pytest

import lamina
from lamina.__main__ import main


def run_python(*args):
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_lamina_imports_neither_pluggy_nor_importlib_metadata():
    out = run_python(
        "-c",
        "import sys, lamina, lamina.layers, lamina.optimizers, lamina.plugins\n"
        "print(sorted(m for m in ('pluggy', 'importlib.metadata') if m in sys.modules))",
    )
    assert out.strip() == "[]"


def test_builtin_lookup_scans_no_entry_points():
    out = run_python(
        "-c",
        "import importlib.metadata as md, lamina\n"
        "def scan(**kw): raise AssertionError('entry points scanned')\n"
        "md.entry_points = scan\n"
        "print(lamina.plugins.get('ops', 'add') is lamina.ops.add)",
    )
    assert out.strip() == "True"


def test_cli_lists_loaded_failed_and_disabled_plugins(installed, kit, monkeypatch, capsys):
    class Scale:
        pass

    monkeypatch.setenv("LAMINA_DISABLE_PLUGINS", "off")
    installed(
        kit.ep("acme", kit.make("acme", layers=[("acme>Scale", Scale)]), "acme-layers", "1.2.3"),
        kit.ep("broken", RuntimeError("boom"), "lamina-broken", "0.0.1"),
        kit.ep("off", kit.make("off"), "off-dist"),
    )
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"lamina {lamina.__version__} (plugin API 1); plugins come from the entry-point group "
        "'lamina.plugins'"
    )
    assert out[1].startswith("built-in: ") and " ops" in out[1]
    assert out[2:] == [
        "plugins loaded: 1",
        "  acme: acme-layers 1.2.3",
        "    layers: acme>Scale",
        "plugins failed: 1",
        "  broken: lamina-broken 0.0.1: RuntimeError: boom",
        "plugins disabled: 1",
        "  off: disabled by LAMINA_DISABLE_PLUGINS=off",
    ]


def test_cli_verbose_lists_builtin_names(installed, capsys):
    installed()
    main(["plugins", "--verbose"])
    out = capsys.readouterr().out
    assert "    ops: " in out and " add, " in out
    assert "plugins loaded: none" in out


def test_python_dash_m_lamina_plugins_runs():
    out = run_python("-m", "lamina", "plugins")
    assert out.startswith(f"lamina {lamina.__version__} (plugin API 1)")


def test_cli_needs_a_command(capsys):
    with pytest.raises(SystemExit) as err:
        main([])
    assert err.value.code == 2
