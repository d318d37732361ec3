"""Accuracy metrics and their per-sample functions (`binary_accuracy`, ...)."""

from __future__ import annotations

import math

from lamina import ops
from lamina.backend import floatx
from lamina.losses.loss import check_broadcastable
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def accuracy(y_true, y_pred):
    """1.0 where `y_true == y_pred`, else 0.0.

    Example:
        >>> from lamina.metrics.accuracy_metrics import accuracy
        >>> accuracy([1, 2], [1, 3]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable("accuracy", y_true, y_pred)
    return ops.cast(ops.equal(y_true, y_pred), floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `y_pred > threshold` matches the binary label `y_true`, else 0.0.

    Args:
        y_true: binary labels.
        y_pred: predicted probabilities (or scores).
        threshold: the decision threshold.

    Example:
        >>> lamina.metrics.binary_accuracy([1, 0], [0.6, 0.7]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable("binary_accuracy", y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), y_true.dtype)
    return ops.cast(ops.equal(y_true, y_pred), floatx())


def _check_one_hot(name, y_true, y_pred):
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"{name}: one-hot `y_true` must have the shape of `y_pred`. Received: "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. Hint: "
            f"for integer labels use sparse_{name}."
        )


def _check_sparse(name, y_true, y_pred):
    if y_pred.ndim == 0 or math.prod(y_true.shape) != math.prod(y_pred.shape[:-1]):
        raise ValueError(
            f"{name}: expected one integer label per row of `y_pred` (y_pred's shape without "
            f"its last axis). Received: y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}."
        )


def _argmax_matches(y_true, y_pred, squeeze_only_unit):
    """Compare integer labels `y_true` with the argmax of `y_pred`, keeping y_true's shape."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    original_shape = tuple(y_true.shape)
    reshape = False
    if y_true.ndim == y_pred.ndim and (not squeeze_only_unit or y_true.shape[-1] == 1):
        y_true = ops.squeeze(y_true, -1)
        reshape = True
    y_pred = ops.cast(ops.argmax(y_pred, axis=-1), y_true.dtype)
    matches = ops.cast(ops.equal(y_true, y_pred), floatx())
    if reshape:
        matches = ops.reshape(matches, original_shape)
    return matches


def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of one-hot `y_true` equals the argmax of `y_pred`.

    Example:
        >>> lamina.metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    _check_one_hot("categorical_accuracy", y_true, y_pred)
    return _argmax_matches(ops.argmax(y_true, axis=-1), y_pred, squeeze_only_unit=False)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label `y_true` equals the argmax of `y_pred`.

    Example:
        >>> lamina.metrics.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    _check_sparse("sparse_categorical_accuracy", y_true, y_pred)
    matches = _argmax_matches(y_true, y_pred, squeeze_only_unit=True)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


def _top_k_matches(y_true, y_pred, k):
    """in_top_k over flattened leading axes, reshaped back to y_true's shape."""
    original_shape = tuple(y_true.shape)
    if y_pred.ndim > 2:
        y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    if y_true.ndim > 1:
        y_true = ops.reshape(y_true, (-1,))
    matches = ops.cast(ops.in_top_k(ops.cast(y_true, "int32"), y_pred, k=k), floatx())
    return ops.reshape(matches, original_shape) if len(original_shape) > 1 else matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target is among the `k` highest predictions.

    Example:
        >>> y_true = [[0, 0, 1], [0, 1, 0]]
        >>> y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
        >>> lamina.metrics.top_k_categorical_accuracy(y_true, y_pred, k=1).numpy()
        array([0., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    _check_one_hot("top_k_categorical_accuracy", y_true, y_pred)
    y_true = ops.argmax(y_true, axis=-1)
    return _top_k_matches(y_true, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer target is among the `k` highest predictions.

    Args:
        y_true: integer class ids.
        y_pred: scores, or (with `from_sorted_ids`) class ids sorted by score.
        k: how many top predictions count.
        from_sorted_ids: `y_pred` already holds the ids of the top classes, best first.

    Example:
        >>> y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
        >>> lamina.metrics.sparse_top_k_categorical_accuracy([2, 1], y_pred, k=1).numpy()
        array([0., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype if from_sorted_ids else "int32")
    _check_sparse("sparse_top_k_categorical_accuracy", y_true, y_pred)
    if not from_sorted_ids:
        return _top_k_matches(y_true, y_pred, k)
    original_shape = tuple(y_true.shape)
    if y_pred.ndim > 2:
        y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    if y_true.ndim > 1:
        y_true = ops.reshape(y_true, (-1,))
    # Each id appears once among the sorted ids, so `any` counts a match once.
    matches = ops.any(ops.equal(ops.expand_dims(y_true, 1), y_pred[:, :k]), axis=1)
    matches = ops.cast(matches, floatx())
    return ops.reshape(matches, original_shape) if len(original_shape) > 1 else matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.Accuracy()
        >>> float(m([[1], [2], [3], [4]], [[0], [2], [3], [4]]))
        0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches binary labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        threshold: the decision threshold.

    Example:
        >>> m = lamina.metrics.BinaryAccuracy()
        >>> float(m([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]))
        0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions equals the argmax of one-hot labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.CategoricalAccuracy()
        >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of predictions equals integer labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.SparseCategoricalAccuracy()
        >>> float(m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the `k` highest predictions.

    Args:
        k: how many top predictions count.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.TopKCategoricalAccuracy(k=1)
        >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the `k` highest predictions.

    Args:
        k: how many top predictions count.
        name: the metric's name.
        dtype: the dtype of the result.
        from_sorted_ids: `y_pred` holds class ids sorted by score instead of scores.

    Example:
        >>> m = lamina.metrics.SparseTopKCategoricalAccuracy(k=1)
        >>> float(m([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
