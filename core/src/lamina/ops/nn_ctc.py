"""Connectionist temporal classification: `ctc_loss` and `ctc_decode`.

The loss runs the forward-backward recursion in log space over the extended
label sequence (blank, l1, blank, l2, ..., blank), vectorized over the batch and
the states with one step per time frame; its gradient is the closed form
`softmax(logits) - state occupancy`, so the whole loss is one tape node.
"""

from lamina.autodiff import primitive
from lamina.ops._dtypes import xp_of
from lamina.ops.nn_ctc_beam import beam_search

__all__ = ["ctc_decode", "ctc_loss"]

# Log-probability of impossible states: finite (as in Keras) so that infeasible
# alignments give a large loss instead of inf and NaN gradients.
_LOG_ZERO = -1e5


def _log_softmax(xp, z):
    z = z - xp.max(z, axis=-1, keepdims=True)
    z -= xp.log(xp.sum(xp.exp(z), axis=-1, keepdims=True))
    return z


def _logsumexp3(xp, a, b, c):
    m = xp.maximum(xp.maximum(a, b), c)
    total = xp.exp(a - m)
    total += xp.exp(b - m)
    total += xp.exp(c - m)
    return xp.log(total) + m


def _shift(xp, a, by, fill):
    """`a` moved `by` places along the last axis (right if positive), padded with `fill`."""
    out = xp.full(a.shape, fill, dtype=a.dtype)
    if by > 0:
        out[:, by:] = a[:, :-by]
    else:
        out[:, :by] = a[:, -by:]
    return out


