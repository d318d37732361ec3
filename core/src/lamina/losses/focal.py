"""Focal crossentropies: crossentropy scaled by `(1 - p_t) ** gamma` to focus on hard cases."""

from __future__ import annotations

from lamina import ops
from lamina.backend import epsilon
from lamina.losses.crossentropy import check_axis, smooth_labels, warn_single_class
from lamina.losses.loss import to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary focal crossentropy, averaged over `axis`.

    `focal_factor * bce` with `focal_factor = (1 - p_t) ** gamma`, where `p_t` is the
    predicted probability of the true label; optionally weighted by `alpha` for label 1
    and `1 - alpha` for label 0.

    Args:
        y_true: labels in [0, 1].
        y_pred: predicted probabilities, or logits if `from_logits`.
        apply_class_balancing: whether to weight the classes by `alpha`.
        alpha: the weight of class 1 when balancing.
        gamma: the focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; labels move towards 0.5 by this much.
        axis: the axis the mean is taken over.

    Example:
        >>> binary_focal_crossentropy([[0.0, 1.0]], [[0.4, 0.6]], gamma=2.0)  # [0.08173]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, 2.0)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return ops.mean(focal_bce, axis=axis)


def categorical_focal_crossentropy(
    y_true,
    y_pred,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Categorical focal crossentropy: `sum(alpha * (1 - p) ** gamma * -y_true * log(p))`.

    Args:
        y_true: one-hot labels, same shape as `y_pred`.
        y_pred: predicted probabilities (renormalized and clipped), or logits.
        alpha: the weighting factor.
        gamma: the focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; this much label mass is spread over all classes.
        axis: the class axis.

    Example:
        >>> categorical_focal_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])  # [0.00223]
    """
    check_axis("categorical_focal_crossentropy", axis)
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    warn_single_class("categorical_focal_crossentropy", y_pred)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, float(y_true.shape[-1]))
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    output = ops.clip(output, epsilon(), 1.0 - epsilon())
    cce = -y_true * ops.log(output)
    focal_cce = ops.power(1.0 - output, gamma) * alpha * cce
    return ops.sum(focal_cce, axis=axis)


class BinaryFocalCrossentropy(BuiltinLoss):
    """Binary crossentropy focused on hard examples by `(1 - p_t) ** gamma`.

    Args:
        apply_class_balancing: whether to weight the classes by `alpha`.
        alpha: the weight of class 1 when balancing (class 0 gets `1 - alpha`).
        gamma: the focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; labels move towards 0.5 by this much.
        axis: the axis the mean is taken over.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> BinaryFocalCrossentropy(gamma=2.0)([[0.0, 1.0]], [[0.4, 0.6]])  # 0.08173
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(BuiltinLoss):
    """Categorical crossentropy focused on hard examples by `alpha * (1 - p) ** gamma`.

    Args:
        alpha: the weighting factor.
        gamma: the focusing parameter.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; this much label mass is spread over all classes.
        axis: the class axis.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.2, 0.8]])  # 0.00223
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
