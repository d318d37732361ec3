"""Helpers shared by metrics: input conversion, thresholds and confusion-matrix counting."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.backend import epsilon
from lamina.losses.reduction import squeeze_or_expand_to_same_rank

# The score given to entries outside the top k, so no threshold counts them as positive.
NEG_INF = -1e10

TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES = "tp", "fp", "tn", "fn"
_CONDITIONS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)
_NUMERIC_DTYPES = ("bool", "int", "uint", "float", "bfloat", "complex")


def convert_input(x, dtype, owner: str, argument: str):
    """`ops.convert_to_tensor(x, dtype)`, with an error naming the metric and argument."""
    try:
        tensor = ops.convert_to_tensor(x, dtype=dtype)
        if tensor.dtype.startswith(_NUMERIC_DTYPES):
            return tensor
        err = None
    except (TypeError, ValueError) as error:
        err = error
    raise ValueError(
        f"{owner}: could not convert `{argument}` to a numeric tensor"
        f"{'' if dtype is None else f' of dtype {dtype}'}. Pass a NumPy array, a "
        f"Python list of numbers or a lamina Tensor. Received: {x!r:.200}"
    ) from err


def to_list(x) -> list:
    """`x` as a list (a scalar becomes a one-element list)."""
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def parse_init_thresholds(thresholds, default_threshold=0.5, owner="Metric") -> list:
    """The list of thresholds to use, checking that each is in [0, 1]."""
    if thresholds is not None:
        invalid = [t for t in to_list(thresholds) if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"{owner}: threshold values must be in [0, 1]. Received: {invalid}")
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds) -> bool:
    """Whether `thresholds` are `i / (n - 1)` for `i` in `0..n-1` (n >= 3), which allows
    the bucketed O(n) update instead of comparing every prediction with every threshold."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=epsilon()))


