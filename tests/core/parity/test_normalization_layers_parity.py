"""Parity of the normalization layers with Keras 3 (JAX): outputs, input and weight
gradients, training and inference, moving statistics after a training call, masks."""

import inspect
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from harness import keras

import lamina
from lamina import ops
from lamina.layers import normalization

LAMINA = types.SimpleNamespace(
    **{name: getattr(normalization, name) for name in normalization.__all__}
)
RNG = np.random.default_rng(0)


def rand(*shape):
    return (RNG.standard_normal(shape) * 2 + 0.5).astype("float32")


# --- minimal layer-parity helper (same config + weights into lamina and Keras) ---
def _structure_map(fn, x):
    return [fn(v) for v in x] if isinstance(x, (list, tuple)) else fn(x)


def layer_parity(
    make, inputs, *, masks=None, training=False, rtol=1e-5, atol=1e-6, seed=0, grads=True
):
    """Compare outputs, output masks, input/weight gradients and the non-trainable weights
    after one call of `make(namespace)` built from lamina and from Keras (JAX).

    `inputs` is an array or a list of arrays (passed as the layer's first argument);
    `masks` (same structure, or None) are attached as the inputs' `_keras_mask`.
    """
    rng = np.random.default_rng(seed)
    k_layer, l_layer = make(keras.layers), make(LAMINA)
    shapes = _structure_map(lambda a: tuple(a.shape), inputs)
    for layer in (k_layer, l_layer):
        if not layer.built:
            layer.build(shapes)
    k_weights = k_layer.get_weights()
    names = [v.name for v in k_layer.weights]
    k_weights = [
        rng.uniform(0.5, 1.5, w.shape).astype(w.dtype)
        if "variance" in n or "stddev" in n
        else rng.standard_normal(w.shape).astype(w.dtype)
        for w, n in zip(k_weights, names)
    ]
    k_layer.set_weights(k_weights)
    l_layer.set_weights(k_weights)
    assert [v.name for v in l_layer.weights] == names
    n_in = len(inputs) if isinstance(inputs, (list, tuple)) else 1
    flat_inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    flat_masks = (
        [None] * n_in
        if masks is None
        else (list(masks) if isinstance(masks, (list, tuple)) else [masks])
    )
    float_idx = [i for i, a in enumerate(flat_inputs) if a.dtype.kind == "f"]

    # Keras side: jax.vjp over (trainable weights, float inputs) of a stateless call.
    from keras.src.backend import get_keras_mask, set_keras_mask

    trainable = [v.value for v in k_layer.trainable_variables]
    non_trainable = [v.value for v in k_layer.non_trainable_variables]

    def keras_fn(tv, xs):
        args = [jnp.asarray(a) for a in flat_inputs]
        for i, x in zip(float_idx, xs):
            args[i] = x
        for a, m in zip(args, flat_masks):
            if m is not None:
                set_keras_mask(a, jnp.asarray(m))
        arg = args if isinstance(inputs, (list, tuple)) else args[0]
        kwargs = {}
        params = inspect.signature(k_layer.call).parameters
        if "training" in params:
            kwargs["training"] = training
        if "mask" in params and any(m is not None for m in flat_masks):
            kwargs["mask"] = flat_masks if isinstance(inputs, (list, tuple)) else flat_masks[0]
        out, new_nt = k_layer.stateless_call(tv, non_trainable, arg, **kwargs)
        # stateless_call skips compute_mask: a mask set by call() itself, else compute_mask's.
        mask = get_keras_mask(out)
        if mask is None:
            mask_arg = flat_masks if isinstance(inputs, (list, tuple)) else flat_masks[0]
            mask = k_layer.compute_mask(arg, mask_arg)
        return out, (mask, new_nt)

    xs = [jnp.asarray(flat_inputs[i]) for i in float_idx]
    k_out, pullback, (k_mask, k_new_nt) = jax.vjp(keras_fn, trainable, xs, has_aux=True)
    cot = rng.standard_normal(k_out.shape).astype(k_out.dtype)
    k_gw, k_gx = pullback(jnp.asarray(cot))

    # lamina side.
    tensors = [ops.convert_to_tensor(a) for a in flat_inputs]
    for t, m in zip(tensors, flat_masks):
        if m is not None:
            t._keras_mask = ops.convert_to_tensor(m)
    with lamina.GradientTape() as tape:
        for i in float_idx:
            tape.watch(tensors[i])
        arg = tensors if isinstance(inputs, (list, tuple)) else tensors[0]
        l_out = l_layer(arg, training=training)
    np.testing.assert_equal(tuple(l_out.shape), tuple(k_out.shape))
    assert l_out.dtype == str(k_out.dtype), (l_out.dtype, k_out.dtype)
    np.testing.assert_allclose(l_out.numpy(), np.asarray(k_out), rtol=rtol, atol=atol)
    l_mask = getattr(l_out, "_keras_mask", None)
    if k_mask is None:
        assert l_mask is None, "lamina output has a mask, Keras's has none"
    else:
        assert l_mask is not None, "Keras output has a mask, lamina's has none"
        np.testing.assert_array_equal(np.asarray(l_mask), np.asarray(k_mask))
    for var, k_value in zip(l_layer.non_trainable_weights, k_new_nt):
        np.testing.assert_allclose(var.numpy(), np.asarray(k_value), rtol=rtol, atol=atol)
    if not grads:
        return
    sources = [tensors[i] for i in float_idx] + list(l_layer.trainable_weights)
    l_grads = tape.gradient(l_out, sources, output_gradients=cot, unconnected_gradients="zero")
    for got, want in zip(l_grads, list(k_gx) + list(k_gw)):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=rtol, atol=atol)


