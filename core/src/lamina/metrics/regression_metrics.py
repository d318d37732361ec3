"""Regression metrics: mean errors, `RootMeanSquaredError`, `CosineSimilarity`, `R2Score`."""

from __future__ import annotations

import warnings

from lamina import ops
from lamina.losses import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.losses.loss import check_broadcastable
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric
from lamina.metrics.metrics_utils import convert_input
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine similarity of `y_true` and `y_pred` along `axis` (1 = same direction).

    Example:
        >>> from lamina.metrics.regression_metrics import cosine_similarity
        >>> cosine_similarity([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
        array([0.70710677], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable("cosine_similarity", y_true, y_pred)
    y_pred = ops.normalize(y_pred, axis=axis)
    y_true = ops.normalize(y_true, axis=axis)
    return ops.sum(y_true * y_pred, axis=axis)


class _PlainConfig:
    """Config of metrics whose only settings are `name` and `dtype`."""

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_PlainConfig, MeanMetricWrapper):
    """The mean of `(y_true - y_pred) ** 2`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.MeanSquaredError()
        >>> float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
        0.25
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


class MeanAbsoluteError(_PlainConfig, MeanMetricWrapper):
    """The mean of `abs(y_true - y_pred)`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.MeanAbsoluteError()
        >>> float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
        0.25
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"


class MeanAbsolutePercentageError(_PlainConfig, MeanMetricWrapper):
    """The mean of `100 * abs((y_true - y_pred) / y_true)`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.MeanAbsolutePercentageError()
        >>> float(m([[1, 2]], [[1, 1]]))
        25.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"


class MeanSquaredLogarithmicError(_PlainConfig, MeanMetricWrapper):
    """The mean of `(log(y_true + 1) - log(y_pred + 1)) ** 2`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.MeanSquaredLogarithmicError()
        >>> round(float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]])), 4)
        0.1201
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"


class RootMeanSquaredError(Mean):
    """The square root of the (weighted) mean of `(y_true - y_pred) ** 2`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.RootMeanSquaredError()
        >>> float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
        0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate the squared errors of a batch."""
        owner = type(self).__name__
        y_true = convert_input(y_true, self.dtype, owner, "y_true")
        y_pred = convert_input(y_pred, self.dtype, owner, "y_pred")
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        check_broadcastable(owner, y_true, y_pred)
        return super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())


class CosineSimilarity(_PlainConfig, MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        axis: the axis along which the similarity is computed.

    Example:
        >>> m = lamina.metrics.CosineSimilarity()
        >>> float(m([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]))
        0.4999999701976776
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"


class LogCoshError(_PlainConfig, MeanMetricWrapper):
    """The mean of `log(cosh(y_pred - y_true))`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.LogCoshError()
        >>> round(float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]])), 4)
        0.1084
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"


class R2Score(Metric):
    """The coefficient of determination R^2 (optionally adjusted for regressors).

    Args:
        class_aggregation: how per-output scores combine: `"uniform_average"`,
            `"variance_weighted_average"` or None (one score per output).
        num_regressors: the number of independent regressors, for the adjusted R^2.
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.R2Score()
        >>> round(float(m([[1], [4], [3]], [[2], [4], [4]])), 4)
        0.5714
    """

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                f"R2Score: invalid value for argument `class_aggregation`. Expected one of "
                f"{valid}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "R2Score: invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}."
            )
        shape = (y_pred_shape[-1],)
        self.squared_sum = self.add_variable(shape, "zeros", name="squared_sum")
        self.sum = self.add_variable(shape, "zeros", name="sum")
        self.total_mse = self.add_variable(shape, "zeros", name="residual")
        self.count = self.add_variable(shape, "zeros", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulate the sums behind R^2 for a batch."""
        y_true = convert_input(y_true, self.dtype, "R2Score", "y_true")
        y_pred = convert_input(y_pred, self.dtype, "R2Score", "y_pred")
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(
                "R2Score: `y_true` and `y_pred` must have the same shape, received "
                f"y_true.shape={tuple(y_true.shape)} and y_pred.shape={tuple(y_pred.shape)}."
            )
        weight = convert_input(
            1 if sample_weight is None else sample_weight, self.dtype, "R2Score", "sample_weight"
        )
        if weight.ndim == 1:
            weight = ops.expand_dims(weight, axis=1)
        weight = ops.broadcast_to(weight, y_true.shape)
        weighted_y_true = y_true * weight
        self.sum.assign_add(ops.sum(weighted_y_true, axis=0))
        self.squared_sum.assign_add(ops.sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign_add(ops.sum((y_true - y_pred) ** 2 * weight, axis=0))
        self.count.assign_add(ops.sum(weight, axis=0))
        self.num_samples.assign_add(ops.cast(ops.size(y_true), self.dtype))

    def result(self):
        if not self._built:
            return ops.convert_to_tensor(0.0, self.dtype)
        total_sum, count = self.sum.value, self.count.value
        mean = total_sum / count
        total = self.squared_sum.value - total_sum * mean
        raw_scores = 1 - (self.total_mse.value / total)
        raw_scores = ops.where(ops.isinf(raw_scores), 0.0, raw_scores)
        if self.class_aggregation == "uniform_average":
            r2_score = ops.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2_score = ops.sum(total * raw_scores) / ops.sum(total)
        else:
            r2_score = raw_scores
        if self.num_regressors != 0:
            n = float(self.num_samples.numpy())
            if self.num_regressors > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. "
                    "Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif self.num_regressors == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            else:
                p = float(self.num_regressors)
                r2_score = 1.0 - (1.0 - r2_score) * (n - 1.0) / (n - p - 1.0)
        return r2_score

    def get_config(self):
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
