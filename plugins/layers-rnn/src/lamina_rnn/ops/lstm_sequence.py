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
    a few in-place element-wise passes. Inside, every array is units-major (the batch
    is the last axis): a step's pre-activations are `R^T h^T`, `(4 * units, batch)`,
    which BLAS computes ~25 % faster than `h R` at these shapes, and whose four gates
    are contiguous `(units, batch)` blocks. The backward pass runs through time by hand,
    from the activations, cell states and hidden states saved by the forward pass; when
    no tape is recording nothing is saved and the buffers are reused from step to step.

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
    # z[:, t] is step t's input projection, (4 * units, batch), a strided view.
    z, x_steps = project_inputs(
        xp,
        inputs,
        _negated_preactivations(xp, kernel),
        _negated_preactivations(xp, bias),
        go_backwards,
        gates_first=True,
    )
    recurrent_t = contiguous(xp, _negated_preactivations(xp, recurrent_kernel).T)
    steps, dtype = z.shape[1], z.dtype
    m = step_masks(xp, mask, go_backwards, dtype)  # (time, batch, 1)
    if m is not None:
        m = xp.swapaxes(m, 1, 2)  # (time, 1, batch): broadcasts over units
    skipped = None if m is None else m == 0
    save = is_recording()
    keep_h = save or return_sequences
    # Per-step buffers: one slot per step when the backward needs them, else reused
    # (two slots for the states: the previous and the next). Step t uses slot t % len.
    # The hidden states are (units, time + 1, batch) so that, reshaped to
    # (units, time * batch), they are one GEMM operand of the recurrent kernel's gradient.
    acts = xp.empty((steps if save else 1, 4, units, batch), dtype)  # i, f, o, tanh(z_c)
    tanh_cs = xp.empty((len(acts), units, batch), dtype)
    hs = xp.empty((units, steps + 1 if keep_h else 2, batch), dtype)
    cs = xp.empty((steps + 1 if save else 2, units, batch), dtype)
    scratch = xp.empty((units, batch), dtype)
    hs[:, 0] = initial_h.T
    cs[0] = initial_c.T
    with quiet_overflow():
        for t in range(steps):
            h_prev, h = hs[:, t % hs.shape[1]], hs[:, (t + 1) % hs.shape[1]]
            c_prev, c = cs[t % len(cs)], cs[(t + 1) % len(cs)]
            a, tc = acts[t % len(acts)], tanh_cs[t % len(acts)]
            pre = a.reshape(4 * units, batch)
            xp.matmul(recurrent_t, h_prev, out=pre)
            pre += z[:, t]
            xp.exp(a, out=a)
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
    h_last, c_last = hs[:, steps % hs.shape[1]], cs[steps % len(cs)]
    if return_sequences:
        outputs = batch_major(xp, xp.moveaxis(hs[:, 1:], 0, -1), False)
    else:
        outputs = xp.ascontiguousarray(h_last.T)
    states = (xp.ascontiguousarray(h_last.T), xp.ascontiguousarray(c_last.T))
    if not save:
        return (outputs, *states), None

    def backward(g_outputs, g_h, g_c):
        """`dz` (gates: i, f, o, c; time; batch), the pre-activations' gradient, and the
        initial states' gradients."""
        recurrent_by_gate = contiguous(xp, _sigmoid_gates_first(xp, recurrent_kernel))
        dz = xp.empty((4 * units, steps, batch), dtype)
        dh, dh_next = xp.array(g_h.T, dtype, order="C"), xp.empty_like(scratch)
        dc, dc_next = xp.array(g_c.T, dtype, order="C"), xp.empty_like(scratch)
        g_seq = None
        if return_sequences:
            g_seq = xp.ascontiguousarray(xp.transpose(g_outputs, (1, 2, 0)))
        else:
            dh += g_outputs.T
        d_acts = xp.empty_like(acts[0])  # gradients of i, f, o, tanh(z_c)
        one_minus = xp.empty_like(acts[0, :3])
        dct = xp.empty_like(scratch)
        for t in range(steps - 1, -1, -1):
            if g_seq is not None:
                dh += g_seq[t]
            a, tc = acts[t], tanh_cs[t]
            i, f, o, g = a[0], a[1], a[2], a[3]
            di, df, do, dg = d_acts[0], d_acts[1], d_acts[2], d_acts[3]
            d = dz[:, t]
            d_by_gate = d.reshape(4, units, batch)
            xp.multiply(dh, tc, out=do)
            # Through h = o tanh(c): o (1 - tanh(c)^2) = o - h tanh(c), one pass fewer.
            xp.multiply(hs[:, t + 1], tc, out=scratch)
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
                d_by_gate *= m[t]
            xp.matmul(recurrent_by_gate, d, out=dh_next)
            if m is not None:
                xp.copyto(dh_next, dh, where=skipped[t])
                xp.copyto(dc_next, dc, where=skipped[t])
            dh, dh_next = dh_next, dh
            dc, dc_next = dc_next, dc
        # dz's rows are (time * batch) once transposed: the GEMMs' operand, no copy.
        return dz.reshape(4 * units, steps * batch).T, dh.T, dc.T

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
            dz = grads(*g)["dz"]
            return input_gradient(xp, dz, kernel_by_gate, steps, go_backwards)

        def d_recurrent():
            previous = hs[:, :steps].reshape(units, steps * batch)  # a copy: h_0 .. h_{T-1}
            return _sigmoid_gates_first(xp, previous @ grads(*g)["dz"])

        return (
            d_inputs,
            lambda: xp.ascontiguousarray(grads(*g)["dh0"]),
            lambda: xp.ascontiguousarray(grads(*g)["dc0"]),
            lambda: weights(g)["dk"],
            d_recurrent,
            None if bias is None else (lambda: weights(g)["db"]),
            None,
        )

    return (outputs, *states), vjp
