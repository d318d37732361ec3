"""Overlap losses for segmentation: Dice and Tversky."""

from __future__ import annotations

from lamina import ops
from lamina.backend import epsilon
from lamina.losses.loss import check_broadcastable, to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def _prepare(name, y_true, y_pred):
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    check_broadcastable(name, y_true, y_pred)
    return y_true, y_pred


def dice(y_true, y_pred, axis=None):
    """`1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))` over `axis`.

    Args:
        y_true: target masks.
        y_pred: predicted masks, same shape.
        axis: axes the sums run over (None: all, giving one scalar).

    Example:
        >>> dice([[1.0, 0.0]], [[0.5, 0.5]])  # 0.5
    """
    y_true, y_pred = _prepare("dice", y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis)
    return 1 - ops.divide(2.0 * intersection, total + epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """`1 - TP / (TP + alpha * FP + beta * FN)` with soft counts over `axis`.

    Args:
        y_true: target masks.
        y_pred: predicted masks, same shape.
        alpha: weight of false positives.
        beta: weight of false negatives.
        axis: axes the sums run over (None: all, giving one scalar).

    Example:
        >>> tversky([[1.0, 0.0]], [[0.5, 0.5]])  # 0.5
    """
    y_true, y_pred = _prepare("tversky", y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    # Keras counts `(1 - y_pred) * y_true` as `fp` and `y_pred * (1 - y_true)` as `fn`.
    fp = ops.sum((1 - y_pred) * y_true, axis=axis)
    fn = ops.sum(y_pred * (1 - y_true), axis=axis)
    score = ops.divide(intersection, intersection + fp * alpha + fn * beta + epsilon())
    return 1 - score


class Dice(BuiltinLoss):
    """Dice loss: one minus the soft Dice coefficient of target and predicted masks.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        axis: axes the sums run over (None: all).
        dtype: dtype the loss is computed in.

    Example:
        >>> Dice()([[1.0, 0.0]], [[0.5, 0.5]])  # 0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Tversky(BuiltinLoss):
    """Tversky loss: Dice with separate weights for false positives and negatives.

    Args:
        alpha: weight of false positives.
        beta: weight of false negatives.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        axis: axes the sums run over (None: all).
        dtype: dtype the loss is computed in.

    Example:
        >>> Tversky()([[1.0, 0.0]], [[0.5, 0.5]])  # 0.5
    """

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            beta=beta,
            axis=axis,
        )
