"""`lstm_sequence`: a whole LSTM sequence (tanh/sigmoid) as one primitive."""

from __future__ import annotations

from lamina.autodiff import is_recording, primitive
from lamina.backend import namespace
from lamina_rnn.ops._recurrence import (
    batch_major,
    contiguous,
    input_gradient,
    project_inputs,
    quiet_overflow,
    step_masks,
    tanh_,
    time_major,
    weight_gradients,
)

__all__ = ["lstm_sequence"]


def _sigmoid_gates_first(xp, array, sigmoid_scale=1.0, candidate_scale=1.0):
    """A C-ordered copy of `array` whose last axis, in Keras's gate order (i, f, c, o), is
    reordered to i, f, o, c and scaled per group (the three sigmoid gates, the candidate).

    Reordering makes the sigmoid gates one block; it swaps the last two quarters, so
    applying it twice restores Keras's order.
    """
    if array is None:
        return None
    q = array.shape[-1] // 4
    out = xp.concatenate([array[..., : 2 * q], array[..., 3 * q :], array[..., 2 * q : 3 * q]], -1)
    if sigmoid_scale != 1.0:
        out[..., : 3 * q] *= sigmoid_scale
    if candidate_scale != 1.0:
        out[..., 3 * q :] *= candidate_scale
    return out