SHAPES = [(4, 3), (2, 5, 3), (2, 4, 4, 3), (1, 3), (3, 1)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_parity(shape, training):
    layer_parity(lambda L: L.BatchNormalization(), rand(*shape), training=training)


BN_CONFIGS = [
    {"axis": 1},
    {"axis": -2, "momentum": 0.9, "epsilon": 1e-2},
    {"center": False},
    {"scale": False},
    {"center": False, "scale": False},
]


@pytest.mark.parametrize("config", BN_CONFIGS, ids=str)
@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_config_parity(config, training):
    layer_parity(lambda L: L.BatchNormalization(**config), rand(2, 3, 4), training=training)


def test_frozen_batch_normalization_runs_in_inference_mode():
    def make(L):
        layer = L.BatchNormalization()
        layer.trainable = False
        return layer

    layer_parity(make, rand(4, 3), training=True)


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_mask_parity(training):
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    layer_parity(lambda L: L.BatchNormalization(), rand(2, 4, 3), masks=mask, training=training)


@pytest.mark.parametrize(
    "clipping", [None, {"rmax": 1.5, "rmin": 0.5, "dmax": 0.2}], ids=["noclip", "clip"]
)
def test_batch_renormalization_parity(clipping):
    layer_parity(
        lambda L: L.BatchNormalization(renorm=True, renorm_clipping=clipping),
        rand(6, 3),
        training=True,
    )


def test_batch_normalization_moving_statistics_over_steps():
    k_layer, l_layer = (
        keras.layers.BatchNormalization(momentum=0.8),
        LAMINA.BatchNormalization(momentum=0.8),
    )
    for _ in range(3):
        x = rand(5, 2)
        k_layer(x, training=True)
        l_layer(x, training=True)
    for got, want in zip(l_layer.get_weights(), k_layer.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


LN_CASES = [
    ({}, (4, 3)),
    ({}, (2, 5, 3)),
    ({"axis": [1, 2]}, (2, 3, 4)),
    ({"axis": 1}, (2, 3, 4)),
    ({"epsilon": 1e-5, "center": False}, (2, 6)),
    ({"scale": False}, (2, 6)),
    ({"rms_scaling": True}, (2, 6)),
    ({}, (3, 1)),
]


@pytest.mark.parametrize("config,shape", LN_CASES, ids=str)
def test_layer_normalization_parity(config, shape):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling's deprecation warning
        layer_parity(lambda L: L.LayerNormalization(**config), rand(*shape))


GN_CASES = [
    ({"groups": 2}, (2, 5, 4)),
    ({"groups": 1}, (2, 3, 6)),
    ({"groups": -1}, (2, 3, 3, 4)),
    ({"groups": 3, "axis": 1, "center": False}, (2, 6, 4)),
    ({"groups": 2, "scale": False, "epsilon": 1e-5}, (2, 4)),
]


@pytest.mark.parametrize("config,shape", GN_CASES, ids=str)
def test_group_normalization_parity(config, shape):
    layer_parity(lambda L: L.GroupNormalization(**config), rand(*shape))


@pytest.mark.parametrize("axis,shape", [(-1, (3, 4)), ([1, 2], (2, 3, 4)), (1, (2, 3, 4))], ids=str)
def test_unit_normalization_parity(axis, shape):
    layer_parity(lambda L: L.UnitNormalization(axis=axis), rand(*shape))


@pytest.mark.parametrize(
    "config,shape", [({}, (3, 4)), ({"axis": [1, 2]}, (2, 3, 4)), ({"epsilon": 1e-3}, (2, 5))]
)
def test_rms_normalization_parity(config, shape):
    layer_parity(lambda L: L.RMSNormalization(**config), rand(*shape))


@pytest.mark.parametrize("mask_shape", [(2, 3)])
def test_normalization_layers_keep_masks(mask_shape):
    mask = np.array([[True, False, True], [False, True, True]])
    layer_parity(lambda L: L.LayerNormalization(), rand(2, 3, 4), masks=mask)
    layer_parity(lambda L: L.GroupNormalization(groups=2), rand(2, 3, 4), masks=mask)
    layer_parity(lambda L: L.UnitNormalization(), rand(2, 3, 4), masks=mask)


CONFIGS = [
    lambda L: L.BatchNormalization(axis=1, momentum=0.9, center=False),
    lambda L: L.LayerNormalization(axis=[1, 2], epsilon=1e-5),
    lambda L: L.GroupNormalization(groups=4),
    lambda L: L.UnitNormalization(axis=[1, 2]),
    lambda L: L.RMSNormalization(epsilon=1e-4),
]


@pytest.mark.parametrize("make", CONFIGS)
def test_get_config_matches_keras(make):
    want, got = make(keras.layers).get_config(), make(LAMINA).get_config()
    assert set(got) == set(want)
    for key in set(want) - {"name", "dtype"}:
        assert got[key] == want[key], key
