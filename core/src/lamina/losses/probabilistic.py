"""Losses between distributions and counts: Kullback-Leibler divergence and Poisson."""

from __future__ import annotations

from lamina import ops
from lamina.backend import epsilon
from lamina.losses.loss import check_broadcastable, to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred))` over the last axis, both clipped to [eps, 1].

    Args:
        y_true: target distribution, shape `(batch, d0, .. dN)`.
        y_pred: predicted distribution, same shape.

    Example:
        >>> kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])  # [0.14384]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    check_broadcastable("kl_divergence", y_true, y_pred)
    y_true = ops.clip(y_true, epsilon(), 1)
    y_pred = ops.clip(y_pred, epsilon(), 1)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Mean of `y_pred - y_true * log(y_pred + epsilon)` over the last axis.

    Args:
        y_true: observed counts, shape `(batch, d0, .. dN)`.
        y_pred: predicted rates, same shape.

    Example:
        >>> poisson([[1.0, 0.0]], [[1.0, 2.0]])  # [1.5]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    check_broadcastable("poisson", y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + epsilon()), axis=-1)


class KLDivergence(BuiltinLoss):
    """Kullback-Leibler divergence between target and predicted distributions.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])  # 0.14384
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(BuiltinLoss):
    """Poisson loss: `y_pred - y_true * log(y_pred)`, for count data.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> Poisson()([[1.0, 0.0]], [[1.0, 2.0]])  # 1.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)
