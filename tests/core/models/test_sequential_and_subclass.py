"""Sequential models, subclassed models and clone_model."""

import numpy as np
import pytest

from lamina.layers.core import Dense
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.layer import Layer
from lamina.models import Functional, Model, Sequential, clone_model, model_from_json


class Doubler(Layer):
    def call(self, inputs, training=None):
        return inputs * (2.0 if training else 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape


def test_sequential_with_input_is_built_as_layers_are_added():
    model = Sequential()
    model.add(Input(shape=(16,)))
    model.add(Dense(8))
    assert model.built and len(model.weights) == 2
    assert model.input_shape == (None, 16) and model.output_shape == (None, 8)
    assert [type(x) for x in model.layers] == [Dense]


def test_sequential_deferred_build_on_first_call(rng):
    model = Sequential([Dense(8), Dense(4)])
    assert not model.built and model.weights == []
    with pytest.raises(AttributeError, match="no defined inputs"):
        _ = model.inputs
    data = rng.standard_normal((3, 5)).astype("float32")
    out = model(data)
    assert out.shape == (3, 4) and len(model.weights) == 4
    expected = model.layers[1](model.layers[0](data)).numpy()
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_sequential_build_method():
    model = Sequential([Dense(8), Dense(4)])
    model.build((None, 16))
    assert len(model.weights) == 4
    assert isinstance(model._stack[0], InputLayer)
    with pytest.raises(ValueError, match="already been configured"):
        model.build((None, 3))


def test_sequential_input_shape_on_first_layer_warns_and_builds():
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`"):
        first = Dense(5, input_shape=(3,))
    model = Sequential([first, Dense(2)])
    assert model.built and model.input_shape == (None, 3)


def test_sequential_pop_and_rebuild():
    model = Sequential([Input(shape=(4,)), Dense(3), Dense(2)])
    popped = model.pop()
    assert isinstance(popped, Dense) and popped.units == 2
    assert model.output_shape == (None, 3) and len(model.weights) == 2
    model.pop()
    with pytest.raises(TypeError, match="no layers"):
        model.pop()


def test_sequential_rejects_non_layers_and_duplicate_names():
    model = Sequential()
    with pytest.raises(ValueError, match="Only instances of"):
        model.add("dense")
    model.add(Dense(2, name="d"))
    with pytest.raises(ValueError, match="unique names"):
        model.add(Dense(2, name="d"))


def test_sequential_training_propagates():
    model = Sequential([Input(shape=(2,)), Doubler()])
    data = np.ones((1, 2), "float32")
    np.testing.assert_allclose(model(data, training=True).numpy(), 2 * data)
    np.testing.assert_allclose(model(data).numpy(), data)


def test_sequential_config_round_trip(rng):
    model = Sequential([Input(shape=(3,), name="inp"), Dense(4), Dense(2)], name="seq")
    config = model.get_config()
    assert config["name"] == "seq" and config["build_input_shape"] == [None, 3]
    assert [layer["class_name"] for layer in config["layers"]] == ["InputLayer", "Dense", "Dense"]
    revived = model_from_json(model.to_json())
    assert isinstance(revived, Sequential) and revived.built
    revived.set_weights(model.get_weights())
    data = rng.standard_normal((2, 3)).astype("float32")
    np.testing.assert_allclose(revived(data).numpy(), model(data).numpy(), rtol=1e-6)


class TwoLayers(Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = Dense(units, activation="relu")
        self.out = Dense(2)
        self.double = Doubler()

    def call(self, inputs, training=False):
        return self.double(self.out(self.hidden(inputs)), training=training)


def test_subclassed_model_tracks_layers_and_training(rng):
    model = TwoLayers()
    data = rng.standard_normal((4, 5)).astype("float32")
    plain = model(data).numpy()
    assert [type(x).__name__ for x in model.layers] == ["Dense", "Dense", "Doubler"]
    assert len(model.weights) == 4
    np.testing.assert_allclose(model(data, training=True).numpy(), 2 * plain, rtol=1e-6)
    assert model.get_layer(index=0) is model.hidden


def test_subclassed_model_get_config_and_from_config():
    model = TwoLayers(units=7, name="two")
    config = model.get_config()
    assert config["units"] == 7 and config["name"] == "two"
    clone = TwoLayers.from_config(config)
    assert clone.units == 7


def test_model_without_call_raises():
    class Empty(Model):
        pass

    with pytest.raises(NotImplementedError, match="does not have a `call\\(\\)`"):
        Empty()(np.ones((1, 2), "float32"))


def test_clone_sequential_and_functional_have_new_weights(rng):
    seq = Sequential([Input(shape=(3,)), Dense(4), Dense(2)])
    seq_clone = clone_model(seq)
    assert isinstance(seq_clone, Sequential)
    assert all(a is not b for a, b in zip(seq.weights, seq_clone.weights))
    seq_clone.set_weights(seq.get_weights())
    data = rng.standard_normal((2, 3)).astype("float32")
    np.testing.assert_allclose(seq_clone(data).numpy(), seq(data).numpy(), rtol=1e-6)

    x = Input(shape=(3,))
    shared = Dense(3)
    func = Model(x, shared(shared(x)))
    func_clone = clone_model(func)
    assert isinstance(func_clone, Functional)
    assert len(func_clone.weights) == 2  # the shared layer stays shared
    func_clone.set_weights(func.get_weights())
    np.testing.assert_allclose(func_clone(data).numpy(), func(data).numpy(), rtol=1e-6)


def test_clone_with_clone_and_call_functions():
    x = Input(shape=(3,))
    model = Model(x, Dense(2)(x))
    same = clone_model(model, clone_function=lambda layer: layer)
    assert same.layers[1] is model.layers[1]

    def call_function(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        return Doubler()(out) if isinstance(layer, Dense) else out

    extended = clone_model(model, clone_function=lambda layer: layer, call_function=call_function)
    assert [type(x).__name__ for x in extended.layers][-1] == "Doubler"
    with pytest.raises(ValueError, match="not supported with Sequential"):
        clone_model(Sequential([Dense(1)]), call_function=call_function)
