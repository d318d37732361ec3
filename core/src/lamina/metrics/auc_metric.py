"""`AUC`: the area under the ROC, PR or PR-gain curve, approximated over thresholds."""

from __future__ import annotations

import numpy as np

from lamina import activations, ops
from lamina.backend import epsilon
from lamina.metrics import metrics_utils
from lamina.metrics.metric import Metric

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _parse_curve(curve) -> str:
    key = str(getattr(curve, "value", curve))
    if key in ("ROC", "PR", "PRGAIN") or key in _CURVES:
        return _CURVES.get(key, key)
    raise ValueError(
        f'AUC: invalid `curve` value "{curve}". Expected values are ["PR", "ROC", "PRGAIN"].'
    )


def _parse_summation(method) -> str:
    key = str(getattr(method, "value", method))
    if key.lower() in _SUMMATIONS and key in (key.lower(), key.capitalize()):
        return key.lower()
    raise ValueError(
        f'AUC: invalid `summation_method` value "{method}". Expected values are '
        '["interpolation", "majoring", "minoring"].'
    )


class AUC(Metric):
    """Approximates the AUC (area under the curve) of the ROC or PR curve.

    Args:
        num_thresholds: how many thresholds (> 1) discretize the curve.
        curve: `"ROC"`, `"PR"` (precision-recall) or `"PRGAIN"`.
        summation_method: `"interpolation"` (trapezoids; PR uses Davis & Goadrich
            interpolation), `"minoring"` or `"majoring"` (left/right Riemann sums).
        name: the metric's name.
        dtype: the dtype of the result.
        thresholds: explicit thresholds in [0, 1] (overrides `num_thresholds`).
        multi_label: keep one curve per label (the result is their mean).
        num_labels: the number of labels, to create the state before the first update.
        label_weights: per-label weights for the mean (multi-label) or the counts.
        from_logits: `y_pred` are logits (a sigmoid is applied first).

    Example:
        >>> m = lamina.metrics.AUC(num_thresholds=3)
        >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
        0.75
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
                np.array([0.0, *thresholds, 1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "AUC: argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        # The outer thresholds catch predictions of exactly 0 and 1.
        self._thresholds = np.array([0.0 - epsilon(), *thresholds, 1.0 + epsilon()])
        self.curve = _parse_curve(curve)
        self.summation_method = _parse_summation(summation_method)
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else ops.convert_to_tensor(label_weights, self.dtype)
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("AUC: `num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list:
        """The thresholds, including the two outer ones just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "AUC: `y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{len(shape)}. Full shape received for `y_pred`: {tuple(shape)}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(variable_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(variable_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(variable_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(variable_shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate the confusion counts of a batch at every threshold."""
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = activations.sigmoid(y_pred)
        metrics_utils.update_confusion_matrix_variables(
            {
                metrics_utils.TRUE_POSITIVES: self.true_positives,
                metrics_utils.TRUE_NEGATIVES: self.true_negatives,
                metrics_utils.FALSE_POSITIVES: self.false_positives,
                metrics_utils.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            owner="AUC",
        )

    def _by_label(self, terms):
        if not self.multi_label:
            return ops.sum(terms)
        by_label = ops.sum(terms, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        return ops.divide_no_nan(
            ops.sum(by_label * self.label_weights), ops.sum(self.label_weights)
        )

    def interpolate_pr_auc(self):
        """The PR-AUC with Davis & Goadrich's interpolation between thresholds."""
        tp, fp, fn = (
            self.true_positives.value,
            self.false_positives.value,
            self.false_negatives.value,
        )
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = ops.divide_no_nan(dtp, ops.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = ops.where(
            ops.logical_and(p[:-1] > 0, p[1:] > 0),
            ops.divide_no_nan(p[:-1], ops.maximum(p[1:], 0)),
            ops.ones_like(p[1:]),
        )
        increments = ops.divide_no_nan(
            prec_slope * (dtp + intercept * ops.log(safe_p_ratio)),
            ops.maximum(tp[1:] + fn[1:], 0),
        )
        return self._by_label(increments)

    def result(self):
        if not self._built:
            return ops.convert_to_tensor(0.0, self.dtype)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = ops.divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, ops.divide_no_nan(tp, tp + fp)
        else:
            scaling = ops.divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling * ops.divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * ops.divide_no_nan(fp, tp)
            no_tp = ops.equal(tp, 0.0)
            x = ops.maximum(ops.where(no_tp, 0.0, recall_gain), 0.0)
            y = ops.where(no_tp, 1.0, precision_gain)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[:-1], y[1:])
        else:
            heights = ops.maximum(y[:-1], y[1:])
        return self._by_label((x[:-1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        # A serialized config holds `label_weights` as a tensor config; Keras 3.15 fails
        # to load it, lamina rebuilds the tensor.
        if isinstance(config.get("label_weights"), dict):
            from lamina.saving import deserialize_keras_object

            config = {**config, "label_weights": deserialize_keras_object(config["label_weights"])}
        return cls(**config)
