"""Unit tests of Dense, EinsumDense, Embedding, Masking, Identity, Lambda, Wrapper and
the fused dense primitive."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.layers.core import Dense, EinsumDense, Embedding, Identity, Lambda, Masking, Wrapper
from lamina.layers.core._fused_dense import dense_forward

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax"])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (1, 4)], ids=str)
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_forward_gradients(activation, shape, use_bias):
    x, k, b = rand(*shape, dtype="float64"), rand(4, 5, dtype="float64"), rand(5, dtype="float64")
    if use_bias:
        check_gradients(lambda x, k, b: dense_forward(x, k, b, activation), [x, k, b])
    else:
        check_gradients(lambda x, k: dense_forward(x, k, None, activation), [x, k])


@pytest.mark.parametrize("activation", ["linear", "relu", "sigmoid", "tanh", "softmax"])
def test_dense_forward_matches_unfused_ops(activation):
    x, k, b = rand(3, 4), rand(4, 5), rand(5)
    got = dense_forward(x, k, b, activation).numpy()
    z = ops.add(ops.matmul(x, k), b)
    want = {
        "linear": z,
        "relu": ops.relu(z),
        "sigmoid": ops.sigmoid(z),
        "tanh": ops.tanh(z),
        "softmax": ops.softmax(z),
    }[activation]
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-6, atol=1e-7)


def test_dense_forward_is_one_tape_node():
    x = ops.convert_to_tensor(rand(2, 3))
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = dense_forward(x, rand(3, 4), rand(4), "relu")
        total = ops.sum(y)
    assert y._node.name == "dense_forward"
    assert y._node.parents[0] is not None
    assert tape.gradient(total, x).shape == (2, 3)


def test_dense_forward_size_zero_batch():
    y = dense_forward(np.zeros((0, 3), "float32"), rand(3, 2), rand(2), "softmax")
    assert y.shape == (0, 2) and y.dtype == "float32"


def test_dense_forward_shape_error():
    with pytest.raises(ValueError, match="kernel's first axis"):
        dense_forward(rand(2, 3), rand(4, 2), None, "linear")


@pytest.mark.parametrize(
    "shape,units", [((2, 3), 4), ((2, 5, 3), 1), ((1, 1), 2), ((0, 3), 2)], ids=str
)
def test_dense_shapes_and_weights(shape, units):
    layer = Dense(units, activation="relu")
    y = layer(rand(*shape))
    assert y.shape == (*shape[:-1], units) and y.dtype == "float32"
    assert [w.shape for w in layer.weights] == [(shape[-1], units), (units,)]
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert layer.compute_output_shape((None, *shape[1:])) == (None, *shape[1:-1], units)
    assert layer.count_params() == shape[-1] * units + units


def test_dense_unfused_activation_and_no_bias():
    layer = Dense(3, activation="gelu", use_bias=False)
    x = rand(2, 4)
    y = layer(x)
    assert len(layer.weights) == 1
    want = lamina.activations.gelu(ops.matmul(x, layer.kernel)).numpy()
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-6)


@pytest.mark.parametrize("units", [0, -1, 2.5, True, "3"])
def test_dense_invalid_units(units):
    with pytest.raises(ValueError, match="units"):
        Dense(units)


def test_dense_input_spec_error_names_layer():
    layer = Dense(2, name="head")
    layer(rand(2, 3))
    with pytest.raises(ValueError, match="head"):
        layer(rand(2, 4))


def test_dense_rejects_lora():
    with pytest.raises(ValueError, match="LoRA"):
        Dense(2, lora_rank=4)


def test_dense_config_roundtrip():
    layer = Dense(3, activation="tanh", use_bias=False, name="d")
    config = layer.get_config()
    clone = Dense.from_config(config)
    assert clone.get_config() == config


def test_dense_mask_passthrough():
    x = ops.convert_to_tensor(rand(2, 3, 4))
    x._keras_mask = ops.convert_to_tensor(np.array([[True, False, True]] * 2))
    y = Dense(2)(x)
    np.testing.assert_array_equal(y._keras_mask.numpy(), x._keras_mask.numpy())


def test_dense_mixed_precision():
    layer = Dense(2, dtype="mixed_float16")
    y = layer(rand(3, 4))
    assert y.dtype == "float16" and layer.kernel.dtype == "float32"


@pytest.mark.parametrize(
    "equation,output_shape,bias_axes,in_shape,kernel,bias,out",
    [
        ("ab,bc->ac", 4, None, (2, 3), (3, 4), None, (2, 4)),
        ("abc,cd->abd", (None, 5), "d", (2, 3, 4), (4, 5), (5,), (2, 3, 5)),
        ("abc,cde->abde", (None, 2, 4), "de", (2, 3, 5), (5, 2, 4), (2, 4), (2, 3, 2, 4)),
        ("...b,bc->...c", 4, "c", (2, 3, 5), (5, 4), (4,), (2, 3, 4)),
        ("abc...,cd->abd...", (3, 4, 2), "d", (2, 3, 5, 2), (5, 4), (4, 1), (2, 3, 4, 2)),
    ],
)
def test_einsum_dense_shapes(equation, output_shape, bias_axes, in_shape, kernel, bias, out):
    layer = EinsumDense(equation, output_shape, bias_axes=bias_axes)
    y = layer(rand(*in_shape))
    assert y.shape == out
    assert layer.kernel.shape == kernel
    assert (layer.bias.shape if layer.bias is not None else None) == bias


def test_einsum_dense_values_and_gradients():
    layer = EinsumDense("abc,cd->abd", (None, 2), bias_axes="d", activation="relu")
    x = ops.convert_to_tensor(rand(2, 3, 4))
    layer.build(x.shape)
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        total = ops.sum(y)
    want = np.maximum(np.einsum("abc,cd->abd", x.numpy(), layer.kernel.numpy()), 0.0)
    np.testing.assert_allclose(y.numpy(), want + 0.0, rtol=1e-6)
    grads = tape.gradient(total, [x, layer.kernel, layer.bias])
    assert [g.shape for g in grads] == [(2, 3, 4), (4, 2), (2,)]


@pytest.mark.parametrize(
    "equation,output_shape,bias_axes,match",
    [
        ("ab->ac", 4, None, "invalid einsum equation"),
        ("ab,bc->ad", 4, None, "has no corresponding dim"),
        ("ab,bce->ac", 4, None, "did not have a match"),
        ("ab,bc->ac", 4, "z", "not part of the output spec"),
        ("ab,bc->ab", 7, None, "do not match at shared"),
    ],
)
def test_einsum_dense_errors(equation, output_shape, bias_axes, match):
    with pytest.raises(ValueError, match=match):
        EinsumDense(equation, output_shape, bias_axes=bias_axes).build((2, 3))


def test_embedding_lookup_mask_and_defaults():
    layer = Embedding(6, 3, mask_zero=True)
    idx = np.array([[1, 2, 0], [0, 5, 5]])
    y = layer(idx)
    assert y.shape == (2, 3, 3) and y.dtype == "float32"
    np.testing.assert_array_equal(y.numpy()[0, 1], layer.embeddings.numpy()[2])
    np.testing.assert_array_equal(y._keras_mask.numpy(), idx != 0)
    values = layer.embeddings.numpy()
    assert values.min() >= -0.05 and values.max() <= 0.05
    assert layer.compute_output_shape((None, 3)) == (None, 3, 3)


def test_embedding_gradient_accumulates_repeated_indices():
    layer = Embedding(4, 2)
    layer.build()
    with lamina.GradientTape() as tape:
        total = ops.sum(layer(np.array([[1, 1, 3]])))
    g = tape.gradient(total, layer.embeddings).numpy()
    np.testing.assert_array_equal(g, [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_embedding_initial_weights_and_no_mask():
    table = rand(3, 2)
    layer = Embedding(3, 2, weights=table)
    np.testing.assert_array_equal(layer.embeddings.numpy(), table)
    assert getattr(layer(np.array([0, 1])), "_keras_mask", None) is None


@pytest.mark.parametrize("args", [(0, 2), (3, -1), (2.0, 2)])
def test_embedding_invalid_dims(args):
    with pytest.raises(ValueError, match="positive integer"):
        Embedding(*args)


def test_masking_zeroes_and_masks():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]]], dtype="float32")
    y = Masking()(x)
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, False, True]])
    np.testing.assert_array_equal(y.numpy(), x)
    y = Masking(mask_value=3.0)(np.full((1, 2, 1), 3.0, "float32"))
    np.testing.assert_array_equal(y.numpy(), np.zeros((1, 2, 1)))
    assert Masking(1.0).get_config()["mask_value"] == 1.0


def test_identity_returns_structure():
    x = [ops.ones((2,)), {"a": ops.zeros((1,))}]
    assert Identity()(x) is not None
    layer = Identity()
    assert layer.compute_output_shape((None, 3)) == (None, 3)
    t = ops.ones((2, 3))
    assert layer(t) is t


def test_lambda_arguments_mask_training_and_shapes():
    def fn(x, scale, mask=None, training=None):
        return x * scale + (1.0 if training else 0.0)

    layer = Lambda(fn, arguments={"scale": 3.0}, output_shape=(4,))
    y = layer(ops.ones((2, 4)), training=True)
    np.testing.assert_allclose(y.numpy(), np.full((2, 4), 4.0))
    assert layer.compute_output_shape((None, 4)) == (None, 4)
    assert Lambda(fn, output_shape=lambda s: s[:1]).compute_output_shape((5, 2)) == (5,)
    masked = Lambda(lambda x: x, mask=lambda inputs, mask: ops.greater(inputs, 0.0))
    out = masked(ops.convert_to_tensor([[1.0, -1.0]]))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False]])


def test_lambda_config_roundtrip_requires_unsafe_mode():
    layer = Lambda(lambda x, k=2.0: x * k, output_shape=(3,))
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    assert config["output_shape"] == (3,)
    with pytest.raises(ValueError, match="safe_mode"):
        Lambda.from_config(config)
    clone = Lambda.from_config(config, safe_mode=False)
    np.testing.assert_allclose(clone(ops.ones((1, 3))).numpy(), np.full((1, 3), 2.0))


def test_lambda_closure_roundtrip():
    offset = 5.0
    layer = Lambda(lambda x: x + offset)
    clone = Lambda.from_config(layer.get_config(), safe_mode=False)
    np.testing.assert_allclose(clone(ops.zeros((1,))).numpy(), [5.0])


def test_wrapper_builds_inner_layer_and_tracks_weights():
    class Twice(Wrapper):
        def call(self, x):
            return self.layer(self.layer(x))

    wrapper = Twice(Dense(3))
    y = wrapper(rand(2, 3))
    assert y.shape == (2, 3) and wrapper.layer.built
    assert len(wrapper.trainable_weights) == 2
    with pytest.raises(ValueError, match="isn't a supported layer type"):
        Twice("dense")


@pytest.mark.parametrize(
    "fn,input_shape,expected",
    [
        (lambda x: x[:, :2] * 2.0, (None, 5), (None, 2)),
        (lambda x: ops.sum(x, axis=-1), (None, 3, 4), (None, 3)),
        (lambda x: [x, ops.concatenate([x, x], axis=-1)], (2, 3), [(2, 3), (2, 6)]),
        (lambda xs: ops.add(xs[0], xs[1]), [(None, 3), (None, 3)], (None, 3)),
    ],
)
def test_lambda_infers_output_shape(fn, input_shape, expected):
    assert Lambda(fn).compute_output_shape(input_shape) == expected


def test_lambda_uninferable_shape_raises():
    def bad(x):
        raise RuntimeError("boom")

    with pytest.raises(NotImplementedError, match="output_shape"):
        Lambda(bad).compute_output_shape((None, 2))


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh", "softmax", "linear"])
def test_dense_stock_activations_use_one_node(activation):
    layer = Dense(3, activation=activation)
    x = ops.convert_to_tensor(rand(2, 4))
    layer.build(x.shape)
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
    assert y._node.name == "dense_forward"
    assert all(p is not None for p in y._node.parents)
