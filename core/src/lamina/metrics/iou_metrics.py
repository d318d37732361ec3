"""Intersection-over-union metrics: `IoU`, `BinaryIoU`, `MeanIoU`, `OneHotIoU`,
`OneHotMeanIoU`."""

from __future__ import annotations

import math
import warnings

from lamina import ops
from lamina.backend import epsilon
from lamina.metrics.metric import Metric
from lamina.metrics.metrics_utils import confusion_matrix, convert_input


class _IoUBase(Metric):
    """Accumulates a `(num_classes, num_classes)` confusion matrix (rows = labels)."""

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            name="total_confusion_matrix",
            shape=(num_classes, num_classes),
            initializer="zeros",
            dtype=self.dtype,
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add a batch's (weighted) label/prediction pairs to the confusion matrix."""
        owner = type(self).__name__
        if not self.sparse_y_true:
            y_true = ops.argmax(convert_input(y_true, None, owner, "y_true"), axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(convert_input(y_pred, None, owner, "y_pred"), axis=self.axis)
        y_true = ops.reshape(convert_input(y_true, self.dtype, owner, "y_true"), (-1,))
        y_pred = ops.reshape(convert_input(y_pred, self.dtype, owner, "y_pred"), (-1,))
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"{owner}: `y_true` and `y_pred` must hold as many labels, received "
                f"{y_true.shape[0]} and {y_pred.shape[0]}."
            )
        if sample_weight is None:
            sample_weight = 1
        elif "float" in str(getattr(sample_weight, "dtype", "")) and "int" in self.dtype:
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. This may result in "
                "an incorrect weight due to type casting Consider using integer weights.",
                stacklevel=2,
            )
        sample_weight = convert_input(sample_weight, self.dtype, owner, "sample_weight")
        try:
            sample_weight = ops.broadcast_to(ops.reshape(sample_weight, (-1,)), y_true.shape)
        except ValueError as err:
            raise ValueError(
                f"{owner}: `sample_weight` with {math.prod(sample_weight.shape)} entries "
                f"cannot weight {y_true.shape[0]} labels. Pass one weight per label "
                "(the shape of y_true)."
            ) from err
        in_bounds = ops.logical_and(
            ops.logical_and(y_true >= 0, y_true < self.num_classes),
            ops.logical_and(y_pred >= 0, y_pred < self.num_classes),
        )
        if self.ignore_class is not None:
            in_bounds = ops.logical_and(in_bounds, ops.not_equal(y_true, self.ignore_class))
        y_true = ops.where(in_bounds, y_true, 0)
        y_pred = ops.where(in_bounds, y_pred, 0)
        sample_weight = ops.cast(ops.where(in_bounds, sample_weight, 0), self.dtype)
        current = confusion_matrix(
            ops.cast(y_true, self.dtype),
            ops.cast(y_pred, self.dtype),
            self.num_classes,
            weights=sample_weight,
            dtype=self.dtype,
        )
        self.total_cm.assign_add(current)


class IoU(_IoUBase):
    """The mean intersection-over-union over the classes in `target_class_ids`.

    Per class: `true_positives / (true_positives + false_positives + false_negatives)`.

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged.
        name: the metric's name.
        dtype: the dtype of the confusion matrix (default int32).
        ignore_class: a label value left out of the counts.
        sparse_y_true: labels are class ids (else one-hot/scores, argmax taken).
        sparse_y_pred: predictions are class ids (else scores, argmax taken).
        axis: the class axis for the argmax.

    Example:
        >>> m = lamina.metrics.IoU(num_classes=2, target_class_ids=[0])
        >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
        0.3333
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
            dtype=dtype,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"{type(self).__name__}: target class id {max(target_class_ids)} is out of "
                f"range, which is [0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = self.total_cm.value
        sum_over_row = ops.cast(ops.sum(cm, axis=0), self.dtype)
        sum_over_col = ops.cast(ops.sum(cm, axis=1), self.dtype)
        true_positives = ops.cast(ops.diagonal(cm), self.dtype)
        denominator = sum_over_row + sum_over_col - true_positives
        ids = ops.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = ops.cast(ops.take(true_positives, ids, axis=-1), "float32")
        denominator = ops.cast(ops.take(denominator, ids, axis=-1), "float32")
        valid = ops.greater(denominator, 1e-9)
        num_valid = ops.sum(ops.cast(valid, "float32"))
        iou = ops.where(valid, true_positives / (denominator + epsilon()), 0.0)
        return ops.sum(iou, axis=self.axis) / (num_valid + epsilon())

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU for binary predictions: scores `>= threshold` are class 1.

    Args:
        target_class_ids: which of the classes 0 and 1 to average.
        threshold: the decision threshold.
        name: the metric's name.
        dtype: the dtype of the confusion matrix.

    Example:
        >>> m = lamina.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> round(float(m([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])), 4)
        0.3333
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Threshold the scores, then add the batch to the confusion matrix."""
        y_true = convert_input(y_true, self.dtype, "BinaryIoU", "y_true")
        y_pred = convert_input(y_pred, "float32", "BinaryIoU", "y_pred")
        y_pred = ops.cast(y_pred >= self.threshold, self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """The mean IoU over all `num_classes` classes.

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the dtype of the confusion matrix.
        ignore_class: a label value left out of the counts.
        sparse_y_true: labels are class ids (else argmax taken).
        sparse_y_pred: predictions are class ids (else argmax taken).
        axis: the class axis for the argmax.

    Example:
        >>> m = lamina.metrics.MeanIoU(num_classes=2)
        >>> round(float(m([0, 0, 1, 1], [0, 1, 0, 1])), 4)
        0.3333
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            axis=axis,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotIoU(IoU):
    """IoU with one-hot labels and score predictions (argmax taken on both).

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged.
        name: the metric's name.
        dtype: the dtype of the confusion matrix.
        ignore_class: a label value left out of the counts.
        sparse_y_pred: predictions are class ids already.
        axis: the class axis.

    Example:
        >>> m = lamina.metrics.OneHotIoU(num_classes=2, target_class_ids=[1])
        >>> round(float(m([[1, 0], [0, 1]], [[0.2, 0.8], [0.3, 0.7]])), 4)
        0.5
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotMeanIoU(MeanIoU):
    """Mean IoU with one-hot labels and score predictions (argmax taken on both).

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the dtype of the confusion matrix.
        ignore_class: a label value left out of the counts.
        sparse_y_pred: predictions are class ids already.
        axis: the class axis.

    Example:
        >>> m = lamina.metrics.OneHotMeanIoU(num_classes=2)
        >>> round(float(m([[1, 0], [0, 1]], [[0.2, 0.8], [0.3, 0.7]])), 4)
        0.25
    """

    def __init__(
        self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1
    ):
        super().__init__(
            num_classes=num_classes,
            axis=axis,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
        )

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
