"""Array helpers shared by the fused recurrent primitives (raw NumPy/CuPy arrays)."""

from __future__ import annotations

import numpy as np


# exp(-x) overflows to inf for very negative x, which gives the right limits (0 and -1)
# below; NumPy's warning about it is silenced where the loops run.
def quiet_overflow():
    return np.errstate(over="ignore")


def sigmoid_(xp, x):
    """Logistic sigmoid `1 / (1 + exp(-x))` in place (NumPy's SIMD exp beats its tanh)."""
    xp.negative(x, out=x)
    xp.exp(x, out=x)
    x += 1.0
    return xp.reciprocal(x, out=x)


def tanh_(xp, x, out):
    """`tanh(x)` into `out` as `2 / (1 + exp(-2x)) - 1` (2-3x faster than NumPy's tanh)."""
    xp.multiply(x, -2.0, out=out)
    xp.exp(out, out=out)
    out += 1.0
    xp.divide(2.0, out, out=out)
    out -= 1.0
    return out


def contiguous(xp, array):
    """`array` in C order: NumPy's matmul with `out=` is ~20x slower on a Fortran-ordered
    operand (the orthogonal initializer's recurrent kernels are)."""
    return None if array is None else xp.ascontiguousarray(array)


def time_major(xp, array, go_backwards):
    """`(batch, time, ...)` -> contiguous `(time, batch, ...)` in processing order."""
    steps_first = xp.swapaxes(array, 0, 1)
    return xp.ascontiguousarray(steps_first[::-1] if go_backwards else steps_first)


def batch_major(xp, array, go_backwards):
    """Inverse of `time_major`: `(time, batch, ...)` in processing order -> `(batch, time, ...)`."""
    if go_backwards:
        array = array[::-1]
    return xp.ascontiguousarray(xp.swapaxes(array, 0, 1))


def step_masks(xp, mask, go_backwards, dtype):
    """The `(batch, time)` boolean mask as `(time, batch, 1)` 0/1 floats, or None."""
    if mask is None:
        return None
    return time_major(xp, mask, go_backwards)[..., None].astype(dtype)


def project_inputs(xp, inputs, kernel, bias, go_backwards):
    """The input projection of every step as one GEMM, with the bias folded in.

    Returns `(z, x)`: `z` `(time, batch, gates)`, and `x` the inputs made time-major in
    processing order, kept for the gradients. With a bias, `x` gets a trailing column of
    ones and the bias is the GEMM's last row: no pass over `z` to add it, and the weights'
    gradient GEMM (`weight_gradients`) gives the bias's gradient as its last row.
    Transposing the inputs rather than the 4x wider projection saves most of the copying.
    """
    steps_first = xp.swapaxes(inputs, 0, 1)
    if go_backwards:
        steps_first = steps_first[::-1]
    steps, batch, features = steps_first.shape
    if bias is None:
        x, weights = xp.ascontiguousarray(steps_first), kernel
    else:
        x = xp.empty((steps, batch, features + 1), inputs.dtype)
        x[..., :features] = steps_first
        x[..., features] = 1
        weights = xp.concatenate([kernel, bias.astype(kernel.dtype, copy=False)[None]])
    z = x.reshape(steps * batch, -1) @ weights
    return z.reshape(steps, batch, -1), x


def input_gradient(xp, dz, kernel, go_backwards):
    """The inputs' gradient `(batch, time, features)` from `dz` `(time, batch, gates)` in
    processing order."""
    steps, batch, gates = dz.shape
    grad = (dz.reshape(steps * batch, gates) @ kernel.T).reshape(steps, batch, -1)
    return batch_major(xp, grad, go_backwards)


def weight_gradients(x, dz, features):
    """`(kernel gradient, bias gradient or None)` from `dz` `(time, batch, gates)` and the
    `x` of `project_inputs`, as one GEMM."""
    steps, batch, width = x.shape
    grad = x.reshape(steps * batch, width).T @ dz.reshape(steps * batch, -1)
    return grad[:features], (grad[features] if width > features else None)
