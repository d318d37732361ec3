"""Run the same op in lamina and in Keras 3 (JAX) and compare outputs and gradients."""

from __future__ import annotations

import jax
import keras
import numpy as np

import lamina
from lamina import ops


def _as_list(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def keras_forward_and_vjp(keras_fn, inputs, cotangents_seed=0):
    """Outputs of `keras_fn(*inputs)` and the gradients of <w, out> for float inputs."""
    jnp_inputs = [jax.numpy.asarray(x) for x in inputs]
    float_idx = [i for i, x in enumerate(inputs) if np.asarray(x).dtype.kind == "f"]

    def fn(*float_args):
        args = list(jnp_inputs)
        for i, a in zip(float_idx, float_args):
            args[i] = a
        return keras_fn(*args)

    outs, pullback = jax.vjp(fn, *[jnp_inputs[i] for i in float_idx])
    out_list = _as_list(outs)
    rng = np.random.default_rng(cotangents_seed)
    weights = [rng.standard_normal(np.shape(o)).astype(np.asarray(o).dtype) for o in out_list]
    cot = type(outs)(weights) if isinstance(outs, (tuple, list)) else weights[0]
    grads = pullback(cot) if float_idx else ()
    return (
        [np.asarray(o) for o in out_list],
        weights,
        {i: np.asarray(g) for i, g in zip(float_idx, grads)},
    )


def assert_parity(lamina_fn, keras_fn, inputs, *, rtol=1e-5, atol=1e-6, grads=True):
    """Assert lamina and Keras agree on outputs (and gradients of float inputs).

    Args:
        lamina_fn: callable on lamina tensors.
        keras_fn: callable on JAX arrays using `keras.ops`.
        inputs: NumPy arrays, fed identically to both.
    """
    k_outs, weights, k_grads = keras_forward_and_vjp(keras_fn, inputs)
    tensors = [ops.convert_to_tensor(x) for x in inputs]
    float_idx = [i for i, x in enumerate(inputs) if np.asarray(x).dtype.kind == "f"]
    with lamina.GradientTape() as tape:
        for i in float_idx:
            tape.watch(tensors[i])
        l_outs = _as_list(lamina_fn(*tensors))
    assert len(l_outs) == len(k_outs), f"{len(l_outs)} outputs vs keras {len(k_outs)}"
    for j, (lo, ko) in enumerate(zip(l_outs, k_outs)):
        lo_np = ops.convert_to_numpy(lo)
        assert lo_np.shape == ko.shape, f"output {j}: shape {lo_np.shape} vs keras {ko.shape}"
        assert lo_np.dtype == ko.dtype, f"output {j}: dtype {lo_np.dtype} vs keras {ko.dtype}"
        np.testing.assert_allclose(lo_np, ko, rtol=rtol, atol=atol, err_msg=f"output {j}")
    if not grads or not float_idx:
        return
    float_outs = [(lo, w) for lo, w in zip(l_outs, weights) if lo.dtype.startswith("float")]
    l_grads = tape.gradient(
        [lo for lo, _ in float_outs],
        [tensors[i] for i in float_idx],
        output_gradients=[w for _, w in float_outs],
        unconnected_gradients="zero",
    )
    for i, g in zip(float_idx, l_grads):
        np.testing.assert_allclose(
            g.numpy(), k_grads[i], rtol=rtol, atol=atol, err_msg=f"gradient of input {i}"
        )


__all__ = ["assert_parity", "keras"]
