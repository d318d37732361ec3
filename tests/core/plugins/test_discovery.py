"""Discovery of entry-point plugins, with fake distributions."""

import sys
import warnings

import pytest

import lamina
import lamina.layers
import lamina.ops
from lamina import plugins


class Scale:
    def __init__(self, factor=2.0):
        self.factor = factor


class Shift:
    pass


def test_builtins_are_answered_without_discovery(installed):
    state = installed()
    assert plugins.get("ops", "add") is lamina.ops.add
    assert state["scans"] == 0
    with pytest.raises(plugins.UnknownNameError):
        plugins.get("ops", "no_such_op")
    with pytest.raises(plugins.UnknownNameError):
        plugins.get("ops", "no_such_op_either")
    assert state["scans"] == 1  # discovery ran once, on the first unknown name


def test_plugin_layer_resolves_by_name_attribute_and_registered_name(installed, kit):
    installed(kit.ep("acme", kit.make("acme", layers=[("acme>Scale", Scale)])))
    assert lamina.layers.Scale is Scale
    assert plugins.get("layers", "acme>Scale") is Scale
    assert plugins.get_registered_name(Scale) == "acme>Scale"
    from lamina.layers import Scale as imported

    assert imported is Scale


def test_get_registered_name_falls_back_to_the_objects_name(installed):
    installed()
    assert plugins.get_registered_name(Shift) == "Shift"


def test_plugin_ops_resolve_as_lamina_ops_attributes(installed, kit):
    def conv(x, kernel):
        return x

    installed(kit.ep("conv", kit.make("conv", ops=[("conv", conv)]), "lamina-layers-conv"))
    assert lamina.ops.conv is conv


def test_hooks_of_a_kind_run_only_when_that_kind_is_looked_up(installed, kit):
    calls = []

    def layers_hook(registry):
        calls.append("layers")
        registry.add("Scale", Scale)

    installed(kit.ep("acme", kit.make("acme", hooks={"lamina_register_layers": layers_hook})))
    with pytest.raises(plugins.UnknownNameError):
        plugins.get("optimizers", "nothing")
    assert calls == []
    assert lamina.layers.Scale is Scale
    assert lamina.layers.Scale is Scale
    assert calls == ["layers"]


def test_broken_plugin_warns_and_the_others_still_load(installed, kit):
    installed(
        kit.ep("broken", RuntimeError("simulated bug at import time"), "lamina-broken", "0.0.1"),
        kit.ep("good", kit.make("good", layers=[("Scale", Scale)])),
    )
    with pytest.warns(RuntimeWarning) as record:
        assert lamina.layers.Scale is Scale
    assert [str(w.message) for w in record] == [
        "lamina: plugin 'broken' not loaded: lamina-broken 0.0.1: RuntimeError: "
        "simulated bug at import time"
    ]
    status = {p.name: p.status for p in plugins.plugin_report()}
    assert status == {"lamina": "built-in", "broken": "failed", "good": "loaded"}


def test_hook_that_raises_fails_its_plugin_and_rolls_back_its_names(installed, kit):
    def half_then_crash(registry):
        registry.add("Shift", Shift)
        raise ImportError("No module named 'heavy_dependency'")

    installed(
        kit.ep("bad", kit.make("bad", hooks={"lamina_register_layers": half_then_crash})),
        kit.ep("good", kit.make("good", layers=[("Scale", Scale)])),
    )
    with pytest.warns(RuntimeWarning, match="plugin 'bad' not loaded: its layers hook raised"):
        assert lamina.layers.Scale is Scale
    assert not hasattr(lamina.layers, "Shift")
    (bad,) = [p for p in plugins.plugin_report() if p.name == "bad"]
    assert bad.status == "failed" and "heavy_dependency" in bad.reason


@pytest.mark.parametrize(
    ("api", "built", "fix"),
    [
        (2, "was built for lamina plugin API 2", "pip install -U lamina"),
        (0, "was built for lamina plugin API 0", "pip install -U lamina-layers-conv"),
        (None, "does not declare LAMINA_PLUGIN_API", "pip install -U lamina-layers-conv"),
    ],
)
def test_incompatible_plugin_api_is_refused_naming_both_versions(installed, kit, api, built, fix):
    plugin = kit.make("conv", api=api, layers=[("Conv2D", Scale)])
    installed(kit.ep("conv", plugin, "lamina-layers-conv", "0.1.3"))
    with pytest.warns(RuntimeWarning) as record:
        with pytest.raises(plugins.PluginNotInstalledError) as err:
            _ = lamina.layers.Conv2D
    (warning,) = record
    assert str(warning.message) == (
        f"lamina: plugin 'conv' not loaded: lamina-layers-conv 0.1.3 {built}, but lamina "
        f"{lamina.__version__} provides plugin API 1. Fix: {fix}"
    )
    assert str(err.value) == (
        "layer 'Conv2D' is provided by the plugin distribution 'lamina-layers-conv', which is "
        f"installed but was not loaded: lamina-layers-conv 0.1.3 {built}, but lamina "
        f"{lamina.__version__} provides plugin API 1. Fix: {fix}"
    )


@pytest.mark.parametrize("with_packaging", [True, False])
def test_refusal_quotes_the_plugins_lamina_requirement(installed, kit, monkeypatch, with_packaging):
    if with_packaging:
        pytest.importorskip("packaging")
    else:  # packaging is not a lamina dependency: the requirement is read as plain text
        monkeypatch.setitem(sys.modules, "packaging.requirements", None)
    requires = [
        "numpy>=1.26",
        "lamina-extras>=5",
        'lamina>=9; extra == "next"',
        "lamina<0.2,>=0.1",
        'pytest; extra == "test"',
    ]
    installed(kit.ep("conv", kit.make("conv", api=2), "lamina-layers-conv", "0.1.3", requires))
    with pytest.warns(RuntimeWarning, match=r"plugin API 2 \(it requires lamina<0.2,>=0.1\), "):
        plugins.plugin_report()


