"""Generalized crossentropy (`(1 - p ** q) / q`), robust to noisy labels."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """`(1 - p ** q) / q`, `p` the predicted probability of the true class.

    `q -> 0` approaches categorical crossentropy, `q = 1` mean absolute error.

    Args:
        y_true: integer class indices, shape `(batch,)`.
        y_pred: predicted probabilities, shape `(batch, num_classes)`.
        q: in (0, 1).

    Example:
        >>> categorical_generalized_cross_entropy([1], [[0.36, 0.64]], q=0.5)  # [0.4]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    one_hot = ops.one_hot(ops.cast(y_true, "int32"), y_pred.shape[-1], dtype=y_pred.dtype)
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1 - ops.power(p, q)) / q


class CategoricalGeneralizedCrossEntropy(BuiltinLoss):
    """Generalized crossentropy between integer labels and predicted probabilities.

    Args:
        q: in (0, 1); small values behave like crossentropy, large ones like MAE.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Raises:
        ValueError: `q` is not in (0, 1).

    Example:
        >>> CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.36, 0.64]])  # 0.4
    """

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if not 0 < q < 1:
            raise ValueError(
                f"CategoricalGeneralizedCrossEntropy: q must be in the interval (0, 1). "
                f"Received: q={q}"
            )
        super().__init__(
            categorical_generalized_cross_entropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            q=q,
        )
