"""Hinge losses for maximum-margin classifiers: hinge, squared hinge, categorical hinge."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import check_broadcastable, to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def _signed_labels(name, y_true, y_pred):
    """`y_pred` as a tensor and `y_true` in its dtype, with 0/1 labels mapped to -1/1."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    check_broadcastable(name, y_true, y_pred)
    # Labels already in {-1, 1} (or anything else) are left as given, as Keras does.
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return (2.0 * y_true - 1.0 if bool(is_binary) else y_true), y_pred


def hinge(y_true, y_pred):
    """Mean of `maximum(1 - y_true * y_pred, 0)` over the last axis.

    Args:
        y_true: labels in {-1, 1}; labels in {0, 1} are converted to {-1, 1}.
        y_pred: predicted values, shape `(batch, d0, .. dN)`.

    Example:
        >>> hinge([[0.0, 1.0]], [[0.6, 0.4]])  # [1.1]
    """
    y_true, y_pred = _signed_labels("hinge", y_true, y_pred)
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Mean of `square(maximum(1 - y_true * y_pred, 0))` over the last axis.

    Args:
        y_true: labels in {-1, 1}; labels in {0, 1} are converted to {-1, 1}.
        y_pred: predicted values, shape `(batch, d0, .. dN)`.

    Example:
        >>> squared_hinge([[0.0, 1.0]], [[0.6, 0.4]])  # [1.46]
    """
    y_true, y_pred = _signed_labels("squared_hinge", y_true, y_pred)
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`maximum(neg - pos + 1, 0)`: `pos` the score of the true class, `neg` the best other.

    Args:
        y_true: one-hot labels, shape `(batch, num_classes)`.
        y_pred: predicted scores, same shape.

    Example:
        >>> categorical_hinge([[0.0, 1.0]], [[0.6, 0.4]])  # [1.2]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    check_broadcastable("categorical_hinge", y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.maximum(neg - pos + 1.0, ops.convert_to_tensor(0.0, dtype=y_pred.dtype))


class Hinge(BuiltinLoss):
    """Hinge loss: `maximum(1 - y_true * y_pred, 0)`, labels -1/1 (0/1 converted).

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> Hinge()([[0.0, 1.0]], [[0.6, 0.4]])  # 1.1
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(BuiltinLoss):
    """Squared hinge loss: `square(maximum(1 - y_true * y_pred, 0))`.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> SquaredHinge()([[0.0, 1.0]], [[0.6, 0.4]])  # 1.46
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(BuiltinLoss):
    """Categorical hinge loss between one-hot labels and predicted scores.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> CategoricalHinge()([[0.0, 1.0]], [[0.6, 0.4]])  # 1.2
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