def test_import_failure_mentions_an_unmet_lamina_requirement(installed, kit):
    pytest.importorskip("packaging")
    error = ImportError("cannot import name 'gone'")
    installed(kit.ep("old", error, "lamina-old", "0.0.9", ["lamina<0.0.1"]))
    with pytest.warns(RuntimeWarning) as record:
        plugins.plugin_report()
    assert str(record[0].message) == (
        "lamina: plugin 'old' not loaded: lamina-old 0.0.9: ImportError: cannot import name "
        f"'gone' (lamina-old 0.0.9 requires lamina<0.0.1, but lamina {lamina.__version__} is "
        "installed; run: pip install -U lamina-old)"
    )


def test_misspelt_hook_is_caught_by_check_pending(installed, kit):
    typo = kit.make("typo", hooks={"lamina_register_layer": lambda registry: None})
    installed(kit.ep("typo", typo))
    with pytest.warns(RuntimeWarning, match="unknown hook 'lamina_register_layer'"):
        plugins.plugin_report()
    assert plugins.plugin_report()[1].status == "failed"


@pytest.mark.parametrize("disable", ["acme", "acme-layers", "Acme_Layers", "other, acme"])
def test_disabled_plugins_are_not_even_imported(installed, kit, monkeypatch, disable):
    monkeypatch.setenv("LAMINA_DISABLE_PLUGINS", disable)
    ep = kit.ep("acme", kit.make("acme", layers=[("Scale", Scale)]), "acme-layers")
    installed(ep)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not hasattr(lamina.layers, "Scale")
    assert ep.loads == 0
    (info,) = plugins.plugin_report()[1:]
    assert info.status == "disabled"
    assert info.reason == f"disabled by LAMINA_DISABLE_PLUGINS={disable}"


def test_duplicate_names_from_two_plugins_name_both_origins(installed, kit):
    installed(
        kit.ep("first", kit.make("first", layers=[("Scale", Scale)]), "first-dist", "1.0"),
        kit.ep("second", kit.make("second", layers=[("Scale", Shift)]), "second-dist", "2.0"),
    )
    with pytest.warns(RuntimeWarning) as record:
        assert lamina.layers.Scale is Scale
    assert str(record[0].message).startswith(
        "lamina: plugin 'second' not loaded: its layers hook raised DuplicateNameError: layer "
        "'Scale' from plugin 'second' (second-dist 2.0) is already registered by plugin "
        "'first' (first-dist 1.0)."
    )


def test_plugin_cannot_replace_a_builtin(installed, kit):
    installed(kit.ep("shadow", kit.make("shadow", ops=[("add", len)])))
    expected = r"op 'add' from plugin 'shadow' \(shadow 0.1.0\) is already registered by lamina"
    with pytest.warns(RuntimeWarning, match=expected):
        plugins.get_registry("ops")
    assert plugins.get("ops", "add") is lamina.ops.add


def test_short_names_resolve_unless_ambiguous(installed, kit):
    installed(
        kit.ep("a", kit.make("a", layers=[("a>Scale", Scale)])),
        kit.ep("b", kit.make("b", layers=[("b>Scale", Shift)])),
    )
    assert plugins.get("layers", "a>Scale") is Scale
    assert plugins.get("layers", "b>Scale") is Shift
    with pytest.raises(plugins.AmbiguousNameError, match=r"'a>Scale'.*'b>Scale'"):
        plugins.get("layers", "Scale")
    assert not hasattr(lamina.layers, "Scale")  # an AttributeError, naming both
    with pytest.raises(AttributeError, match=r"'Scale': layer 'Scale' is ambiguous"):
        _ = lamina.layers.Scale


def test_hookimpl_taking_no_arguments_is_accepted(installed, kit):
    calls = []
    installed(
        kit.ep(
            "quiet", kit.make("quiet", hooks={"lamina_register_layers": lambda: calls.append(1)})
        )
    )
    plugins.get_registry("layers")
    assert calls == [1]
    assert plugins.plugin_report()[1].status == "loaded"


def test_hook_may_look_names_up_while_registering(installed, kit):
    calls = []

    def hook(registry):
        calls.append(1)
        registry.add("Scale", Scale)
        # e.g. a plugin module doing `from lamina.layers import Scale` at import time
        assert lamina.layers.Scale is Scale
        assert not hasattr(lamina.layers, "Shift")  # not registered yet: no second pass
        registry.add("Shift", Shift)

    installed(kit.ep("acme", kit.make("acme", hooks={"lamina_register_layers": hook})))
    assert lamina.layers.Shift is Shift
    assert calls == [1]


def test_refresh_picks_up_a_newly_installed_plugin(installed, kit):
    state = installed()
    assert not hasattr(lamina.layers, "Scale")
    state["eps"] = [kit.ep("acme", kit.make("acme", layers=[("Scale", Scale)]))]
    assert not hasattr(lamina.layers, "Scale")  # discovery already ran
    plugins.refresh()
    assert lamina.layers.Scale is Scale


def test_unknown_kind_and_non_string_names_are_rejected():
    with pytest.raises(ValueError, match="unknown kind 'layer'"):
        plugins.get("layer", "Dense")
    with pytest.raises(TypeError, match="names are strings"):
        plugins.get("layers", 3)
