"""Functional models: graphs, structures, shared layers, nesting, errors, configs."""

import json

import numpy as np
import pytest

from lamina import ops
from lamina.layers.core import Dense
from lamina.layers.input_layer import Input
from lamina.layers.layer import Layer
from lamina.layers.merging import Add, Concatenate
from lamina.models import Functional, Model, Sequential, model_from_json


class Scale(Layer):
    """A one-weight layer whose call depends on `training` (to test its propagation)."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(), initializer="ones", name="w")

    def call(self, inputs, training=None):
        return inputs * self.w * (2.0 if training else 1.0)

    def compute_output_shape(self, input_shape):
        return input_shape


def _two_input_model():
    a = Input(shape=(4,), name="a")
    b = Input(shape=(3,), name="b")
    x = Dense(3, name="dense")(a)
    y = Add(name="add")([x, b])
    z = Dense(1, name="out")(y)
    return Model([a, b], [z, y], name="func"), (a, b)


def test_model_with_inputs_outputs_returns_functional():
    x = Input(shape=(4,))
    model = Model(x, Dense(2)(x))
    assert isinstance(model, Functional)
    assert model(np.ones((3, 4), "float32")).shape == (3, 2)
    assert len(model.weights) == 2


def test_multi_input_output_values_match_layerwise_computation(rng):
    model, _ = _two_input_model()
    a = rng.standard_normal((5, 4)).astype("float32")
    b = rng.standard_normal((5, 3)).astype("float32")
    z, y = model([a, b])
    dense, out = model.get_layer("dense"), model.get_layer("out")
    expected_y = dense(a).numpy() + b
    np.testing.assert_allclose(y.numpy(), expected_y, rtol=1e-6)
    np.testing.assert_allclose(z.numpy(), out(expected_y).numpy(), rtol=1e-6)
    assert [layer.name for layer in model.layers] == ["a", "dense", "b", "add", "out"]
    assert model.output_names == ["out", "add"]


def test_dict_inputs_and_outputs(rng):
    inputs = {"x1": Input(shape=(2,), name="x1"), "x2": Input(shape=(2,), name="x2")}
    total = Add()([inputs["x1"], inputs["x2"]])
    model = Model(inputs, {"sum": total, "double": total * 2.0})
    x1 = rng.standard_normal((3, 2)).astype("float32")
    x2 = rng.standard_normal((3, 2)).astype("float32")
    out = model({"x1": x1, "x2": x2})
    assert set(out) == {"sum", "double"}
    np.testing.assert_allclose(out["double"].numpy(), 2 * (x1 + x2), rtol=1e-6)
    with pytest.raises(ValueError, match="x2"):
        model({"x1": x1})


def test_dict_input_key_mismatch_warns():
    x = Input(shape=(2,), name="real")
    with pytest.warns(UserWarning, match="must match the names"):
        Model({"other": x}, Dense(1)(x))


def test_list_model_accepts_named_dict(rng):
    model, _ = _two_input_model()
    a = rng.standard_normal((2, 4)).astype("float32")
    b = rng.standard_normal((2, 3)).astype("float32")
    by_list = model([a, b])[0].numpy()
    by_name = model({"a": a, "b": b})[0].numpy()
    np.testing.assert_allclose(by_list, by_name)


def test_ops_and_operators_in_graph(rng):
    x = Input(shape=(3,))
    h = Dense(3)(x)
    y = ops.relu(h + x) * 0.5
    model = Model(x, y)
    data = rng.standard_normal((4, 3)).astype("float32")
    dense = model.layers[1]
    expected = np.maximum(dense(data).numpy() + data, 0) * 0.5
    np.testing.assert_allclose(model(data).numpy(), expected, rtol=1e-6)


def test_shared_layer_reuses_weights(rng):
    shared = Dense(2, name="shared")
    a, b = Input(shape=(2,)), Input(shape=(2,))
    model = Model([a, b], Concatenate()([shared(a), shared(b)]))
    assert len(model.weights) == 2
    xa = rng.standard_normal((3, 2)).astype("float32")
    xb = rng.standard_normal((3, 2)).astype("float32")
    out = model([xa, xb]).numpy()
    np.testing.assert_allclose(out[:, :2], shared(xa).numpy(), rtol=1e-6)
    np.testing.assert_allclose(out[:, 2:], shared(xb).numpy(), rtol=1e-6)


def test_nested_model_as_layer(rng):
    inner_in = Input(shape=(4,))
    inner = Model(inner_in, Dense(3)(inner_in), name="inner")
    x = Input(shape=(4,))
    outer = Model(x, Dense(1)(inner(x)))
    assert outer.layers[1] is inner
    assert len(outer.weights) == 4
    data = rng.standard_normal((2, 4)).astype("float32")
    expected = outer.layers[2](inner(data)).numpy()
    np.testing.assert_allclose(outer(data).numpy(), expected, rtol=1e-6)


def test_intermediate_outputs_feature_extraction(rng):
    x = Input(shape=(4,))
    h = Dense(3, name="h")(x)
    y = Dense(1, name="y")(h)
    full = Model(x, y)
    features = Model(full.input, full.get_layer("h").output)
    head = Model(h, y)  # from an intermediate tensor: gets its own Input
    data = rng.standard_normal((2, 4)).astype("float32")
    np.testing.assert_allclose(head(features(data)).numpy(), full(data).numpy(), rtol=1e-6)
    assert features.get_layer("h") is full.get_layer("h")
    assert head.get_layer("y") is full.get_layer("y")


def test_training_argument_reaches_layers():
    x = Input(shape=(2,))
    model = Model(x, Scale()(x))
    data = np.ones((1, 2), "float32")
    np.testing.assert_allclose(model(data).numpy(), data)
    np.testing.assert_allclose(model(data, training=True).numpy(), 2 * data)


def test_disconnected_graph_names_missing_input():
    a = Input(shape=(2,), name="first")
    b = Input(shape=(2,), name="second")
    out = Add()([Dense(2)(a), b])
    with pytest.raises(ValueError, match=r"Graph disconnected.*'second'"):
        Model(a, out)


def test_non_keras_tensor_inputs_raise():
    x = Input(shape=(2,))
    with pytest.raises(ValueError, match="KerasTensors"):
        Model(np.ones((1, 2)), Dense(1)(x))


def test_get_layer_by_name_and_index_and_errors():
    model, _ = _two_input_model()
    assert model.get_layer(index=1).name == "dense"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only a layer name or a layer index"):
        model.get_layer("dense", 1)
    with pytest.raises(ValueError, match="index 9"):
        model.get_layer(index=9)


def test_inputs_outputs_and_shapes():
    model, (a, b) = _two_input_model()
    assert model.inputs == [a, b]
    assert len(model.outputs) == 2
    assert model.input_shape == [(None, 4), (None, 3)]
    assert model.output_shape == [(None, 1), (None, 3)]


def test_wrong_input_shape_raises_with_both_shapes():
    x = Input(shape=(4,), name="inp")
    model = Model(x, Dense(2)(x))
    with pytest.raises(ValueError, match=r"\(None, 4\).*\(3, 5\)"):
        model(np.ones((3, 5), "float32"))


def test_trainable_false_freezes_all_layers():
    model, _ = _two_input_model()
    model.trainable = False
    assert model.trainable_weights == []
    assert len(model.non_trainable_weights) == 4


def test_config_round_trip_and_json(rng):
    model, _ = _two_input_model()
    config = model.get_config()
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["out", 0, 0], ["add", 0, 0]]
    dense = next(layer for layer in config["layers"] if layer["name"] == "dense")
    tensor = dense["inbound_nodes"][0]["args"][0]
    assert tensor["class_name"] == "__keras_tensor__"
    assert tensor["config"]["keras_history"] == ["a", 0, 0]
    clone = Functional.from_config(config)
    clone.set_weights(model.get_weights())
    a = rng.standard_normal((2, 4)).astype("float32")
    b = rng.standard_normal((2, 3)).astype("float32")
    for got, want in zip(clone([a, b]), model([a, b])):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    revived = model_from_json(model.to_json())
    assert isinstance(revived, Functional)
    assert json.loads(revived.to_json())["config"]["output_layers"] == config["output_layers"]


def test_nested_functional_config_uses_keras_node_numbering():
    inner_in = Input(shape=(4,), name="a")
    inner = Model(inner_in, Dense(3, name="d")(inner_in), name="inner")
    x = Input(shape=(4,), name="i")
    outer = Model(x, inner(x), name="outer")
    config = outer.get_config()
    assert config["output_layers"] == ["inner", 1, 0]  # Keras counts from 1 here
    revived = Model.from_config(config)
    assert revived.get_layer("inner").get_layer("d").units == 3


def test_keras2_node_format_is_accepted():
    model, _ = _two_input_model()
    config = model.get_config()
    for layer in config["layers"]:
        layer["inbound_nodes"] = [
            [arg["config"]["keras_history"] for arg in _flat_tensors(node["args"])]
            for node in layer["inbound_nodes"]
        ]
    revived = Functional.from_config(config)
    assert [x.name for x in revived.layers] == [x.name for x in model.layers]


def _flat_tensors(args):
    out = []
    for arg in args:
        if isinstance(arg, list):
            out += _flat_tensors(arg)
        elif isinstance(arg, dict) and arg.get("class_name") == "__keras_tensor__":
            out.append(arg)
    return out


def test_subclass_calling_model_init_with_graph_becomes_functional():
    class Wrapped(Model):
        def __init__(self, units=2, **kwargs):
            x = Input(shape=(3,))
            super().__init__(x, Dense(units)(x), **kwargs)

    model = Wrapped(units=4)
    assert isinstance(model, Functional)
    assert model(np.ones((1, 3), "float32")).shape == (1, 4)


def test_sequential_inside_functional(rng):
    head = Sequential([Dense(5), Dense(3)], name="head")
    x = Input(shape=(4,))
    model = Model(x, head(Dense(4)(x)))
    assert model.layers[-1] is head
    data = rng.standard_normal((2, 4)).astype("float32")
    assert model(data).shape == (2, 3)


def test_config_round_trip_with_ops_in_graph(rng):
    x = Input(shape=(3,), name="x")
    h = Dense(3, name="h")(x)
    y = ops.relu(h + x) * 0.5
    model = Model(x, y)
    config = model.get_config()
    classes = [layer["class_name"] for layer in config["layers"]]
    assert classes[:2] == ["InputLayer", "Dense"] and len(classes) == 5
    clone = Functional.from_config(config)
    assert [op.name for op in clone.operations] == [op.name for op in model.operations]
    clone.set_weights(model.get_weights())
    data = rng.standard_normal((2, 3)).astype("float32")
    np.testing.assert_allclose(clone(data).numpy(), model(data).numpy(), rtol=1e-6)
    lines = []
    model.summary(print_fn=lines.append)
    assert "(Relu)" in lines[0] or "relu" in lines[0]
