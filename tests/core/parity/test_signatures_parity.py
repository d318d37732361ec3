"""Every `keras.ops` function lamina provides takes the same parameters, in the same order."""

import inspect

import pytest
from harness import keras

from lamina import ops
from lamina.plugins import PluginNotInstalledError

KERAS_OPS = sorted(
    name
    for name in dir(keras.ops)
    if not name.startswith("_") and not inspect.ismodule(getattr(keras.ops, name))
)
# Provided by the lamina-layers-conv plugin, not by core.
PLUGIN_OPS = {
    "adaptive_average_pool",
    "adaptive_max_pool",
    "average_pool",
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "max_pool",
    "separable_conv",
}


@pytest.mark.parametrize("name", KERAS_OPS)
def test_op_exists_with_keras_signature(name):
    if name in PLUGIN_OPS:
        try:
            getattr(ops, name)
        except PluginNotInstalledError as err:
            assert "lamina-layers-conv" in str(err)
            return
        # The plugin is installed (the parity session installs every package): compare.
    ours = list(inspect.signature(getattr(ops, name)).parameters)
    theirs = list(inspect.signature(getattr(keras.ops, name)).parameters)
    assert ours == theirs


@pytest.mark.parametrize("namespace", ["numpy", "nn", "linalg"])
def test_namespace_modules_hold_keras_names(namespace):
    theirs = {n for n in dir(getattr(keras.ops, namespace)) if not n.startswith("_")}
    ours = set(getattr(ops, namespace).__all__)
    assert theirs - ours - PLUGIN_OPS == set()
