"""KerasTensors, Nodes and symbolic calls of layers and ops."""

import numpy as np
import pytest

from lamina import ops
from lamina.layers.input_layer import Input
from lamina.layers.layer import Layer
from lamina.layers.symbolic import KerasTensor, Node, is_keras_tensor


class Project(Layer):
    def __init__(self, units=5, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer=lambda s, dtype=None: np.ones(s, dtype))  # fmt: skip

    def call(self, x):
        self.calls = getattr(self, "calls", 0) + 1
        return ops.matmul(x, self.w)


class ProjectWithShape(Project):
    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


class Stateful(Layer):
    def build(self, input_shape):
        self.count = self.add_weight(shape=(), initializer=lambda s, dtype=None: np.zeros(s, dtype),
                                     trainable=False)  # fmt: skip

    def call(self, x):
        self.count.assign(self.count + 1.0)
        return x


@pytest.mark.parametrize(
    "make, shape, dtype",
    [
        (lambda x: x + 1, (None, 4), "float32"),
        (lambda x: 2.0 * x, (None, 4), "float32"),
        (lambda x: -x, (None, 4), "float32"),
        (lambda x: x @ np.ones((4, 2), "float32"), (None, 2), "float32"),
        (lambda x: x[:, :2], (None, 2), "float32"),
        (lambda x: x > 0, (None, 4), "bool"),
        (lambda x: ops.relu(x), (None, 4), "float32"),
        (lambda x: ops.mean(x, axis=-1), (None,), "float32"),
        (lambda x: ops.sum(x), (), "float32"),
        (lambda x: ops.concatenate([x, x], axis=-1), (None, 8), "float32"),
        (lambda x: ops.stack([x, x], axis=1), (None, 2, 4), "float32"),
        (lambda x: ops.reshape(x, (-1, 2, 2)), (None, 2, 2), "float32"),
        (lambda x: ops.cast(x, "int32"), (None, 4), "int32"),
        (lambda x: ops.argmax(x, axis=-1), (None,), "int32"),
        (lambda x: ops.transpose(x), (4, None), "float32"),
    ],
)
def test_ops_and_operators_on_keras_tensors(make, shape, dtype):
    x = Input(shape=(4,))
    y = make(x)
    assert is_keras_tensor(y)
    assert (y.shape, y.dtype) == (shape, dtype)
    operation, node_index, tensor_index = y._keras_history
    node = operation._inbound_nodes[node_index]
    assert node.outputs[tensor_index] is y
    assert x in node.input_tensors
    args, kwargs = node.map_arguments({id(x): ops.ones((3, 4))})
    value = node.operation(*args, **kwargs)
    assert tuple(value.shape) == tuple(3 if d is None else d for d in shape)


def test_multiple_outputs_of_an_op():
    x = Input(shape=(4,))
    values, indices = ops.top_k(x, 2)
    assert values.shape == (None, 2) and indices.dtype == "int32"
    assert values._keras_history.operation is indices._keras_history.operation


@pytest.mark.parametrize("layer_class", [Project, ProjectWithShape])
def test_layer_call_on_keras_tensor_builds_and_records_a_node(layer_class):
    x = Input(shape=(3,))
    layer = layer_class(5)
    y = layer(x)
    assert layer.built and layer.w.shape == (3, 5)
    assert (y.shape, y.dtype) == ((None, 5), "float32")
    node = layer._inbound_nodes[0]
    assert isinstance(node, Node) and node.operation is layer and node.call_args == (x,)
    assert node.parent_nodes == [x._keras_history.operation._inbound_nodes[0]]
    assert layer.input is x and layer.output is y
    assert node in x._keras_history.operation._outbound_nodes


def test_compute_output_shape_avoids_running_call():
    layer = ProjectWithShape(2)
    layer(Input(shape=(3,)))
    assert getattr(layer, "calls", 0) == 0


def test_dry_run_restores_state():
    layer = Stateful()
    y = layer(Input(shape=(3,)))
    assert y.shape == (None, 3)
    assert float(layer.count) == 0.0


def test_shared_layer_has_two_nodes():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    layer = ProjectWithShape(2)
    layer(a)
    layer(b)
    assert len(layer._inbound_nodes) == 2
    with pytest.raises(AttributeError, match="ambiguous"):
        _ = layer.output


def test_symbolic_input_spec_error_names_layer_and_shape():
    layer = Project(name="proj")
    from lamina.layers.input_spec import InputSpec

    layer.input_spec = InputSpec(ndim=2)
    with pytest.raises(ValueError, match=r"proj.*expected ndim=2.*\(None, 3, 3\)"):
        layer(Input(shape=(3, 3)))


def test_keras_tensor_refuses_values():
    x = Input(shape=(2,))
    with pytest.raises(TypeError, match="symbolic placeholder"):
        np.asarray(x)
    with pytest.raises(TypeError, match="Python bool"):
        bool(x)
    assert repr(KerasTensor((None, 2))).startswith("<KerasTensor shape=(None, 2)")


def test_embedding_and_masking_create_symbolic_masks_without_an_input_mask():
    import lamina

    ids = lamina.Input((5,), dtype="int32")
    assert lamina.layers.Embedding(10, 3, mask_zero=True)(ids)._keras_mask.shape == (None, 5)
    masked = lamina.layers.Masking()(lamina.Input((4, 2)))
    assert masked._keras_mask.shape == (None, 4)


def test_convert_to_tensor_and_like_ops_accept_keras_tensors():
    import lamina

    x = lamina.Input((3,))
    assert lamina.ops.convert_to_tensor(x) is x
    zeros = lamina.ops.zeros_like(x)
    assert zeros.shape == (None, 3)
    model = lamina.Model(x, zeros + x)
    np.testing.assert_allclose(model(np.ones((2, 3), "float32")).numpy(), np.ones((2, 3)))
