"""CTC prefix beam search, the `strategy="beam_search"` of `ctc_decode`.

Beam search is sequential and branchy, so it runs on the host with NumPy (GPU
inputs are copied over and the results copied back). It follows Keras 3's
algorithm step by step, including its tie-breaking: classes are handled in
reversed order, every path keeps separate scores for "ends in a label" and
"ends in a blank", identical prefixes are merged, and the best `beam_width`
prefixes survive each frame.
"""

import numpy as np

from lamina.backend import to_numpy

_PAD = -1


def _log_softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return x - np.log(np.sum(np.exp(x), axis=-1, keepdims=True))


def _merge(inverse, scores, size):
    """Log-sum-exp of `scores` per merged path (shifted by the global max, as Keras)."""
    top = np.max(scores)
    merged = np.zeros(size, dtype=scores.dtype)
    with np.errstate(invalid="ignore"):
        np.add.at(merged, inverse, np.exp(scores - top))
    with np.errstate(divide="ignore"):
        return np.log(merged) + top


def _unique(paths, size):
    """Distinct paths, sorted, padded to `size` rows of padding (like `jnp.unique`)."""
    unique, inverse = np.unique(paths, axis=0, return_inverse=True)
    padded = np.full((size, paths.shape[1]), _PAD, dtype=paths.dtype)
    padded[: len(unique)] = unique
    return padded, inverse.reshape(-1)


def _decode_one(logp, length, beam_width, top_paths, blank):
    """Beam search over one sequence of (flipped-class) log-probabilities."""
    time, classes = logp.shape
    n_paths = 2 * beam_width
    size = n_paths * classes
    paths = np.full((n_paths, time), _PAD, dtype=np.int64)
    n_init = min(classes, beam_width)
    first = np.argsort(logp[0], kind="stable")[-n_init:]
    paths[:n_init, 0] = np.where(first == blank, _PAD, first)
    scores = np.full(n_paths, -np.inf, dtype=logp.dtype)
    scores[:n_init] = logp[0, first]
    masked = paths[:, 0] == _PAD
    step_classes = np.arange(classes)
    step_classes[blank] = _PAD
    step_classes = np.tile(step_classes, n_paths)
    rows = np.arange(size)
    for t in range(1, time):
        if t >= length:
            continue
        # extend every path by every class
        paths = np.repeat(paths, classes, axis=0)
        prev_masked = np.repeat(masked, classes)
        tail = np.argmax(paths == _PAD, axis=1)
        tails = np.where(tail == 0, _PAD, paths[rows, tail - 1])
        masked = step_classes == _PAD
        # repeating the last label without a blank in between does not extend the path
        extension = np.where(~prev_masked & (tails == step_classes), _PAD, step_classes)
        paths[rows, tail] = extension
        scores = np.repeat(scores, classes) + np.tile(logp[t], n_paths)
        # merge identical prefixes, keep the best beam_width
        paths, inverse = _unique(paths, size)
        emit = _merge(inverse, np.where(masked, -np.inf, scores), size)
        blank_end = _merge(inverse, np.where(masked, scores, -np.inf), size)
        best = np.argsort(np.logaddexp(emit, blank_end), kind="stable")[-beam_width:]
        paths = np.tile(paths[best], (2, 1))
        scores = np.concatenate([emit[best], blank_end[best]])
        masked = np.repeat(np.array([False, True]), beam_width)
    paths, inverse = _unique(paths, size)
    scores = _merge(inverse, scores, n_paths)
    best = np.argsort(scores, kind="stable")[-top_paths:][::-1]
    return paths[best], scores[best]


def beam_search(xp, inputs, lengths, beam_width, top_paths, mask_index):
    """Keras's CTC beam search; returns `(paths, scores)` on `inputs`' device.

    Args:
        xp: the array module of `inputs`.
        inputs: `(batch, time, classes)` float scores (log-softmax is applied).
        lengths: `(batch,)` sequence lengths.
        beam_width: beams kept per frame.
        top_paths: paths returned per sequence.
        mask_index: the blank class.
    """
    logp = _log_softmax(to_numpy(inputs))
    lengths = to_numpy(lengths)
    classes = logp.shape[2]
    # Keras searches with reversed classes so that ties break as TensorFlow does
    logp = logp[:, :, ::-1]
    blank = classes - mask_index - 1
    decoded = [
        _decode_one(logp[b], lengths[b], beam_width, top_paths, blank) for b in range(logp.shape[0])
    ]
    paths = np.stack([p for p, _ in decoded], axis=1)
    paths = np.where(paths == _PAD, _PAD, classes - paths - 1).astype(np.int32)
    scores = np.stack([s for _, s in decoded]).astype(inputs.dtype)
    return (xp.asarray(paths), xp.asarray(scores)), None
