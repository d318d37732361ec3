"""Parity of the core, activation and regularization layers with Keras 3 (JAX):
outputs, output masks, and gradients w.r.t. inputs and weights."""

import inspect
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from harness import keras

import lamina
from lamina import ops
from lamina.layers import activations, core, regularization

LAMINA = types.SimpleNamespace(
    **{name: getattr(core, name) for name in core.__all__},
    **{name: getattr(activations, name) for name in activations.__all__},
    **{name: getattr(regularization, name) for name in regularization.__all__},
)
RNG = np.random.default_rng(0)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def layer_parity(make, x, *, mask=None, training=False, rtol=1e-5, atol=1e-6, seed=0):
    """Build `make(namespace)` from lamina and Keras, give both the same random weights,
    call both on `x` (with `mask`), and compare outputs, output masks and the gradients
    of a random projection of the output w.r.t. the float input and every weight."""
    rng = np.random.default_rng(seed)
    k_layer, l_layer = make(keras.layers), make(LAMINA)
    for layer in (k_layer, l_layer):
        if not layer.built:
            layer.build(tuple(x.shape))
    names = [v.name for v in k_layer.weights]
    assert [v.name for v in l_layer.weights] == names
    weights = [rng.standard_normal(w.shape).astype(w.dtype) for w in k_layer.get_weights()]
    k_layer.set_weights(weights)
    l_layer.set_weights(weights)
    is_float = x.dtype.kind == "f"

    from keras.src.backend import get_keras_mask

    params = inspect.signature(k_layer.call).parameters
    kwargs = {}
    if "training" in params:
        kwargs["training"] = training
    if mask is not None and "mask" in params:
        kwargs["mask"] = jnp.asarray(mask)
    trainable = [v.value for v in k_layer.trainable_variables]
    non_trainable = [v.value for v in k_layer.non_trainable_variables]

    def keras_fn(tv, xs):
        arg = xs[0] if is_float else jnp.asarray(x)
        out, _ = k_layer.stateless_call(tv, non_trainable, arg, **kwargs)
        k_mask = get_keras_mask(out)
        if k_mask is None:
            k_mask = k_layer.compute_mask(arg, None if mask is None else jnp.asarray(mask))
        return out, k_mask

    xs = [jnp.asarray(x)] if is_float else []
    k_out, pullback, k_mask = jax.vjp(keras_fn, trainable, xs, has_aux=True)
    cot = rng.standard_normal(k_out.shape).astype(k_out.dtype)
    k_gw, k_gx = pullback(jnp.asarray(cot))

    tensor = ops.convert_to_tensor(x)
    if mask is not None:
        tensor._keras_mask = ops.convert_to_tensor(mask)
    with lamina.GradientTape() as tape:
        if is_float:
            tape.watch(tensor)
        l_out = l_layer(tensor, training=training)
    assert tuple(l_out.shape) == tuple(k_out.shape)
    assert l_out.dtype == str(k_out.dtype), (l_out.dtype, k_out.dtype)
    np.testing.assert_allclose(l_out.numpy(), np.asarray(k_out), rtol=rtol, atol=atol)
    l_mask = getattr(l_out, "_keras_mask", None)
    if k_mask is None:
        assert l_mask is None, "lamina output has a mask, Keras's has none"
    else:
        assert l_mask is not None, "Keras output has a mask, lamina's has none"
        np.testing.assert_array_equal(np.asarray(l_mask), np.asarray(k_mask))
    sources = ([tensor] if is_float else []) + list(l_layer.trainable_weights)
    if not sources:
        return
    l_grads = tape.gradient(l_out, sources, output_gradients=cot, unconnected_gradients="zero")
    for got, want in zip(l_grads, list(k_gx) + list(k_gw)):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=rtol, atol=atol)


DENSE_ACTIVATIONS = [None, "relu", "sigmoid", "tanh", "softmax", "gelu", "elu"]