@primitive(nin=4)
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC loss per batch element (negative log-likelihood of the label sequence).

    Args:
        target: `(batch, max_label_length)` integer labels (padding ignored).
        output: `(batch, max_time, num_classes)` logits (log-softmax is applied).
        target_length: `(batch,)` label sequence lengths.
        output_length: `(batch,)` input sequence lengths.
        mask_index: the blank class.

    Example:
        >>> ops.ctc_loss([[1, 2]], logits, [2], [5])  # logits: (1, 5, 4); shape (1,)
    """
    xp = xp_of(output)
    if output.ndim != 3 or target.ndim != 2 or target.shape[0] != output.shape[0]:
        raise ValueError(
            "ctc_loss: expected target (batch, max_label_length) and output (batch, "
            f"max_time, num_classes); received target.shape={target.shape}, "
            f"output.shape={output.shape}."
        )
    dtype = "float64" if output.dtype == "float64" else "float32"
    z = output.astype(dtype, copy=False)
    batch, time, classes = z.shape
    labels = target.astype("int64", copy=False)
    label_len = xp.asarray(target_length).astype("int64").reshape(batch)
    frames = xp.asarray(output_length).astype("int64").reshape(batch)
    states = 2 * labels.shape[1] + 1

    # extended sequence: blank at even states, labels at odd ones
    ext = xp.full((batch, states), mask_index, dtype="int64")
    ext[:, 1::2] = labels.clip(0, classes - 1)
    skip = xp.zeros((batch, states), dtype=bool)  # s-2 -> s allowed: a label unlike the last
    skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
    log_probs = _log_softmax(xp, z)
    index = xp.broadcast_to(ext[:, None, :], (batch, time, states))
    emit = xp.take_along_axis(log_probs, index, axis=2)  # (batch, time, states)
    active = xp.arange(time)[None, :] < frames[:, None]  # (batch, time)

    alphas = xp.empty((batch, time, states), dtype=dtype)
    alpha = xp.full((batch, states), _LOG_ZERO, dtype=dtype)
    alpha[:, 0] = 0.0  # before the first frame: in the initial blank, with nothing emitted
    for t in range(time):
        skipped = xp.where(skip, _shift(xp, alpha, 2, _LOG_ZERO), _LOG_ZERO)
        new = _logsumexp3(xp, alpha, _shift(xp, alpha, 1, _LOG_ZERO), skipped)
        new += emit[:, t]
        alpha = xp.where(active[:, t : t + 1], new, alpha)
        alphas[:, t] = alpha

    rows = xp.arange(batch)
    last = 2 * label_len  # final blank; the final label is last - 1
    end_blank = alpha[rows, last]
    end_label = xp.where(last > 0, alpha[rows, xp.maximum(last - 1, 0)], _LOG_ZERO)
    log_likelihood = xp.logaddexp(end_blank, end_label)
    loss = -log_likelihood

    def vjp(g):
        final = xp.full((batch, states), _LOG_ZERO, dtype=dtype)
        final[rows, last] = 0.0
        final[rows, xp.maximum(last - 1, 0)] = xp.where(last > 0, 0.0, final[rows, 0])
        beta = final
        occupancy = xp.empty((batch, time, states), dtype=dtype)
        for t in range(time - 1, -1, -1):
            # beta: log-probability of the frames after t, given the state at t
            if t < time - 1:
                c = beta + emit[:, t + 1]
                skipped = xp.where(
                    _shift(xp, skip, -2, False), _shift(xp, c, -2, _LOG_ZERO), _LOG_ZERO
                )
                new = _logsumexp3(xp, c, _shift(xp, c, -1, _LOG_ZERO), skipped)
                beta = xp.where((t + 1 < frames)[:, None], new, final)
            occupancy[:, t] = alphas[:, t] + beta
        occupancy -= log_likelihood[:, None, None]
        xp.exp(occupancy, out=occupancy)
        occupancy *= active[:, :, None]
        # occupancy per class: states -> classes through a one-hot of the extended labels
        per_class = xp.matmul(occupancy, (ext[:, :, None] == xp.arange(classes)).astype(dtype))
        d = xp.exp(log_probs)
        d *= xp.sum(per_class, axis=-1, keepdims=True)
        d -= per_class
        d *= g.astype(dtype, copy=False)[:, None, None]
        return None, d, None, None

    return loss, vjp


@primitive(nin=2, multiple_outputs=True)
def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decode CTC outputs into label sequences.

    Args:
        inputs: `(batch, max_time, num_classes)` scores (logits or probabilities).
        sequence_lengths: `(batch,)` lengths of the input sequences.
        strategy: `"greedy"` or `"beam_search"`.
        beam_width: beams kept by the beam search.
        top_paths: how many best paths the beam search returns.
        merge_repeated: merge repeated classes between blanks (greedy).
        mask_index: the blank class (None: the last class).

    Returns:
        `(paths, scores)`: paths `(top_paths, batch, max_time)` int32 padded with
        -1; scores `(batch, top_paths)`: the negative sum of the chosen scores
        (greedy) or the log-probability of each path (beam search).

    Example:
        >>> paths, scores = ops.ctc_decode(logits, [5])  # logits: (1, 5, 4)
    """
    xp = xp_of(inputs)
    dtype = "float64" if inputs.dtype == "float64" else "float32"
    inputs = inputs.astype(dtype, copy=False)
    lengths = xp.asarray(sequence_lengths).astype("int64")
    _, time, classes = inputs.shape
    mask_index = classes - 1 if mask_index is None else int(mask_index)
    if strategy == "beam_search":
        return beam_search(xp, inputs, lengths, beam_width, top_paths, mask_index)
    if strategy != "greedy":
        raise ValueError(
            f"Invalid strategy {strategy}. Supported values are 'greedy' and 'beam_search'."
        )
    indices = xp.argmax(inputs, axis=-1)
    scores = xp.max(inputs, axis=-1)
    beyond = xp.arange(time)[None, :] >= lengths[:, None]
    indices = xp.where(beyond, mask_index, indices)
    scores = xp.where(beyond, 0.0, scores)
    if merge_repeated:
        repeat = xp.zeros(indices.shape, dtype=bool)
        repeat[:, 1:] = indices[:, 1:] == indices[:, :-1]
        indices = xp.where(repeat, mask_index, indices)
    blank = indices == mask_index
    indices = xp.where(blank, -1, indices)
    # move the kept labels to the front, in order (the blanks' keys all equal `time`)
    order = xp.argsort(xp.where(blank, time, xp.arange(time)[None, :]), axis=-1)
    indices = xp.take_along_axis(indices, order, axis=-1).astype("int32")
    return (indices[None], -xp.sum(scores, axis=1, keepdims=True)), None
