"""Confusion-matrix metrics: true/false positive/negative counts, `Precision`, `Recall`."""

from __future__ import annotations

from lamina import ops
from lamina.metrics import metrics_utils
from lamina.metrics.metric import Metric


class _ConfusionMatrixConditionCount(Metric):
    """Counts one confusion-matrix condition (`"tp"`, `"fp"`, ...) per threshold."""

    def __init__(self, confusion_matrix_cond, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(
            thresholds, default_threshold=0.5, owner=type(self).__name__
        )
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate the condition's (weighted) count for a batch."""
        metrics_utils.update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            owner=type(self).__name__,
        )

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives, per threshold.

    Args:
        thresholds: a float or list of floats in [0, 1]; a prediction above a threshold
            is positive. Defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.FalsePositives()
        >>> float(m([0, 1, 0, 0], [0, 0, 1, 1]))
        2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(metrics_utils.FALSE_POSITIVES, thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives, per threshold.

    Args:
        thresholds: a float or list of floats in [0, 1]. Defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.FalseNegatives()
        >>> float(m([0, 1, 1, 1], [0, 1, 0, 0]))
        2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(metrics_utils.FALSE_NEGATIVES, thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives, per threshold.

    Args:
        thresholds: a float or list of floats in [0, 1]. Defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.TrueNegatives()
        >>> float(m([0, 1, 0, 0], [1, 1, 0, 0]))
        2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(metrics_utils.TRUE_NEGATIVES, thresholds, name=name, dtype=dtype)


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives, per threshold.

    Args:
        thresholds: a float or list of floats in [0, 1]. Defaults to 0.5.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.TruePositives()
        >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
        2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(metrics_utils.TRUE_POSITIVES, thresholds, name=name, dtype=dtype)


class _PrecisionRecallBase(Metric):
    """Shared state of `Precision` and `Recall`: true positives and one error count."""

    _error_key = ""
    _error_name = ""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default_threshold = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(
            thresholds, default_threshold=default_threshold, owner=type(self).__name__
        )
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
            self.thresholds
        )
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self._errors = self.add_variable(shape, "zeros", name=self._error_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate true positives and errors for a batch."""
        metrics_utils.update_confusion_matrix_variables(
            {metrics_utils.TRUE_POSITIVES: self.true_positives, self._error_key: self._errors},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            owner=type(self).__name__,
        )

    def result(self):
        tp = self.true_positives.value
        value = ops.divide_no_nan(tp, tp + self._errors.value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecallBase):
    """Precision: true positives / (true positives + false positives), per threshold.

    Args:
        thresholds: a float or list of floats in [0, 1]; defaults to 0.5 (or, with
            `top_k`, to counting every top-k prediction as positive).
        top_k: only the `top_k` highest predictions of a row count as positive.
        class_id: compute precision for this class only.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.Precision()
        >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
        0.6666666865348816
    """

    _error_key = metrics_utils.FALSE_POSITIVES
    _error_name = "false_positives"

    @property
    def false_positives(self):
        return self._errors


class Recall(_PrecisionRecallBase):
    """Recall: true positives / (true positives + false negatives), per threshold.

    Args:
        thresholds: a float or list of floats in [0, 1]; defaults to 0.5 (or, with
            `top_k`, to counting every top-k prediction as positive).
        top_k: only the `top_k` highest predictions of a row count as positive.
        class_id: compute recall for this class only.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.Recall()
        >>> float(m([0, 1, 1, 1], [1, 0, 1, 1]))
        0.6666666865348816
    """

    _error_key = metrics_utils.FALSE_NEGATIVES
    _error_name = "false_negatives"

    @property
    def false_negatives(self):
        return self._errors