def update_confusion_matrix_variables(
    variables_to_update: dict,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
    owner="Metric",
) -> None:
    """Add this batch's true/false positive/negative counts per threshold to variables.

    Args:
        variables_to_update: maps `"tp"`, `"fp"`, `"tn"`, `"fn"` to variables of shape
            `(num_thresholds,)`, or `(num_thresholds, num_labels)` when `multi_label`.
        y_true, y_pred: labels (cast to bool) and scores of the same shape.
        thresholds: a prediction counts as positive when it is above the threshold.
        top_k: only the `top_k` highest scores of each row may count as positive.
        class_id: only this class (last axis) is counted.
        sample_weight: weights broadcastable to `y_pred`.
        multi_label: keep one count per label instead of flattening the labels.
        label_weights: per-label weights (not with `multi_label`).
        thresholds_distributed_evenly: use the bucketed update.
        owner: the metric's class name, for error messages.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            f"{owner}: `label_weights` for multilabel data are applied outside "
            "update_confusion_matrix_variables when `multi_label` is True."
        )
    invalid = [key for key in variables_to_update if key not in _CONDITIONS]
    if invalid or not variables_to_update:
        raise ValueError(
            f"{owner}: invalid confusion matrix keys {invalid}; valid keys are {_CONDITIONS}."
        )
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = ops.cast(convert_input(y_true, None, owner, "y_true"), dtype)
    y_pred = ops.cast(convert_input(y_pred, None, owner, "y_pred"), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if tuple(y_pred.shape) != tuple(y_true.shape):
        raise ValueError(
            f"{owner}: `y_true` and `y_pred` must have the same shape, received "
            f"y_true.shape={tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}."
        )
    if sample_weight is not None:
        sample_weight = ops.expand_dims(
            ops.cast(convert_input(sample_weight, None, owner, "sample_weight"), dtype), -1
        )
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
        sample_weight = _broadcast_weights(sample_weight, y_pred.shape, owner)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                f"{owner}: when class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
        if sample_weight is not None:
            sample_weight = sample_weight[..., class_id, None]
    weights = sample_weight
    if label_weights is not None:
        label_weights = ops.broadcast_to(
            ops.expand_dims(ops.cast(label_weights, dtype), 0), y_pred.shape
        )
        weights = label_weights if weights is None else weights * label_weights
    if not multi_label:
        y_true, y_pred = ops.reshape(y_true, (-1,)), ops.reshape(y_pred, (-1,))
        if weights is not None:
            weights = ops.reshape(weights, (-1,))
    if thresholds_distributed_evenly:
        counts = _bucketed_counts(y_true, y_pred, weights, thresholds, multi_label)
    else:
        counts = _compared_counts(y_true, y_pred, weights, thresholds, variables_to_update)
    for key, variable in variables_to_update.items():
        variable.assign_add(ops.cast(counts[key], dtype))


def _broadcast_weights(weights, shape, owner):
    try:
        return ops.broadcast_to(weights, shape)
    except ValueError as err:
        raise ValueError(
            f"{owner}: `sample_weight` of shape {tuple(weights.shape)} cannot be broadcast "
            f"to y_pred's shape {tuple(shape)}. Pass one weight per sample."
        ) from err


def _compared_counts(y_true, y_pred, weights, thresholds, wanted):
    """Counts by comparing every prediction with every threshold: `(T, ...)` results."""
    thresholds = ops.convert_to_tensor(thresholds, dtype=y_pred.dtype)
    thresholds = ops.reshape(thresholds, (-1,) + (1,) * y_pred.ndim)
    pred_pos = ops.expand_dims(y_pred, 0) > thresholds
    label_pos = ops.expand_dims(ops.cast(y_true, "bool"), 0)
    weights = None if weights is None else ops.expand_dims(weights, 0)

    def count(label, pred):
        hit = ops.logical_and(label, pred)
        hit = ops.cast(hit, y_pred.dtype) if weights is None else ops.where(hit, weights, 0.0)
        return ops.sum(hit, axis=1)

    pred_neg, label_neg = ops.logical_not(pred_pos), ops.logical_not(label_pos)
    pairs = {
        TRUE_POSITIVES: (label_pos, pred_pos),
        FALSE_POSITIVES: (label_neg, pred_pos),
        TRUE_NEGATIVES: (label_neg, pred_neg),
        FALSE_NEGATIVES: (label_pos, pred_neg),
    }
    return {key: count(*pairs[key]) for key in wanted}


def _bucketed_counts(y_true, y_pred, weights, thresholds, multi_label):
    """Counts for thresholds `i / (T - 1)`: each prediction falls in one bucket, and a
    reversed cumulative sum over buckets gives the count above each threshold. Positive
    and negative labels go through one segment sum (rows 0 and 1) to keep the op count low."""
    count = len(thresholds)
    with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    y_pred = ops.clip(y_pred, 0.0, 1.0)
    y_true = ops.cast(ops.cast(y_true, "bool"), y_pred.dtype)
    labels = ops.stack([y_true, 1.0 - y_true])
    if weights is not None:
        labels = labels * weights
    # A prediction of exactly 0 (bucket -1) is above no threshold: it counts only in the
    # totals, hence as a negative everywhere.
    totals = ops.sum(labels, axis=1)
    buckets = ops.ceil(y_pred * float(count - 1)) - 1.0
    if with_epsilon:
        buckets = ops.relu(buckets)
    buckets = ops.cast(buckets, "int32")
    labels = ops.where(buckets >= 0, labels, 0.0)
    buckets = ops.maximum(buckets, 0)
    segments = count
    if multi_label:
        segments = count * y_pred.shape[-1]
        buckets = buckets + ops.arange(y_pred.shape[-1], dtype="int32") * count
    ids = ops.stack([buckets, buckets + segments])
    sums = ops.segment_sum(
        ops.reshape(labels, (-1,)), ops.reshape(ids, (-1,)), num_segments=2 * segments
    )
    sums = ops.reshape(sums, (2, -1, count) if multi_label else (2, count))
    above = ops.flip(ops.cumsum(ops.flip(sums, axis=-1), axis=-1), axis=-1)
    if multi_label:
        above = ops.transpose(above, (0, 2, 1))
    tp, fp = above[0], above[1]
    return {
        TRUE_POSITIVES: tp,
        FALSE_POSITIVES: fp,
        TRUE_NEGATIVES: totals[1] - fp,
        FALSE_NEGATIVES: totals[0] - tp,
    }


def _filter_top_k(x, k):
    """Keep the `k` largest entries of each row of `x`; set the others to NEG_INF."""
    _, indices = ops.top_k(x, k)
    mask = ops.sum(ops.one_hot(indices, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * mask + NEG_INF * (1 - mask)


def confusion_matrix(labels, predictions, num_classes: int, weights=None, dtype="int32"):
    """The `(num_classes, num_classes)` matrix of (weighted) counts, rows = labels.

    Example:
        >>> confusion_matrix([0, 1, 1], [0, 0, 1], 2).numpy()
        array([[1, 0],
               [1, 1]], dtype=int32)
    """
    labels = ops.convert_to_tensor(labels, dtype)
    predictions = ops.convert_to_tensor(predictions, dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    cells = ops.cast(labels, "int64") * int(num_classes) + ops.cast(predictions, "int64")
    values = ops.ones_like(predictions) if weights is None else ops.convert_to_tensor(weights)
    values = ops.cast(values, dtype)
    counts = ops.segment_sum(
        ops.reshape(values, (-1,)), ops.reshape(cells, (-1,)), num_segments=num_classes**2
    )
    return ops.reshape(counts, (num_classes, num_classes))