def _negated_preactivations(xp, array):
    """`array`'s columns reordered, negated, and doubled for the candidate: the projection
    then gives `-(z_i, z_f, z_o, 2 z_c)`, from which one pass `1 / (1 + exp(.))` yields the
    three gates and `sigmoid(2 z_c)`, turned into `tanh(z_c) = 2 sigmoid(2 z_c) - 1`."""
    return _sigmoid_gates_first(xp, array, -1.0, -2.0)


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
    a few in-place element-wise passes over gate-major `(4, batch, units)` buffers, so
    every gate is a contiguous block. The backward pass runs through time by hand, from
    the activations, cell states and hidden states saved by the forward pass; when no
    tape is recording nothing is saved and the buffers are reused from step to step.

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
    batch, units = initial_h.shape
    z, x_steps = project_inputs(
        xp,
        inputs,
        _negated_preactivations(xp, kernel),
        _negated_preactivations(xp, bias),
        go_backwards,
    )
    recurrent = _negated_preactivations(xp, recurrent_kernel)
    steps, dtype = z.shape[0], z.dtype
    m = step_masks(xp, mask, go_backwards, dtype)
    skipped = None if m is None else m == 0
    save = is_recording()
    # Per-step buffers: one slot per step when the backward needs them, else reused
    # (two slots for the states: the previous and the next). Step t uses slot t % len.
    acts = xp.empty((steps if save else 1, 4, batch, units), dtype)  # i, f, o, tanh(z_c)
    tanh_cs = xp.empty((len(acts), batch, units), dtype)
    hs = xp.empty((steps + 1 if save or return_sequences else 2, batch, units), dtype)
    cs = xp.empty((steps + 1 if save else 2, batch, units), dtype)
    pre = xp.empty((batch, 4 * units), dtype)
    pre_by_gate = xp.swapaxes(pre.reshape(batch, 4, units), 0, 1)
    scratch = xp.empty((batch, units), dtype)
    hs[0] = initial_h
    cs[0] = initial_c
    with quiet_overflow():
        for t in range(steps):
            h_prev, h = hs[t % len(hs)], hs[(t + 1) % len(hs)]
            c_prev, c = cs[t % len(cs)], cs[(t + 1) % len(cs)]
            a, tc = acts[t % len(acts)], tanh_cs[t % len(acts)]
            xp.matmul(h_prev, recurrent, out=pre)
            pre += z[t]
            xp.exp(pre_by_gate, out=a)  # gate-major from here on
            a += 1.0
            xp.divide(1.0, a, out=a)
            i, f, o, g = a[0], a[1], a[2], a[3]
            g *= 2.0
            g -= 1.0
            xp.multiply(f, c_prev, out=c)
            c += xp.multiply(i, g, out=scratch)
            tanh_(xp, c, out=tc)
            xp.multiply(o, tc, out=h)
            if m is not None:  # masked rows keep their previous states
                xp.copyto(c, c_prev, where=skipped[t])
                xp.copyto(h, h_prev, where=skipped[t])
    del z
    h_last, c_last = hs[steps % len(hs)], cs[steps % len(cs)]
    outputs = batch_major(xp, hs[1:], False) if return_sequences else h_last
    if not save:
        return (outputs, h_last.copy(), c_last.copy()), None

    def backward(g_outputs, g_h, g_c):
        """`dz` (time, batch, gates: i, f, o, c), the pre-activations' gradient, and the
        initial states' gradients."""
        recurrent_t = contiguous(xp, _sigmoid_gates_first(xp, recurrent_kernel).T)
        dz = xp.empty((steps, batch, 4 * units), dtype)
        dh, dh_next = g_h.astype(dtype, copy=True), xp.empty_like(scratch)
        dc, dc_next = g_c.astype(dtype, copy=True), xp.empty_like(scratch)
        g_seq = None
        if return_sequences:
            g_seq = time_major(xp, g_outputs, False)
        else:
            dh += g_outputs
        d_acts = xp.empty_like(acts[0])  # gradients of i, f, o, tanh(z_c)
        one_minus = xp.empty_like(acts[0, :3])
        dct = xp.empty_like(scratch)
        for t in range(steps - 1, -1, -1):
            if g_seq is not None:
                dh += g_seq[t]
            a, tc = acts[t], tanh_cs[t]
            i, f, o, g = a[0], a[1], a[2], a[3]
            di, df, do, dg = d_acts[0], d_acts[1], d_acts[2], d_acts[3]
            d = dz[t]
            d_by_gate = xp.swapaxes(d.reshape(batch, 4, units), 0, 1)
            xp.multiply(dh, tc, out=do)
            # Through h = o tanh(c): o (1 - tanh(c)^2) = o - h tanh(c), one pass fewer.
            xp.multiply(hs[t + 1], tc, out=scratch)
            xp.subtract(o, scratch, out=scratch)
            xp.multiply(dh, scratch, out=dct)
            dct += dc
            xp.multiply(dct, g, out=di)
            xp.multiply(dct, cs[t], out=df)
            xp.multiply(dct, i, out=dg)
            xp.multiply(dct, f, out=dc_next)
            # sigmoid' = s (1 - s) for i, f, o; tanh' = 1 - tanh^2 for the candidate.
            xp.subtract(1.0, a[:3], out=one_minus)
            d_acts[:3] *= a[:3]
            xp.multiply(d_acts[:3], one_minus, out=d_by_gate[:3])
            xp.multiply(g, g, out=scratch)
            xp.subtract(1.0, scratch, out=scratch)
            xp.multiply(dg, scratch, out=d_by_gate[3])
            if m is not None:  # masked rows pass both states' gradients through
                d *= m[t]
            xp.matmul(d, recurrent_t, out=dh_next)
            if m is not None:
                xp.copyto(dh_next, dh, where=skipped[t])
                xp.copyto(dc_next, dc, where=skipped[t])
            dh, dh_next = dh_next, dh
            dc, dc_next = dc_next, dc
        return dz, dh, dc

    cache = {}

    def grads(g_outputs, g_h, g_c):
        if not cache:
            cache["dz"], cache["dh0"], cache["dc0"] = backward(g_outputs, g_h, g_c)
        return cache

    def weights(g):
        if "dk" not in cache:
            dk, db = weight_gradients(x_steps, grads(*g)["dz"], kernel.shape[0])
            cache["dk"] = _sigmoid_gates_first(xp, dk)
            cache["db"] = _sigmoid_gates_first(xp, db)
        return cache

    def vjp(g):
        def d_inputs():
            kernel_by_gate = _sigmoid_gates_first(xp, kernel)
            return input_gradient(xp, grads(*g)["dz"], kernel_by_gate, go_backwards)

        def d_recurrent():
            dz = grads(*g)["dz"]
            prev = hs[:-1].reshape(-1, units)
            return _sigmoid_gates_first(xp, prev.T @ dz.reshape(-1, 4 * units))

        return (
            d_inputs,
            lambda: grads(*g)["dh0"],
            lambda: grads(*g)["dc0"],
            lambda: weights(g)["dk"],
            d_recurrent,
            None if bias is None else (lambda: weights(g)["db"]),
            None,
        )

    return (outputs, h_last.copy(), c_last.copy()), vjp
