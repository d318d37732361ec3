"""Connectionist temporal classification (CTC) loss for unaligned sequence labels."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def ctc(y_true, y_pred):
    """CTC loss of padded label sequences under per-step class logits.

    Class 0 is the blank and also the padding of `y_true`; every sequence of `y_pred`
    is used over its full length.

    Args:
        y_true: integer labels, shape `(batch, max_label_length)`, padded with 0.
        y_pred: logits, shape `(batch, time_steps, num_classes)`.

    Example:
        >>> ctc([[1, 2]], lamina.ops.zeros((1, 4, 3))).shape
        (1,)
    """
    y_true = to_tensor(y_true)
    y_pred = to_tensor(y_pred)
    if len(y_true.shape) != 2:
        raise ValueError(
            "ctc: targets `y_true` are expected to be a tensor of shape "
            "`(batch_size, max_length)` in integer format. "
            f"Received: y_true.shape={tuple(y_true.shape)}"
        )
    if len(y_pred.shape) != 3:
        raise ValueError(
            "ctc: logits `y_pred` are expected to be a tensor of shape "
            f"`(batch_size, max_length, num_classes)`. Received: y_pred.shape={y_pred.shape}"
        )
    batch_size, time_steps = y_pred.shape[0], y_pred.shape[1]
    labels = ops.cast(y_true, "int32")
    label_length = ops.cast(ops.sum(ops.not_equal(labels, 0), axis=-1), "int32")
    input_length = ops.full((batch_size,), time_steps, dtype="int32")
    return ops.ctc_loss(labels, y_pred, label_length, input_length, mask_index=0)


class CTC(BuiltinLoss):
    """CTC loss between padded integer label sequences and per-step logits.

    Args:
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> CTC()([[1, 2]], lamina.ops.zeros((1, 4, 3)))  # a scalar
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)
