"""F-score metrics: `FBetaScore` and `F1Score`."""

from __future__ import annotations

from lamina import ops
from lamina.backend import epsilon
from lamina.metrics.metric import Metric
from lamina.metrics.metrics_utils import convert_input


class FBetaScore(Metric):
    """The F-beta score: the weighted harmonic mean of precision and recall.

    Args:
        average: None (one score per class), `"micro"` (global counts), `"macro"`
            (unweighted mean of class scores) or `"weighted"` (mean weighted by support).
        beta: the weight of recall relative to precision (a float > 0).
        threshold: predictions above it are positive; by default the highest score of
            each row is positive.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.FBetaScore(beta=2.0, average="micro", threshold=0.5)
        >>> round(float(m([[1, 1, 0], [1, 0, 0]], [[0.9, 0.1, 0.2], [0.6, 0.7, 0.1]])), 4)
        0.6667
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        owner = type(self).__name__
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                f"{owner}: invalid `average` argument value. Expected one of: "
                f"{{None, 'micro', 'macro', 'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                f"{owner}: invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"{owner}: invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    f"{owner}: invalid `threshold` argument value. It should be a Python "
                    f"float. Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    f"{owner}: invalid `threshold` argument value. It should verify "
                    f"0 < threshold <= 1. Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in ("true_positives", "false_positives", "false_negatives"):
            setattr(self, name, self.add_variable(shape, "zeros", dtype=self.dtype, name=name))
        self.intermediate_weights = self.add_variable(
            shape, "zeros", dtype=self.dtype, name="intermediate_weights"
        )
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate per-class true positives, false positives and false negatives."""
        owner = type(self).__name__
        y_true = convert_input(y_true, self.dtype, owner, "y_true")
        y_pred = convert_input(y_pred, self.dtype, owner, "y_pred")
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(
                f"{owner}: `y_true` and `y_pred` must have the same shape, received "
                f"y_true.shape={tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}."
            )
        if self.threshold is None:
            threshold = ops.max(y_pred, axis=-1, keepdims=True)
            # The 1e-9 guard keeps all-zero rows from counting every class as positive.
            y_pred = ops.logical_and(y_pred >= threshold, ops.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = ops.cast(y_pred, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.expand_dims(
                convert_input(sample_weight, self.dtype, owner, "sample_weight"), 1
            )

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * sample_weight
            return ops.sum(values, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        if not self._built:
            return ops.convert_to_tensor(0.0, self.dtype)
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + epsilon())
        recall = tp / (tp + self.false_negatives.value + epsilon())
        beta_sq = self.beta**2
        f_score = precision * recall / (beta_sq * precision + recall + epsilon()) * (1 + beta_sq)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            f_score = ops.sum(f_score * (weights / (ops.sum(weights) + epsilon())))
        elif self.average is not None:
            f_score = ops.mean(f_score)
        return ops.cast(f_score, self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score: the harmonic mean of precision and recall (`FBetaScore` with beta=1).

    Args:
        average: None, `"micro"`, `"macro"` or `"weighted"` (see `FBetaScore`).
        threshold: predictions above it are positive; by default the row maximum.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.F1Score(average="micro", threshold=0.5)
        >>> round(float(m([[1, 1, 0], [1, 0, 0]], [[0.9, 0.1, 0.2], [0.6, 0.7, 0.1]])), 4)
        0.6667
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
