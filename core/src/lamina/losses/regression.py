"""Regression losses: squared, absolute, percentage, log errors, Huber, log-cosh, cosine."""

from __future__ import annotations

import math

from lamina import ops
from lamina.backend import epsilon
from lamina.losses.loss import check_broadcastable, to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss
from lamina.losses.reduction import squeeze_or_expand_to_same_rank


def _prepare(name, y_true, y_pred):
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcastable(name, y_true, y_pred)
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    """Mean of `(y_true - y_pred) ** 2` over the last axis.

    Args:
        y_true: ground truth values, shape `(batch, d0, .. dN)`.
        y_pred: predicted values, same shape.

    Returns:
        Per-sample losses, shape `(batch, d0, .. dN-1)`.

    Example:
        >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])  # [0.5]
    """
    y_true, y_pred = _prepare("mean_squared_error", y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of `abs(y_true - y_pred)` over the last axis.

    Args:
        y_true: ground truth values, shape `(batch, d0, .. dN)`.
        y_pred: predicted values, same shape.

    Example:
        >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]])  # [0.5]
    """
    y_true, y_pred = _prepare("mean_absolute_error", y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)))` over the last axis.

    Args:
        y_true: ground truth values.
        y_pred: predicted values, same shape.

    Example:
        >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]])  # [25.0]
    """
    y_true, y_pred = _prepare("mean_absolute_percentage_error", y_true, y_pred)
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), epsilon()))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of `(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2`, last axis.

    Args:
        y_true: ground truth values.
        y_pred: predicted values, same shape.

    Example:
        >>> mean_squared_logarithmic_error([[0.0, 1.0]], [[1.0, 1.0]])  # [0.24022]
    """
    y_true, y_pred = _prepare("mean_squared_logarithmic_error", y_true, y_pred)
    first_log = ops.log(ops.maximum(y_pred, epsilon()) + 1.0)
    second_log = ops.log(ops.maximum(y_true, epsilon()) + 1.0)
    return ops.mean(ops.square(first_log - second_log), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity of `y_true` and `y_pred` along `axis` (-1 is best).

    Args:
        y_true: ground truth vectors.
        y_pred: predicted vectors.
        axis: the axis the similarity is taken along.

    Example:
        >>> cosine_similarity([[0.0, 1.0]], [[0.0, 2.0]])  # [-1.0]
    """
    y_true, y_pred = _prepare("cosine_similarity", y_true, y_pred)
    y_pred = ops.normalize(y_pred, axis=axis)
    y_true = ops.normalize(y_true, axis=axis)
    return -ops.sum(y_true * y_pred, axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss over the last axis: quadratic for errors up to `delta`, linear beyond.

    Args:
        y_true: ground truth values.
        y_pred: predicted values, same shape.
        delta: the error where the loss turns from quadratic to linear.

    Example:
        >>> huber([[0.0, 0.0]], [[0.5, 3.0]])  # [1.3125]
    """
    y_true, y_pred = _prepare("huber", y_true, y_pred)
    delta = ops.convert_to_tensor(delta, dtype=y_pred.dtype)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * ops.square(delta)
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Mean of `log(cosh(y_pred - y_true))` over the last axis, computed without overflow.

    Args:
        y_true: ground truth values.
        y_pred: predicted values, same shape.

    Example:
        >>> log_cosh([[0.0, 0.0]], [[1.0, 0.0]])  # [0.21689]
    """
    y_true, y_pred = _prepare("log_cosh", y_true, y_pred)
    x = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log(2), finite for any |x|
    return ops.mean(x + ops.softplus(x * -2.0) - math.log(2.0), axis=-1)


class MeanSquaredError(BuiltinLoss):
    """Mean of squares of errors between labels and predictions.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]])  # 0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(BuiltinLoss):
    """Mean of absolute errors between labels and predictions.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]])  # 0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(BuiltinLoss):
    """Mean absolute percentage error between labels and predictions.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]])  # 25.0
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(
            mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype
        )


class MeanSquaredLogarithmicError(BuiltinLoss):
    """Mean squared error of `log(x + 1)` between labels and predictions.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> MeanSquaredLogarithmicError()([[0.0, 1.0]], [[1.0, 1.0]])  # 0.24022
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(
            mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype
        )


class CosineSimilarity(BuiltinLoss):
    """Negative cosine similarity between labels and predictions.

    Unlike Keras 3.15, `get_config()` keeps `axis`, so `from_config` restores it.

    Args:
        axis: the axis the similarity is taken along.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> CosineSimilarity()([[0.0, 1.0]], [[0.0, 2.0]])  # -1.0
    """

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Huber(BuiltinLoss):
    """Huber loss: quadratic for small errors, linear for errors larger than `delta`.

    Unlike Keras 3.15, `get_config()` keeps `delta`, so `from_config` restores it.

    Args:
        delta: the error where the loss turns from quadratic to linear.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> Huber()([[0.0, 0.0]], [[0.5, 3.0]])  # 1.3125
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(BuiltinLoss):
    """Logarithm of the hyperbolic cosine of the prediction error.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> LogCosh()([[0.0, 0.0]], [[1.0, 0.0]])  # 0.21689
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)
