"""Run a lamina layer and a Keras 3 (JAX) layer with the same weights; compare them.

Usage (in a parity test):

    from layer_harness import assert_layer_parity, keras
    assert_layer_parity(Dense(3), keras.layers.Dense(3), np.random.rand(4, 5).astype("float32"))

Both layers are built by calling them once (without `training`), the lamina weights are
copied into the Keras layer with `set_weights` (so the weight order and shapes must
match), then both run on the same inputs with the same `training` flag. Compared:
outputs (shape, dtype, values), the gradients of `sum(out * w)` (w random, the same on
both sides) with respect to the float inputs and to every trainable weight, the
non-trainable variables after the call (e.g. BatchNormalization's moving statistics),
and the output mask when lamina's output carries one.
"""

from __future__ import annotations

import inspect

import jax
import keras
import numpy as np

import lamina
from lamina import ops


def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    return [structure]


def _numpy(x):
    if isinstance(x, lamina.Tensor):
        return x.numpy()
    return np.asarray(x)


def _call_args(inputs, as_list):
    """`inputs` is one array or a list of arrays; lists are passed as one list argument
    (merge layers) unless `as_list=False` (then as separate positional arguments)."""
    if isinstance(inputs, (list, tuple)):
        return (list(inputs),) if as_list else tuple(inputs)
    return (inputs,)


def copy_weights(lamina_layer, keras_layer):
    """Copy lamina's weights into the Keras layer, checking the count and shapes."""
    lamina_weights = lamina_layer.get_weights()
    keras_shapes = [tuple(w.shape) for w in keras_layer.weights]
    lamina_shapes = [w.shape for w in lamina_weights]
    assert lamina_shapes == keras_shapes, (
        f"weight shapes differ: lamina {[w.name for w in lamina_layer.weights]} "
        f"{lamina_shapes} vs keras {[w.name for w in keras_layer.weights]} {keras_shapes}"
    )
    keras_layer.set_weights(lamina_weights)


def keras_run(keras_layer, args, kwargs, training, seed):
    """Keras outputs, cotangent weights, input grads, weight grads, new non-trainables."""
    accepts = inspect.signature(keras_layer.call).parameters
    kwargs = dict(kwargs)
    if "training" in accepts:
        kwargs["training"] = training
    flat_inputs = _flatten(args)
    float_idx = [i for i, x in enumerate(flat_inputs) if np.asarray(x).dtype.kind == "f"]
    jnp_inputs = [jax.numpy.asarray(x) for x in flat_inputs]
    trainable = [v.value for v in keras_layer.trainable_variables]
    non_trainable = [v.value for v in keras_layer.non_trainable_variables]

    def rebuild(leaves):
        it = iter(leaves)

        def pack(structure):
            if isinstance(structure, list):
                return [pack(s) for s in structure]
            if isinstance(structure, tuple):
                return tuple(pack(s) for s in structure)
            return next(it)

        return pack(args)

    def fn(float_inputs, trainable_values):
        leaves = list(jnp_inputs)
        for i, value in zip(float_idx, float_inputs):
            leaves[i] = value
        outputs, new_non_trainable = keras_layer.stateless_call(
            trainable_values, non_trainable, *rebuild(leaves), **kwargs
        )
        return outputs, new_non_trainable

    (outputs, new_non_trainable), pullback = jax.vjp(
        fn, [jnp_inputs[i] for i in float_idx], trainable
    )
    flat_out = [np.asarray(o) for o in _flatten(outputs)]
    rng = np.random.default_rng(seed)
    cot = [rng.standard_normal(o.shape).astype(o.dtype) for o in flat_out]
    cot_tree = jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(outputs), cot)
    zero_state = [jax.numpy.zeros_like(v) for v in new_non_trainable]
    input_grads, weight_grads = pullback((cot_tree, zero_state))
    return (
        flat_out,
        cot,
        dict(zip(float_idx, [np.asarray(g) for g in input_grads])),
        [np.asarray(g) for g in weight_grads],
        [np.asarray(v) for v in new_non_trainable],
    )