@pytest.mark.parametrize("activation", DENSE_ACTIVATIONS)
@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3), (1, 3), (2, 2, 2, 3)], ids=str)
def test_dense_parity(activation, shape):
    layer_parity(lambda L: L.Dense(6, activation=activation), rand(*shape))


def test_dense_no_bias_and_single_unit():
    layer_parity(lambda L: L.Dense(1, use_bias=False, activation="relu"), rand(5, 3))


def test_dense_mask_passthrough():
    mask = np.array([[True, False, True], [False, True, True]])
    layer_parity(lambda L: L.Dense(2), rand(2, 3, 4), mask=mask)


EINSUMS = [
    ("ab,bc->ac", (4,), None, (3, 5)),
    ("ab,bc->ac", 4, "c", (3, 5)),
    ("abc,cd->abd", (None, 4), "d", (2, 3, 5)),
    ("abc,cde->abde", (None, 2, 4), "de", (2, 3, 5)),
    ("abc,cde->abde", (3, 2, 4), "e", (2, 3, 5)),
    ("...b,bc->...c", (4,), "c", (2, 3, 5)),
    ("abc...,cd->abd...", (3, 4, 2), "d", (2, 3, 5, 2)),
    ("abcd,cde->abe", (3, 4), "e", (2, 3, 5, 2)),
]


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", EINSUMS, ids=str)
def test_einsum_dense_parity(equation, output_shape, bias_axes, shape):
    layer_parity(
        lambda L: L.EinsumDense(equation, output_shape, bias_axes=bias_axes, activation="tanh"),
        rand(*shape),
    )


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", EINSUMS, ids=str)
def test_einsum_dense_output_shape_parity(equation, output_shape, bias_axes, shape):
    k = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    got = LAMINA.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    symbolic = (None, *shape[1:])
    assert got.compute_output_shape(symbolic) == k.compute_output_shape(symbolic)


@pytest.mark.parametrize("mask_zero", [False, True])
@pytest.mark.parametrize("shape", [(2, 5), (3,), (2, 2, 3)], ids=str)
def test_embedding_parity(mask_zero, shape):
    idx = np.random.default_rng(1).integers(0, 7, size=shape).astype("int32")
    layer_parity(lambda L: L.Embedding(7, 4, mask_zero=mask_zero), idx)


def test_embedding_float_indices_parity():
    idx = np.array([[1.0, 0.0, 3.0]], dtype="float32")
    k = keras.layers.Embedding(5, 2)
    k.build(None)
    layer = LAMINA.Embedding(5, 2)
    layer.build(None)
    layer.set_weights(k.get_weights())
    np.testing.assert_allclose(layer(idx).numpy(), np.asarray(k(idx)), rtol=1e-6)


def _with_padding(shape):
    x = rand(*shape)
    x[0, 1] = 0.0
    x[-1, -1] = 0.0
    return x


@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 4, 1), (2, 3, 2, 2)], ids=str)
def test_masking_parity(shape):
    layer_parity(lambda L: L.Masking(0.0), _with_padding(shape))


def test_masking_value_parity():
    x = rand(2, 4, 3)
    x[1, 2] = 2.0
    layer_parity(lambda L: L.Masking(mask_value=2.0), x)


def test_identity_parity():
    layer_parity(lambda L: L.Identity(), rand(2, 3), mask=np.array([[True, False, True]] * 2))


def test_lambda_parity():
    layer_parity(lambda L: L.Lambda(lambda x: x * x + 1.0), rand(2, 3))


ACTIVATION_LAYERS = [
    ("Activation_relu", lambda L: L.Activation("relu")),
    ("Activation_softmax", lambda L: L.Activation("softmax")),
    ("Activation_gelu", lambda L: L.Activation("gelu")),
    ("ReLU", lambda L: L.ReLU()),
    ("ReLU_capped", lambda L: L.ReLU(max_value=0.5, negative_slope=0.1, threshold=0.2)),
    ("LeakyReLU", lambda L: L.LeakyReLU()),
    ("LeakyReLU_0.1", lambda L: L.LeakyReLU(negative_slope=0.1)),
    ("ELU", lambda L: L.ELU()),
    ("ELU_0.5", lambda L: L.ELU(alpha=0.5)),
    ("PReLU", lambda L: L.PReLU()),
    ("PReLU_shared", lambda L: L.PReLU(shared_axes=[1])),
    ("Softmax", lambda L: L.Softmax()),
    ("Softmax_axis1", lambda L: L.Softmax(axis=1)),
    ("Softmax_axes", lambda L: L.Softmax(axis=(1, 2))),
]


