"""What users see for names whose plugin is missing, refused, disabled, or unknown."""

import subprocess
import sys

import pytest

import lamina
import lamina.layers
import lamina.ops
import lamina.optimizers
from lamina import plugins
from lamina.plugins import KNOWN_PROVIDERS


def not_installed(noun, name, dist):
    return (
        f"{noun} '{name}' is provided by the plugin distribution '{dist}', which is not "
        f"installed. Install it with: pip install {dist}"
    )


class Adam:
    def __init__(self, learning_rate=0.001):
        self.learning_rate = learning_rate

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def apply_gradients(self, grads_and_vars):
        return grads_and_vars


def test_missing_layer_by_attribute_and_by_import(installed):
    installed()
    message = not_installed("layer", "Conv2D", "lamina-layers-conv")
    with pytest.raises(plugins.PluginNotInstalledError) as err:
        _ = lamina.layers.Conv2D
    assert str(err.value) == message
    assert isinstance(err.value, ImportError)
    with pytest.raises(ImportError) as err:
        from lamina.layers import Conv2D  # noqa: F401
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("get", "noun", "name", "dist"),
    [
        (lambda: lamina.layers.LSTM, "layer", "LSTM", "lamina-layers-rnn"),
        (lambda: lamina.layers.MaxPooling2D, "layer", "MaxPooling2D", "lamina-layers-conv"),
        (lambda: lamina.ops.conv, "op", "conv", "lamina-layers-conv"),
        (lambda: lamina.optimizers.Adam, "optimizer", "Adam", "lamina-optim"),
        (lambda: lamina.optimizers.get("adam"), "optimizer", "adam", "lamina-optim"),
        (lambda: lamina.optimizers.get("rmsprop"), "optimizer", "rmsprop", "lamina-optim"),
        (lambda: lamina.optimizers.get("RMSProp"), "optimizer", "rmsprop", "lamina-optim"),
        (lambda: plugins.get("applications", "ResNet50"), "application", "ResNet50", "lamina-apps"),
        (
            lambda: plugins.get("strategies", "MirroredStrategy"),
            "strategy",
            "MirroredStrategy",
            "lamina-distribute",
        ),
    ],
)
def test_missing_first_party_names_say_what_to_install(installed, get, noun, name, dist):
    installed()
    with pytest.raises(plugins.PluginNotInstalledError) as err:
        get()
    assert str(err.value) == not_installed(noun, name, dist)


def test_catalogue_covers_keras_names_of_each_plugin():
    layers, optimizers = KNOWN_PROVIDERS["layers"], KNOWN_PROVIDERS["optimizers"]
    assert layers["Conv1DTranspose"] == layers["GlobalAveragePooling1D"] == "lamina-layers-conv"
    assert layers["ConvLSTM2D"] == layers["Bidirectional"] == "lamina-layers-rnn"
    assert "SGD" not in optimizers and "sgd" not in optimizers and "Optimizer" not in optimizers
    assert optimizers["AdamW"] == optimizers["adamw"] == "lamina-optim"
    assert len(KNOWN_PROVIDERS["applications"]) == 40  # every keras.applications builder
    assert "Dense" not in layers  # core layers are never attributed to a plugin


def test_installed_but_disabled(installed, kit, monkeypatch):
    monkeypatch.setenv("LAMINA_DISABLE_PLUGINS", "conv")
    installed(kit.ep("conv", kit.make("conv"), "lamina-layers-conv"))
    with pytest.raises(plugins.PluginNotInstalledError) as err:
        _ = lamina.layers.Conv2D
    assert str(err.value) == (
        "layer 'Conv2D' is provided by the plugin distribution 'lamina-layers-conv', which is "
        "installed but disabled by LAMINA_DISABLE_PLUGINS=conv. Remove it from "
        "LAMINA_DISABLE_PLUGINS to use it."
    )


def test_installed_but_not_registering_the_name(installed, kit):
    installed(kit.ep("conv", kit.make("conv"), "lamina-layers-conv", "0.0.1"))
    with pytest.raises(plugins.PluginNotInstalledError) as err:
        _ = lamina.layers.Conv3D
    assert str(err.value).endswith(
        "which is installed (version 0.0.1) but does not register it. "
        "Upgrade it with: pip install -U lamina-layers-conv"
    )


def test_installed_without_entry_point(installed, monkeypatch):
    installed()
    monkeypatch.setattr("importlib.metadata.version", lambda name: "0.1.0")
    with pytest.raises(plugins.PluginNotInstalledError) as err:
        _ = lamina.layers.Conv2D
    assert str(err.value).endswith(
        "which is installed (version 0.1.0) but declares no 'lamina.plugins' entry point. "
        "Reinstall it with: pip install --force-reinstall lamina-layers-conv"
    )


def test_unknown_names_are_attribute_errors_so_hasattr_works(installed):
    installed()
    assert not hasattr(lamina.layers, "NoSuchLayer")
    assert getattr(lamina.optimizers, "NoSuchOptimizer", None) is None
    with pytest.raises(AttributeError) as err:
        _ = lamina.ops.einsumm
    assert str(err.value) == (
        "module 'lamina.ops' has no attribute 'einsumm'. Did you mean 'einsum'?"
    )
    with pytest.raises(AttributeError):
        _ = lamina.layers.__wrapped__


def test_unknown_string_names_are_value_errors_listing_known_names(installed, kit):
    optim = kit.make("optim", optimizers=[("Adam", Adam, ("adam",))])
    installed(kit.ep("optim", optim, "lamina-optim"))
    with pytest.raises(ValueError) as err:
        lamina.optimizers.get("adma")
    assert isinstance(err.value, plugins.UnknownNameError)
    message = str(err.value)
    assert message.startswith("Unknown optimizer: 'adma'. Did you mean 'adam'? Known optimizers:")
    assert "Adam, " in message and " adam," in message


def test_unknown_name_error_mentions_plugins_that_failed(installed, kit):
    installed(kit.ep("acme", RuntimeError("boom"), "acme-layers"))
    expected = "Plugins that failed to load: 'acme': acme-layers 0.1.0: RuntimeError: boom"
    with pytest.warns(RuntimeWarning):
        with pytest.raises(plugins.UnknownNameError, match=expected):
            plugins.get("layers", "AcmeDense")


def test_optimizers_get_accepts_names_configs_and_instances(installed, kit):
    optim = kit.make("optim", optimizers=[("Adam", Adam, ("adam",))])
    installed(kit.ep("optim", optim, "lamina-optim"))
    get = lamina.optimizers.get
    assert get(None) is None
    assert type(get("adam")) is Adam and type(get("Adam")) is Adam and type(get("ADAM")) is Adam
    assert get({"class_name": "Adam", "config": {"learning_rate": 0.5}}).learning_rate == 0.5
    saved = {
        "module": "keras.optimizers",
        "class_name": "adam",
        "config": {},
        "registered_name": None,
    }
    assert type(get(saved)) is Adam
    instance = Adam()
    assert get(instance) is instance
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 3"):
        get(3)
    with pytest.raises(ValueError, match="expected a dict with a 'class_name' string"):
        get({"config": {}})


@pytest.mark.without_plugin("lamina-layers-conv", "lamina-optim")
def test_namespaces_are_reachable_from_a_plain_import_lamina():
    code = (
        "import lamina\n"
        "try:\n"
        "    lamina.layers.Conv2D\n"
        "except ImportError as err:\n"
        "    print(err)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install lamina-layers-conv" in out.stdout
