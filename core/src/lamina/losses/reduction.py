"""Reducing per-sample losses to a scalar: reductions, sample weights and masks, as Keras."""

from __future__ import annotations

import math

import numpy as np

from lamina import ops

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction):
    """Return `reduction` if Keras accepts it, else raise a ValueError listing the choices.

    Example:
        >>> standardize_reduction("sum")
        'sum'
    """
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {set(REDUCTIONS)}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks equal when they differ by one and the longer has a last axis of size 1.

    A rank-1 partner is expanded (when `expand_rank_1`); otherwise the size-1 axis is
    squeezed, so `(batch, 1)` labels meet `(batch,)` predictions as Keras does.

    Example:
        >>> a, b = squeeze_or_expand_to_same_rank(ops.ones((4, 1)), ops.ones((4,)))
        >>> b.shape
        (4, 1)
    """
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Sum `values`, then divide as the reduction says (by the element count, or by the
    sum of `sample_weight` for `"mean_with_sample_weight"`); `None`/`"none"`, scalars and
    empty vectors come back unreduced.

    Example:
        >>> reduce_values(ops.convert_to_tensor([1.0, 3.0]))  # 2.0
    """
    if reduction is None or reduction == "none" or tuple(values.shape) in ((), (0,)):
        return values
    loss = ops.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = ops.cast(ops.sum(sample_weight), loss.dtype)
    else:
        divisor = ops.convert_to_tensor(math.prod(values.shape), dtype=loss.dtype)
    return ops.divide_no_nan(loss, divisor)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean `mask` into `sample_weight`.

    For the mean reductions the kept entries get weight `total / valid`, so the mean
    over all entries equals the mean over the valid ones.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = ops.convert_to_tensor(math.prod(mask.shape), dtype=dtype)
        valid = ops.sum(ops.cast(mask, dtype))
        float_mask = ops.where(ops.cast(mask, "bool"), ops.divide_no_nan(total, valid), 0)
        float_mask = ops.cast(float_mask, dtype)
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_weighted_values(
    values,
    sample_weight=None,
    mask=None,
    reduction="sum_over_batch_size",
    dtype=None,
    *,
    loss_name="Loss",
):
    """Weight `values` by `sample_weight` and `mask`, then reduce them.

    Args:
        values: per-sample (or per-element) losses.
        sample_weight: optional weights, broadcast against `values` after matching ranks.
        mask: optional boolean mask of the entries that count.
        reduction: one of `REDUCTIONS`.
        dtype: the dtype the computation runs in.
        loss_name: the name error messages give the loss.

    Example:
        >>> reduce_weighted_values([1.0, 3.0], sample_weight=[1.0, 0.0], reduction="sum")
        # 1.0
    """
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    if mask is not None:
        mask = ops.convert_to_tensor(mask)
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        _check_weight_shape(loss_name, values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def _check_weight_shape(loss_name, values, sample_weight):
    try:
        np.broadcast_shapes(tuple(values.shape), tuple(sample_weight.shape))
    except ValueError:
        raise ValueError(
            f"{loss_name}: `sample_weight` must broadcast against the per-sample losses. "
            "Received: "
            f"sample_weight.shape={tuple(sample_weight.shape)}, "
            f"losses.shape={tuple(values.shape)}. Hint: give one weight per sample, shape "
            "(batch_size,)."
        ) from None
