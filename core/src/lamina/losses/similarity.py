"""Circle loss for metric learning on embeddings."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def _pair_masks(query_labels, key_labels, remove_diagonal):
    """Boolean `(positive, negative)` masks of same-label and different-label pairs."""
    query_labels = ops.reshape(query_labels, (-1, 1))
    key_labels = ops.reshape(key_labels, (-1, 1))
    positive = ops.equal(query_labels, ops.transpose(key_labels))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        eye = ops.eye(query_labels.shape[0], key_labels.shape[0], k=0, dtype="bool")
        positive = ops.logical_and(positive, ops.logical_not(eye))
    return positive, negative


def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Circle loss (Sun et al., 2020) over the cosine distances of L2-normalized embeddings.

    Per-sample losses with a mask of the samples whose loss is positive.

    Args:
        y_true: integer labels, shape `(batch,)`.
        y_pred: L2-normalized embeddings, shape `(batch, dim)`.
        ref_labels: labels of the reference embeddings (default: `y_true`).
        ref_embeddings: reference embeddings (default: `y_pred`).
        remove_diagonal: whether to leave out each sample's pair with itself.
        gamma: the scale factor.
        margin: the relaxation factor.

    Example:
        >>> emb = lamina.ops.normalize([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> circle([0, 0, 1], emb).shape
        (3,)
    """
    y_pred = to_tensor(y_pred)
    y_true = ops.cast(to_tensor(y_true), "int32")
    ref_embeddings = y_pred if ref_embeddings is None else to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else ops.cast(to_tensor(ref_labels), "int32")
    distances = ops.maximum(1 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0)
    positive, negative = _pair_masks(y_true, ref_labels, remove_diagonal)
    pos_weights = ops.maximum((margin + distances) * ops.cast(positive, distances.dtype), 0.0)
    neg_weights = ops.maximum((1 + margin - distances) * ops.cast(negative, distances.dtype), 0.0)
    pos_logits = -1 * gamma * pos_weights * (margin - distances)
    neg_logits = gamma * neg_weights * ((1 - margin) - distances)
    p_loss = ops.logsumexp(ops.where(positive, pos_logits, float("-inf")), axis=1)
    n_loss = ops.logsumexp(ops.where(negative, neg_logits, float("-inf")), axis=1)
    losses = ops.softplus(p_loss + n_loss)
    losses._keras_mask = losses > 0
    return losses


class Circle(BuiltinLoss):
    """Circle loss: pulls same-label embeddings together and pushes others apart.

    Args:
        gamma: the scale factor.
        margin: the relaxation factor.
        remove_diagonal: whether to leave out each sample's pair with itself.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> emb = lamina.ops.normalize([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
        >>> Circle()([0, 0, 1], emb)  # a scalar
    """

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            reduction=reduction,
            name=name,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