@pytest.mark.parametrize(
    "make", [c[1] for c in ACTIVATION_LAYERS], ids=[c[0] for c in ACTIVATION_LAYERS]
)
@pytest.mark.parametrize("shape", [(2, 3, 4), (1, 1, 5)], ids=str)
def test_activation_layers_parity(make, shape):
    layer_parity(make, rand(*shape))


SOFTMAX_MASKS = [
    np.array([[[True, True, False, True]] * 3] * 2),
    np.array([[[True, False, False, False]], [[False, False, False, False]]]),  # full row
    np.array([[[1.0, 0.0, 1.0, 0.2]]], dtype="float32"),  # float mask, > 0.5 kept
]


@pytest.mark.parametrize("mask", SOFTMAX_MASKS, ids=["bool", "broadcast", "float"])
def test_softmax_mask_parity(mask):
    layer_parity(lambda L: L.Softmax(), rand(2, 3, 4), mask=mask)


REGULARIZATION = [
    ("Dropout", lambda L: L.Dropout(0.5)),
    ("Dropout_noise_shape", lambda L: L.Dropout(0.3, noise_shape=(None, 1, 4))),
    ("GaussianNoise", lambda L: L.GaussianNoise(0.3)),
    ("GaussianDropout", lambda L: L.GaussianDropout(0.3)),
    ("AlphaDropout", lambda L: L.AlphaDropout(0.3)),
    ("ActivityRegularization", lambda L: L.ActivityRegularization(l1=0.1, l2=0.2)),
]


@pytest.mark.parametrize("make", [c[1] for c in REGULARIZATION], ids=[c[0] for c in REGULARIZATION])
def test_regularization_inference_parity(make):
    mask = np.array([[True, False, True], [True, True, False]])
    layer_parity(make, rand(2, 3, 4), mask=mask)


@pytest.mark.parametrize(
    "make,shape",
    [
        (lambda L: L.SpatialDropout1D(0.4), (2, 3, 4)),
        (lambda L: L.SpatialDropout2D(0.4), (2, 3, 3, 4)),
        (lambda L: L.SpatialDropout3D(0.4, data_format="channels_first"), (1, 2, 2, 2, 3)),
    ],
)
def test_spatial_dropout_inference_parity(make, shape):
    layer_parity(make, rand(*shape))


@pytest.mark.parametrize("name", ["Dropout", "GaussianDropout", "AlphaDropout"])
def test_zero_rate_training_parity(name):
    layer_parity(lambda L: getattr(L, name)(0.0), rand(2, 3), training=True)


def test_activity_regularization_loss_parity():
    x = rand(4, 3)
    k = keras.layers.ActivityRegularization(l1=0.1, l2=0.2)
    k(x)
    layer = LAMINA.ActivityRegularization(l1=0.1, l2=0.2)
    layer(x)
    assert len(layer.losses) == len(k.losses) == 1
    np.testing.assert_allclose(layer.losses[0].numpy(), np.asarray(k.losses[0]), rtol=1e-5)


