"""Correlation metrics: `PearsonCorrelation`, `ConcordanceCorrelation` and their functions."""

from __future__ import annotations

from lamina import ops
from lamina.backend import epsilon
from lamina.losses.loss import check_broadcastable
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _prepare(name, y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(name, y_true, y_pred)
    return y_true, y_pred


def pearson_correlation(y_true, y_pred, axis=-1):
    """The Pearson correlation coefficient of `y_true` and `y_pred` along `axis`.

    Example:
        >>> round(float(lamina.metrics.pearson_correlation([[1, 2, 3]], [[2, 4, 7]])[0]), 4)
        0.9934
    """
    y_true, y_pred = _prepare("pearson_correlation", y_true, y_pred)
    y_true_norm = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    y_pred_norm = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    y_true_norm = y_true_norm / ops.std(y_true_norm, axis=axis, keepdims=True)
    y_pred_norm = y_pred_norm / ops.std(y_pred_norm, axis=axis, keepdims=True)
    return ops.mean(y_true_norm * y_pred_norm, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient of `y_true` and `y_pred` along `axis`.

    Example:
        >>> round(float(lamina.metrics.concordance_correlation([[1, 2, 3]], [[1, 2, 3]])[0]), 4)
        1.0
    """
    y_true, y_pred = _prepare("concordance_correlation", y_true, y_pred)
    y_true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    y_pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    y_true_var = ops.var(y_true - y_true_mean, axis=axis, keepdims=True)
    y_pred_var = ops.var(y_pred - y_pred_mean, axis=axis, keepdims=True)
    # Keras centres both factors on the mean of y_pred; kept for parity.
    covar = (y_true - y_pred_mean) * (y_pred - y_pred_mean)
    norm = y_true_var + y_pred_var + ops.square(y_true_mean - y_pred_mean)
    return ops.mean(2 * covar / (norm + epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean Pearson correlation coefficient over samples.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        axis: the axis along which the correlation is computed.

    Example:
        >>> m = lamina.metrics.PearsonCorrelation()
        >>> round(float(m([[1, 2, 3]], [[2, 4, 7]])), 4)
        0.9934
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean concordance correlation coefficient over samples.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        axis: the axis along which the correlation is computed.

    Example:
        >>> m = lamina.metrics.ConcordanceCorrelation()
        >>> round(float(m([[1, 2, 3]], [[1, 2, 3]])), 4)
        1.0
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}
