"""Numerical gradient checking along random directions (float64 recommended)."""

from __future__ import annotations

import numpy as np

from lamina.autodiff.tape import GradientTape
from lamina.autodiff.tensor import Tensor
from lamina.backend import asarray, to_numpy


def _outputs(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def check_gradients(fn, inputs, *, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0):
    """Compare the tape's gradients of `fn` with central differences.

    For each floating input, the directional derivative of `<w, fn(x)>` along a
    random direction is computed numerically and compared with the analytic
    `<grad, direction>`, where `w` is a random cotangent per float output.

    Args:
        fn: function of tensors returning a tensor or a tuple of tensors.
        inputs: NumPy arrays (use float64 for tight tolerances).

    Raises:
        AssertionError: naming the input whose gradient disagrees.
    """
    rng = np.random.default_rng(seed)
    tensors = [Tensor(asarray(x)) for x in inputs]
    with GradientTape(persistent=True) as tape:
        for t in tensors:
            if t.dtype.startswith("float"):
                tape.watch(t)
        outs = _outputs(fn(*tensors))
    float_outs = [o for o in outs if o.dtype.startswith("float")]
    weights = [rng.standard_normal(o.shape).astype(o.dtype) for o in float_outs]
    grads = tape.gradient(
        float_outs, tensors, output_gradients=weights, unconnected_gradients="zero"
    )

    def objective(arrays):
        result = [
            o
            for o in _outputs(fn(*[Tensor(asarray(a)) for a in arrays]))
            if o.dtype.startswith("float")
        ]
        return sum(
            float(np.sum(to_numpy(o._value).astype(np.float64) * w))
            for o, w in zip(result, weights)
        )

    for i, x in enumerate(inputs):
        x = np.asarray(x)
        if x.dtype.kind != "f":
            continue
        analytic_grad = grads[i].numpy()
        if analytic_grad.shape != x.shape:
            raise AssertionError(
                f"input {i}: gradient shape {analytic_grad.shape} != input shape {x.shape}"
            )
        if analytic_grad.dtype != x.dtype:
            raise AssertionError(f"input {i}: gradient dtype {analytic_grad.dtype} != {x.dtype}")
        direction = rng.standard_normal(x.shape)
        plus = [np.asarray(a) for a in inputs]
        minus = [np.asarray(a) for a in inputs]
        plus[i] = (x + eps * direction).astype(x.dtype)
        minus[i] = (x - eps * direction).astype(x.dtype)
        numeric = (objective(plus) - objective(minus)) / (2 * eps)
        analytic = float(np.sum(analytic_grad.astype(np.float64) * direction))
        if not np.isclose(analytic, numeric, rtol=rtol, atol=atol):
            raise AssertionError(
                f"input {i}: analytic directional derivative {analytic!r} differs "
                f"from numeric {numeric!r} (rtol={rtol}, atol={atol})"
            )