CONFIGS = [
    lambda L: L.Dense(3, activation="relu", use_bias=False),
    lambda L: L.EinsumDense("ab,bc->ac", 4, bias_axes="c"),
    lambda L: L.Embedding(5, 2, mask_zero=True),
    lambda L: L.Masking(1.5),
    lambda L: L.Identity(),
    lambda L: L.Activation("tanh"),
    lambda L: L.ReLU(max_value=2.0),
    lambda L: L.LeakyReLU(),
    lambda L: L.PReLU(shared_axes=[1, 2]),
    lambda L: L.ELU(alpha=0.3),
    lambda L: L.Softmax(axis=[1, 2]),
    lambda L: L.Dropout(0.2, noise_shape=(None, 1), seed=3),
    lambda L: L.SpatialDropout1D(0.1, seed=2),
    lambda L: L.SpatialDropout2D(0.1, data_format="channels_first"),
    lambda L: L.SpatialDropout3D(0.1),
    lambda L: L.GaussianNoise(0.1, seed=1),
    lambda L: L.GaussianDropout(0.1),
    lambda L: L.AlphaDropout(0.1, noise_shape=(None, 2)),
    lambda L: L.ActivityRegularization(l1=0.01),
]


@pytest.mark.parametrize("make", CONFIGS)
def test_get_config_parity(make):
    k_config, l_config = make(keras.layers).get_config(), make(LAMINA).get_config()
    k_config.pop("name"), l_config.pop("name")
    assert l_config == k_config


# --- the same checks through the shared layer harness (weights copied lamina -> Keras) ---
HARNESS_CASES = [
    ("Dense_reg", lambda L: L.Dense(4, activation="sigmoid", kernel_regularizer="l2"), (3, 5)),
    ("Dense_relu_3d", lambda L: L.Dense(2, activation="relu"), (2, 3, 4)),
    ("EinsumDense", lambda L: L.EinsumDense("abc,cd->abd", (None, 3), bias_axes="d"), (2, 4, 5)),
    ("PReLU", lambda L: L.PReLU(alpha_initializer="random_normal", shared_axes=[1]), (2, 3, 4)),
    ("Softmax", lambda L: L.Softmax(axis=-2), (2, 3, 4)),
]


@pytest.mark.parametrize(
    "make,shape", [c[1:] for c in HARNESS_CASES], ids=[c[0] for c in HARNESS_CASES]
)
def test_with_shared_layer_harness(make, shape):
    from layer_harness import assert_layer_parity

    assert_layer_parity(make(LAMINA), make(keras.layers), rand(*shape))


def test_embedding_with_shared_layer_harness():
    from layer_harness import assert_layer_parity

    idx = np.array([[1, 0, 4], [2, 2, 0]], dtype="int32")
    make = lambda L: L.Embedding(5, 3, mask_zero=True)  # noqa: E731
    assert_layer_parity(make(LAMINA), make(keras.layers), idx)


def test_dense_regularization_losses_parity():
    x = rand(4, 3)
    make = lambda L: L.Dense(  # noqa: E731
        2, kernel_regularizer="l1", bias_regularizer="l2", activity_regularizer="l2"
    )
    k_layer, l_layer = make(keras.layers), make(LAMINA)
    k_layer.build(x.shape)
    l_layer.build(x.shape)
    l_layer.set_weights([w + 0.5 for w in k_layer.get_weights()])
    k_layer.set_weights(l_layer.get_weights())
    k_layer(x), l_layer(x)
    k_losses = sorted(float(v) for v in k_layer.losses)
    l_losses = sorted(float(v.numpy()) for v in l_layer.losses)
    np.testing.assert_allclose(l_losses, k_losses, rtol=1e-5)


def test_dense_mixed_float16_parity():
    # float16 outputs: compared at float16 resolution (about 1e-3 relative).
    x = rand(3, 4)
    make = lambda L: L.Dense(5, activation="tanh", dtype="mixed_float16")  # noqa: E731
    k_layer, l_layer = make(keras.layers), make(LAMINA)
    k_layer.build(x.shape)
    l_layer.build(x.shape)
    l_layer.set_weights(k_layer.get_weights())
    k_out, l_out = np.asarray(k_layer(x)), l_layer(x).numpy()
    assert l_out.dtype == k_out.dtype == np.float16
    assert l_layer.kernel.dtype == "float32"
    np.testing.assert_allclose(l_out, k_out, rtol=2e-3, atol=2e-3)
