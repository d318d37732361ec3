"""Parity of the reshaping and merging layers with Keras 3 (JAX): outputs, masks, gradients."""

import inspect
import types

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from harness import keras

import lamina
from lamina import ops
from lamina.layers import merging, reshaping

LAMINA = types.SimpleNamespace(
    **{name: getattr(merging, name) for name in merging.__all__},
    **{name: getattr(reshaping, name) for name in reshaping.__all__},
)
RNG = np.random.default_rng(0)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


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


RESHAPING = [
    ("Flatten", lambda L: L.Flatten(), [rand(2, 3, 4)]),
    ("Flatten_1d", lambda L: L.Flatten(), [rand(5)]),
    ("Flatten_4d", lambda L: L.Flatten(), [rand(2, 3, 4, 2)]),
    ("Flatten_cf", lambda L: L.Flatten(data_format="channels_first"), [rand(2, 3, 4, 5)]),
    ("Reshape", lambda L: L.Reshape((3, 4)), [rand(2, 12)]),
    ("Reshape_infer", lambda L: L.Reshape((-1, 2, 2)), [rand(3, 12)]),
    ("Reshape_size1", lambda L: L.Reshape((1, -1)), [rand(1, 6)]),
    ("Permute", lambda L: L.Permute((2, 1)), [rand(2, 3, 4)]),
    ("Permute_3", lambda L: L.Permute((3, 1, 2)), [rand(2, 3, 4, 5)]),
    ("RepeatVector", lambda L: L.RepeatVector(3), [rand(2, 5)]),
]


@pytest.mark.parametrize("make,inputs", [c[1:] for c in RESHAPING], ids=[c[0] for c in RESHAPING])
def test_reshaping_parity(make, inputs):
    layer_parity(make, inputs[0])


MERGES = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
SHAPE_PAIRS = [
    ((2, 3), (2, 3)),
    ((2, 3, 4), (2, 3, 4)),
    ((2, 3, 4), (2, 1, 4)),  # broadcast of a size-1 axis
    ((2, 3, 4), (2, 4)),  # different ranks: expanded at axis 1
    ((1, 1), (1, 1)),
]


@pytest.mark.parametrize("name", MERGES)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_elementwise_merge_parity(name, shapes):
    layer_parity(lambda L: getattr(L, name)(), [rand(*s) for s in shapes])


@pytest.mark.parametrize("name", ["Add", "Multiply", "Average", "Maximum", "Minimum"])
def test_three_input_merge_parity(name):
    layer_parity(lambda L: getattr(L, name)(), [rand(2, 3, 4) for _ in range(3)])


MASKS = [
    [np.array([[True, True, False], [True, False, False]])] * 2,
    [np.array([[True, True, False], [True, False, False]]), np.array([[False, True, True]] * 2)],
    [np.array([[True, True, False], [True, False, False]]), None],
]


@pytest.mark.parametrize("name", MERGES)
@pytest.mark.parametrize("masks", MASKS, ids=["same", "different", "one"])
def test_merge_masks_parity(name, masks):
    layer_parity(lambda L: getattr(L, name)(), [rand(2, 3, 4), rand(2, 3, 4)], masks=masks)


CONCATS = [
    (-1, [(2, 3), (2, 5)]),
    (1, [(2, 3, 4), (2, 1, 4), (2, 2, 4)]),
    (-2, [(2, 3, 4), (2, 2, 4)]),
    (2, [(1, 3, 0), (1, 3, 2)]),  # a size-0 input
]


@pytest.mark.parametrize("axis,shapes", CONCATS, ids=str)
def test_concatenate_parity(axis, shapes):
    layer_parity(lambda L: L.Concatenate(axis=axis), [rand(*s) for s in shapes])


@pytest.mark.parametrize("masks", MASKS, ids=["same", "different", "one"])
@pytest.mark.parametrize("axis", [1, -1])
def test_concatenate_masks_parity(axis, masks):
    layer_parity(lambda L: L.Concatenate(axis=axis), [rand(2, 3, 4), rand(2, 3, 4)], masks=masks)


DOTS = [
    (1, False, [(4, 5), (4, 5)]),
    (-1, True, [(4, 5), (4, 5)]),
    ((1, 2), False, [(2, 3, 5), (2, 4, 3)]),
    ((2, 1), True, [(2, 3, 5), (2, 5, 4)]),
    ((1, 1), False, [(2, 6), (2, 6, 3)]),
    ((3, 1), False, [(2, 3, 4, 5), (2, 5, 2, 3)]),
    (-1, False, [(2, 3, 4), (2, 4)]),
]


@pytest.mark.parametrize("axes,normalize,shapes", DOTS, ids=str)
def test_dot_parity(axes, normalize, shapes):
    layer_parity(lambda L: L.Dot(axes=axes, normalize=normalize), [rand(*s) for s in shapes])


@pytest.mark.parametrize(
    "fn,kwargs",
    [
        ("add", {}),
        ("subtract", {}),
        ("multiply", {}),
        ("average", {}),
        ("maximum", {}),
        ("minimum", {}),
        ("concatenate", {"axis": 1}),
        ("dot", {"axes": 1}),
    ],
)
def test_functional_forms_parity(fn, kwargs):
    a, b = rand(3, 4), rand(3, 4)
    want = getattr(keras.layers, fn)([a, b], **kwargs)
    got = getattr(merging, fn)([a, b], **kwargs)
    np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-5, atol=1e-6)


CONFIGS = [
    lambda L: L.Flatten(data_format="channels_first"),
    lambda L: L.Reshape((-1, 3)),
    lambda L: L.Permute((2, 1)),
    lambda L: L.RepeatVector(4),
    lambda L: L.Concatenate(axis=1),
    lambda L: L.Dot(axes=(1, 2), normalize=True),
    lambda L: L.Add(),
]


@pytest.mark.parametrize("make", CONFIGS)
def test_get_config_keys_match_keras(make):
    want, got = make(keras.layers).get_config(), make(LAMINA).get_config()
    assert set(got) == set(want)
    for key in set(want) - {"name", "dtype"}:
        want_value = want[key]
        assert got[key] == (list(want_value) if isinstance(got[key], list) else want_value), key


SHAPES = [
    (lambda L: L.Flatten(), (None, 3, None)),
    (lambda L: L.Reshape((-1, 4)), (None, 12)),
    (lambda L: L.Reshape((-1, 4)), (None, None)),
    (lambda L: L.Permute((3, 1, 2)), (None, 2, 3, 4)),
    (lambda L: L.RepeatVector(2), (None, 7)),
    (lambda L: L.Add(), [(None, 3, 4), (None, 1, 4)]),
    (lambda L: L.Add(), [(None, 3, 4), (None, 4)]),
    (lambda L: L.Concatenate(axis=1), [(None, 3, 4), (None, None, 4)]),
    (lambda L: L.Concatenate(), [(None, 3, 4), (None, 3, 5)]),
    (lambda L: L.Dot(axes=(1, 2)), [(None, 3, 5), (None, 4, 3)]),
    (lambda L: L.Dot(axes=1), [(None, 5), (None, 5)]),
]


@pytest.mark.parametrize("make,shape", SHAPES, ids=str)
def test_compute_output_shape_matches_keras(make, shape):
    assert make(LAMINA).compute_output_shape(shape) == make(keras.layers).compute_output_shape(
        shape
    )