def assert_layer_parity(
    lamina_layer,
    keras_layer,
    inputs,
    *,
    training=False,
    call_kwargs=None,
    rtol=1e-5,
    atol=1e-6,
    grads=True,
    inputs_as_list=True,
    seed=0,
):
    """Assert a lamina layer matches a Keras layer of the same config on `inputs`.

    Args:
        lamina_layer, keras_layer: unbuilt or built layers with the same config.
        inputs: a NumPy array, or a list of arrays (passed as one list argument, as
            merge layers take them; `inputs_as_list=False` passes them positionally).
        training: the `training` flag for the compared call.
        call_kwargs: extra keyword arguments for both calls (e.g. `mask=`); NumPy values.
        rtol, atol: tolerances for outputs, gradients and state.
        grads: compare gradients too.

    Returns:
        The lamina outputs (a list of tensors) for further checks.
    """
    call_kwargs = dict(call_kwargs or {})
    args = _call_args(inputs, inputs_as_list)
    if not lamina_layer.built:
        lamina_layer(*args, **call_kwargs)
    if not keras_layer.built:
        keras_layer(*args, **call_kwargs)
    copy_weights(lamina_layer, keras_layer)

    k_out, cot, k_input_grads, k_weight_grads, k_state = keras_run(
        keras_layer, args, call_kwargs, training, seed
    )

    flat_inputs = _flatten(args)
    tensors = [ops.convert_to_tensor(x) for x in flat_inputs]
    float_idx = [i for i, x in enumerate(flat_inputs) if np.asarray(x).dtype.kind == "f"]
    it = iter(tensors)

    def pack(structure):
        if isinstance(structure, list):
            return [pack(s) for s in structure]
        if isinstance(structure, tuple):
            return tuple(pack(s) for s in structure)
        return next(it)

    lamina_args = pack(args)
    weights = lamina_layer.trainable_weights
    with lamina.GradientTape() as tape:
        for i in float_idx:
            tape.watch(tensors[i])
        outputs = lamina_layer(*lamina_args, training=training, **call_kwargs)
    l_out = _flatten(outputs)

    assert len(l_out) == len(k_out), f"{len(l_out)} outputs vs keras {len(k_out)}"
    for j, (lo, ko) in enumerate(zip(l_out, k_out)):
        lo_np = _numpy(lo)
        assert lo_np.shape == ko.shape, f"output {j}: shape {lo_np.shape} vs keras {ko.shape}"
        assert lo_np.dtype == ko.dtype, f"output {j}: dtype {lo_np.dtype} vs keras {ko.dtype}"
        np.testing.assert_allclose(lo_np, ko, rtol=rtol, atol=atol, err_msg=f"output {j}")

    l_state = [v.numpy() for v in lamina_layer.non_trainable_weights]
    assert len(l_state) == len(k_state), (
        f"{len(l_state)} non-trainable variables vs keras {len(k_state)}"
    )
    for j, (ls, ks) in enumerate(zip(l_state, k_state)):
        np.testing.assert_allclose(
            ls, ks, rtol=rtol, atol=atol, err_msg=f"non-trainable variable {j} after the call"
        )

    _compare_masks(lamina_layer, keras_layer, l_out, args, call_kwargs)

    if not grads:
        return l_out
    float_outs = [(lo, w) for lo, w in zip(l_out, cot) if lo.dtype.startswith("float")]
    sources = [tensors[i] for i in float_idx] + list(weights)
    l_grads = tape.gradient(
        [lo for lo, _ in float_outs],
        sources,
        output_gradients=[w for _, w in float_outs],
        unconnected_gradients="zero",
    )
    for i, g in zip(float_idx, l_grads[: len(float_idx)]):
        np.testing.assert_allclose(
            g.numpy(), k_input_grads[i], rtol=rtol, atol=atol, err_msg=f"gradient of input {i}"
        )
    assert len(weights) == len(k_weight_grads), (
        f"{len(weights)} trainable weights vs keras {len(k_weight_grads)}"
    )
    for w, g, kg in zip(weights, l_grads[len(float_idx) :], k_weight_grads):
        np.testing.assert_allclose(
            g.numpy(), kg, rtol=rtol, atol=atol, err_msg=f"gradient of weight {w.path}"
        )
    return l_out


def _compare_masks(lamina_layer, keras_layer, l_out, args, call_kwargs):
    lamina_masks = [getattr(o, "_keras_mask", None) for o in l_out]
    if all(m is None for m in lamina_masks):
        return
    mask = call_kwargs.get("mask")
    first = args[0]
    keras_first = (
        [jax.numpy.asarray(x) for x in first]
        if isinstance(first, (list, tuple))
        else jax.numpy.asarray(first)
    )
    keras_masks = _flatten(keras_layer.compute_mask(keras_first, mask))
    for j, (lm, km) in enumerate(zip(lamina_masks, keras_masks)):
        if lm is None and km is None:
            continue
        assert lm is not None and km is not None, f"output {j}: mask {lm} vs keras {km}"
        np.testing.assert_array_equal(_numpy(lm), np.asarray(km), err_msg=f"mask of output {j}")


__all__ = ["assert_layer_parity", "copy_weights", "keras", "keras_run"]
