"""Run a lamina layer and the same Keras layer (same config and weights) and compare.

Outputs, output masks, gradients of inputs and weights, and non-trainable state after the
call; Keras runs through `stateless_call` under `jax.vjp`.
"""

import inspect

import jax
import jax.numpy as jnp
import numpy as np
from harness import keras

import lamina
from lamina import ops


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
    k_layer, l_layer = make(keras.layers), make(lamina.layers)
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
