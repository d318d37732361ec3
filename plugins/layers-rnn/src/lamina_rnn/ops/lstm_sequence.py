"""`lstm_sequence`: a whole LSTM sequence (tanh/sigmoid) as one primitive."""

from __future__ import annotations

from lamina.autodiff import primitive
from lamina.backend import namespace
from lamina_rnn.ops._recurrence import (
    batch_major,
    contiguous,
    input_gradients,
    project_inputs,
    quiet_overflow,
    scale_columns,
    sigmoid_,
    step_masks,
    tanh_,
    tanh_from_sigmoid_,
    time_major,
)

__all__ = ["lstm_sequence"]


@primitive(nin=7, multiple_outputs=True)
def lstm_sequence(
    inputs,
    initial_h,
    initial_c,
    kernel,
    recurrent_kernel,
    bias,
    mask,
    go_backwards=False,
    return_sequences=False,
):
    """Keras's LSTM (gates i, f, c, o; tanh and sigmoid) over a whole sequence.

    The input projection of all steps is one GEMM; each step is one recurrent GEMM and
    a few element-wise passes; the backward pass runs through time by hand, from the
    gate activations, cell states and hidden states saved by the forward pass.

    Args:
        inputs: `(batch, timesteps, features)`.
        initial_h, initial_c: `(batch, units)` initial states.
        kernel: `(features, 4 * units)`; recurrent_kernel: `(units, 4 * units)`.
        bias: `(4 * units,)` or None.
        mask: `(batch, timesteps)` booleans or None; masked steps carry both states.
        go_backwards: process the steps in reverse; outputs come in processing order.
        return_sequences: the first output is every step's `h` instead of the last.

    Returns:
        `(outputs, h, c)`: outputs `(batch, timesteps, units)` or `(batch, units)`.
    """
    xp = namespace(inputs)
    units = initial_h.shape[1]
    # The cell-candidate columns are pre-scaled by 2 so that one sigmoid over all four
    # gates gives sigmoid(2z) there, turned into tanh(z) = 2 * sigmoid(2z) - 1.
    cand = slice(2 * units, 3 * units)
    z, x_steps = project_inputs(
        xp,
        inputs,
        scale_columns(xp, kernel, cand.start, cand.stop, 2.0),
        scale_columns(xp, bias, cand.start, cand.stop, 2.0),
        go_backwards,
    )
    r_scaled = scale_columns(xp, recurrent_kernel, cand.start, cand.stop, 2.0)
    steps = z.shape[0]
    m = step_masks(xp, mask, go_backwards, z.dtype)
    skipped = None if m is None else m == 0
    gates = xp.empty_like(z)
    hs = xp.empty((steps + 1, *initial_h.shape), dtype=z.dtype)
    cs = xp.empty_like(hs)
    tanh_cs = xp.empty((steps, *initial_h.shape), dtype=z.dtype)
    ig = xp.empty_like(initial_h, dtype=z.dtype)
    hs[0] = initial_h
    cs[0] = initial_c
    with quiet_overflow():
        for t in range(steps):
            a = gates[t]
            xp.matmul(hs[t], r_scaled, out=a)
            a += z[t]
            sigmoid_(xp, a)
            i, f, g, o = (a[:, k * units : (k + 1) * units] for k in range(4))
            tanh_from_sigmoid_(g)
            c = cs[t + 1]
            xp.multiply(f, cs[t], out=c)
            c += xp.multiply(i, g, out=ig)
            tc = tanh_(xp, c, out=tanh_cs[t])
            h = xp.multiply(o, tc, out=hs[t + 1])
            if m is not None:  # masked rows keep their previous states
                xp.copyto(c, cs[t], where=skipped[t])
                xp.copyto(h, hs[t], where=skipped[t])
    del z
    outputs = batch_major(xp, hs[1:], False) if return_sequences else hs[-1]

    def backward(g_outputs, g_h, g_c):
        r_transposed = contiguous(xp, recurrent_kernel.T)
        dz = xp.empty_like(gates)
        dh = g_h.astype(gates.dtype, copy=True)
        dc = g_c.astype(gates.dtype, copy=True)
        g_seq = None
        if return_sequences:
            g_seq = time_major(xp, g_outputs, False)
        else:
            dh += g_outputs
        for t in range(steps - 1, -1, -1):
            if g_seq is not None:
                dh += g_seq[t]
            a = gates[t]
            i, f, g, o = (a[:, k * units : (k + 1) * units] for k in range(4))
            tc = tanh_cs[t]
            d = dz[t]
            di, df, dg, do = (d[:, k * units : (k + 1) * units] for k in range(4))
            xp.multiply(dh, tc, out=do)
            do *= o
            do *= 1.0 - o
            dct = dh * o
            dct *= 1.0 - tc * tc
            dct += dc
            xp.multiply(dct, g, out=di)
            di *= i
            di *= 1.0 - i
            xp.multiply(dct, cs[t], out=df)
            df *= f
            df *= 1.0 - f
            xp.multiply(dct, i, out=dg)
            dg *= 1.0 - g * g
            dct *= f
            if m is None:
                dh = d @ r_transposed
                dc = dct
            else:
                keep = m[t]
                d *= keep
                dh_prev = d @ r_transposed
                dh_prev += dh * (1.0 - keep)
                dh = dh_prev
                dc = dct * keep + dc * (1.0 - keep)
        return dz, dh, dc

    cache = {}

    def grads(g_outputs, g_h, g_c):
        if not cache:
            cache["dz"], cache["dh0"], cache["dc0"] = backward(g_outputs, g_h, g_c)
        return cache

    def vjp(g):
        def d_inputs_kernel():
            if "dx" not in cache:
                dz = grads(*g)["dz"]
                cache["dx"], cache["dk"] = input_gradients(xp, x_steps, kernel, dz, go_backwards)
            return cache

        def d_recurrent():
            dz = grads(*g)["dz"]
            prev = hs[:-1].reshape(-1, units)
            return prev.T @ dz.reshape(-1, 4 * units)

        return (
            lambda: d_inputs_kernel()["dx"],
            lambda: grads(*g)["dh0"],
            lambda: grads(*g)["dc0"],
            lambda: d_inputs_kernel()["dk"],
            d_recurrent,
            None if bias is None else (lambda: grads(*g)["dz"].sum(axis=(0, 1))),
            None,
        )

    return (outputs, hs[-1].copy(), cs[-1].copy()), vjp
