"""InputLayer and Input."""

import numpy as np
import pytest

from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.symbolic import KerasTensor


@pytest.mark.parametrize(
    "kwargs, batch_shape, dtype",
    [
        ({"shape": (4,)}, (None, 4), "float32"),
        ({"shape": 4}, (None, 4), "float32"),
        ({"shape": (None, 3), "batch_size": 8}, (8, None, 3), "float32"),
        ({"batch_shape": (2, 5)}, (2, 5), "float32"),
        ({"shape": (3,), "dtype": "int32"}, (None, 3), "int32"),
    ],
)
def test_input_shapes_and_dtypes(kwargs, batch_shape, dtype):
    x = Input(**kwargs)
    assert isinstance(x, KerasTensor) and (x.shape, x.dtype) == (batch_shape, dtype)
    layer = x._keras_history.operation
    assert isinstance(layer, InputLayer) and layer.batch_shape == batch_shape
    assert layer._inbound_nodes[0].is_input


def test_input_names_and_config():
    x = Input(shape=(2,), name="image")
    layer = x._keras_history.operation
    assert x.name == "image" and layer.name == "image"
    assert layer.get_config() == {
        "batch_shape": (None, 2),
        "dtype": "float32",
        "sparse": False,
        "ragged": False,
        "name": "image",
        "optional": False,
    }
    clone = InputLayer.from_config(layer.get_config())
    assert clone.batch_shape == (None, 2)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "must pass a `shape`"),
        ({"shape": (2,), "batch_shape": (1, 2)}, "not both"),
        ({"batch_size": 2, "batch_shape": (1, 2)}, "not both"),
        ({"shape": (-1,)}, "non-negative"),
        ({"shape": (2,), "sparse": True}, "sparse"),
    ],
)
def test_input_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Input(**kwargs)


def test_input_tensor_argument():
    x = Input(shape=(3,))
    layer = InputLayer(input_tensor=x)
    assert layer.output is x
    with pytest.raises(ValueError, match="incompatible"):
        InputLayer(input_tensor=x, shape=(4,))
    with pytest.raises(ValueError, match="must be a KerasTensor"):
        InputLayer(input_tensor=np.ones(3))


def test_input_shape_kwarg_warns():
    with pytest.warns(UserWarning, match="deprecated"):
        layer = InputLayer(input_shape=(3,))
    assert layer.batch_shape == (None, 3)
