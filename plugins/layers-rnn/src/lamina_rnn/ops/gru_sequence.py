"""`gru_sequence`: a whole GRU sequence (tanh/sigmoid) as one primitive."""

from __future__ import annotations

from lamina.autodiff import primitive
from lamina.backend import namespace
from lamina_rnn.ops._recurrence import (
    batch_major,
    contiguous,
    input_gradient,
    project_inputs,
    quiet_overflow,
    sigmoid_,
    step_masks,
    tanh_,
    time_major,
    weight_gradients,
)

__all__ = ["gru_sequence"]


def _split_bias(bias, reset_after):
    """Keras's GRU bias: `(2, 3 * units)` (input, recurrent) with reset_after, else input only."""
    if bias is None:
        return None, None
    if reset_after:
        return bias[0], bias[1]
    return bias, None


@primitive(nin=6, multiple_outputs=True)
def gru_sequence(
    inputs,
    initial_h,
    kernel,
    recurrent_kernel,
    bias,
    mask,
    go_backwards=False,
    return_sequences=False,
    reset_after=True,
):
    """Keras's GRU (gates z, r, h; tanh and sigmoid) over a whole sequence.

    Args:
        inputs: `(batch, timesteps, features)`.
        initial_h: `(batch, units)` initial state.
        kernel: `(features, 3 * units)`; recurrent_kernel: `(units, 3 * units)`.
        bias: `(2, 3 * units)` with reset_after, `(3 * units,)` without, or None.
        mask: `(batch, timesteps)` booleans or None; masked steps carry the state.
        go_backwards: process the steps in reverse; outputs come in processing order.
        return_sequences: the first output is every step's `h` instead of the last.
        reset_after: apply the reset gate after the recurrent matmul (Keras's default).

    Returns:
        `(outputs, h)`: outputs `(batch, timesteps, units)` or `(batch, units)`.
    """
    xp = namespace(inputs)
    units = initial_h.shape[1]
    input_bias, recurrent_bias = _split_bias(bias, reset_after)
    x, x_steps = project_inputs(xp, inputs, kernel, input_bias, go_backwards)
    steps = x.shape[0]
    m = step_masks(xp, mask, go_backwards, x.dtype)
    skipped = None if m is None else m == 0
    recurrent_kernel = contiguous(xp, recurrent_kernel)
    r_kernel_zr = contiguous(xp, recurrent_kernel[:, : 2 * units])
    r_kernel_h = contiguous(xp, recurrent_kernel[:, 2 * units :])
    hs = xp.empty((steps + 1, *initial_h.shape), dtype=x.dtype)
    hs[0] = initial_h
    gates = xp.empty_like(x)  # z, r, candidate per step
    # reset_after: the recurrent candidate term `h @ R_h + b_h`; else `r * h`.
    saved = xp.empty((steps, *initial_h.shape), dtype=x.dtype)
    with quiet_overflow():
        for t in range(steps):
            h_prev = hs[t]
            a = gates[t]
            if reset_after:
                xp.matmul(h_prev, recurrent_kernel, out=a)
                if recurrent_bias is not None:
                    a += recurrent_bias
                saved[t] = a[:, 2 * units :]
                a[:, : 2 * units] += x[t, :, : 2 * units]
                sigmoid_(xp, a[:, : 2 * units])
                cand = a[:, 2 * units :]
                cand *= a[:, units : 2 * units]
            else:
                xp.matmul(h_prev, r_kernel_zr, out=a[:, : 2 * units])
                a[:, : 2 * units] += x[t, :, : 2 * units]
                sigmoid_(xp, a[:, : 2 * units])
                xp.multiply(a[:, units : 2 * units], h_prev, out=saved[t])
                cand = a[:, 2 * units :]
                xp.matmul(saved[t], r_kernel_h, out=cand)
            cand += x[t, :, 2 * units :]
            tanh_(xp, cand, out=cand)
            h = hs[t + 1]
            xp.subtract(h_prev, cand, out=h)
            h *= a[:, :units]
            h += cand
            if skipped is not None:
                xp.copyto(h, h_prev, where=skipped[t])
    del x
    outputs = batch_major(xp, hs[1:], False) if return_sequences else hs[-1]

    def backward(g_outputs, g_h):
        r_transposed = contiguous(xp, recurrent_kernel.T)
        r_zr_transposed = contiguous(xp, r_kernel_zr.T)
        r_h_transposed = contiguous(xp, r_kernel_h.T)
        dx = xp.empty_like(gates)  # gradients of the input projections
        drec = xp.empty_like(gates) if reset_after else None  # of `h @ R + b_rec`
        dh = g_h.astype(gates.dtype, copy=True)
        g_seq = time_major(xp, g_outputs, False) if return_sequences else None
        if g_seq is None:
            dh += g_outputs
        for t in range(steps - 1, -1, -1):
            if g_seq is not None:
                dh += g_seq[t]
            h_prev = hs[t]
            a = gates[t]
            z, r, cand = a[:, :units], a[:, units : 2 * units], a[:, 2 * units :]
            d = dx[t]
            dz, dr, dcand = d[:, :units], d[:, units : 2 * units], d[:, 2 * units :]
            xp.subtract(1.0, z, out=dcand)
            dcand *= dh
            dcand *= 1.0 - cand * cand
            xp.subtract(h_prev, cand, out=dz)
            dz *= dh
            dz *= z
            dz *= 1.0 - z
            if reset_after:
                xp.multiply(dcand, saved[t], out=dr)
            else:
                d_rh = dcand @ r_h_transposed
                xp.multiply(d_rh, h_prev, out=dr)
            dr *= r
            dr *= 1.0 - r
            if m is not None:
                d *= m[t]
            direct = dh * z
            if m is not None:
                direct *= m[t]
                direct += dh * (1.0 - m[t])
            if reset_after:
                dq = drec[t]
                dq[:, : 2 * units] = d[:, : 2 * units]
                xp.multiply(dcand, r, out=dq[:, 2 * units :])
                dh = dq @ r_transposed
            else:
                dh = d[:, : 2 * units] @ r_zr_transposed
                if m is not None:
                    d_rh *= m[t]
                dh += d_rh * r
            dh += direct
        return dx, drec, dh

    cache = {}

    def grads(g):
        if not cache:
            cache["dx"], cache["drec"], cache["dh0"] = backward(*g)
        return cache

    def d_recurrent_kernel(g):
        c = grads(g)
        prev = hs[:-1].reshape(-1, units)
        if reset_after:
            return prev.T @ c["drec"].reshape(-1, 3 * units)
        dx = c["dx"].reshape(-1, 3 * units)
        rh = saved.reshape(-1, units)
        return xp.concatenate([prev.T @ dx[:, : 2 * units], rh.T @ dx[:, 2 * units :]], axis=1)

    def weights(g):
        c = grads(g)
        if "d_kernel" not in c:
            c["d_kernel"], c["d_input_bias"] = weight_gradients(x_steps, c["dx"], kernel.shape[0])
        return c

    def d_bias(g):
        d_input = weights(g)["d_input_bias"]
        if not reset_after:
            return d_input
        return xp.stack([d_input, grads(g)["drec"].sum(axis=(0, 1))])

    def vjp(g):
        return (
            lambda: input_gradient(xp, grads(g)["dx"], kernel, go_backwards),
            lambda: grads(g)["dh0"],
            lambda: weights(g)["d_kernel"],
            lambda: d_recurrent_kernel(g),
            None if bias is None else (lambda: d_bias(g)),
            None,
        )

    return (outputs, hs[-1].copy()), vjp
