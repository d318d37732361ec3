"""Metrics that maximise one rate under a constraint on another over a grid of thresholds:
`SensitivityAtSpecificity`, `SpecificityAtSensitivity`, `PrecisionAtRecall`,
`RecallAtPrecision`."""

from __future__ import annotations

from lamina import ops
from lamina.metrics import metrics_utils
from lamina.metrics.metric import Metric


class SensitivitySpecificityBase(Metric):
    """Confusion counts over `num_thresholds` evenly spaced thresholds in [0, 1].

    Args:
        value: the constraint's target value.
        num_thresholds: how many thresholds to evaluate.
        class_id: compute the metric for this class only.
        name: the metric's name.
        dtype: the dtype of the result.
    """

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(
                f"{type(self).__name__}: argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
            self._thresholds_distributed_evenly = True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate the confusion counts of a batch at every threshold."""
        metrics_utils.update_confusion_matrix_variables(
            {
                metrics_utils.TRUE_POSITIVES: self.true_positives,
                metrics_utils.TRUE_NEGATIVES: self.true_negatives,
                metrics_utils.FALSE_POSITIVES: self.false_positives,
                metrics_utils.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
            owner=type(self).__name__,
        )

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "sensitivity": ops.divide_no_nan(tp, tp + fn),
            "specificity": ops.divide_no_nan(tn, tn + fp),
            "precision": ops.divide_no_nan(tp, tp + fp),
        }

    def _find_max_under_constraint(self, constrained, dependent):
        """The largest `dependent` over thresholds where `constrained >= value` (or 0)."""
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, 0.0), initial=0.0)


def _check_unit_range(owner, argument, value):
    if value < 0 or value > 1:
        raise ValueError(
            f"{owner}: argument `{argument}` must be in the range [0, 1]. "
            f"Received: {argument}={value}"
        )


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) at thresholds where specificity >= `specificity`.

    Args:
        specificity: the minimum specificity, in [0, 1].
        num_thresholds: how many thresholds to evaluate.
        class_id: compute the metric for this class only.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.SensitivityAtSpecificity(0.5)
        >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
        0.5
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range(type(self).__name__, "specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(
            specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "specificity": self.specificity,
        }


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity at thresholds where sensitivity >= `sensitivity`.

    Args:
        sensitivity: the minimum sensitivity, in [0, 1].
        num_thresholds: how many thresholds to evaluate.
        class_id: compute the metric for this class only.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.SpecificityAtSensitivity(0.5)
        >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
        0.6666666865348816
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range(type(self).__name__, "sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(
            sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "sensitivity": self.sensitivity,
        }


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision at thresholds where recall >= `recall`.

    Args:
        recall: the minimum recall, in [0, 1].
        num_thresholds: how many thresholds to evaluate.
        class_id: compute the metric for this class only.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.PrecisionAtRecall(0.5)
        >>> float(m([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]))
        0.5
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range(type(self).__name__, "recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(
            recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "recall": self.recall,
        }


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall at thresholds where precision >= `precision`.

    Args:
        precision: the minimum precision, in [0, 1].
        num_thresholds: how many thresholds to evaluate.
        class_id: compute the metric for this class only.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.RecallAtPrecision(0.8)
        >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
        0.5
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit_range(type(self).__name__, "precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(
            precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype
        )

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "precision": self.precision,
        }
