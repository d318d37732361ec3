"""Binary, categorical and sparse categorical crossentropy (fused primitives of `lamina.ops`).

When `y_pred` is the output of `lamina.activations.softmax`/`sigmoid` it carries its
logits (`_keras_logits`, as on Keras's TensorFlow backend); the losses then compute from
those logits: one stable, fused tape node instead of clipping probabilities.
"""

from __future__ import annotations

import warnings

from lamina import ops
from lamina.losses.loss import to_tensor
from lamina.losses.loss_function_wrapper import BuiltinLoss


def check_axis(name, axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(
            f"{name}: `axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )


def use_cached_logits(name, y_pred, from_logits):
    """`(y_pred, from_logits)`, swapped for the logits a softmax/sigmoid output carries."""
    logits = getattr(y_pred, "_keras_logits", None)
    if logits is None or logits.shape != y_pred.shape:
        return y_pred, from_logits
    if from_logits:
        warnings.warn(
            f"`{name}` received `from_logits=True`, but the `y_pred` argument was produced "
            "by a sigmoid or softmax activation and thus does not represent logits. Was "
            "this intended?",
            stacklevel=3,
        )
    return ops.cast(logits, y_pred.dtype), True


def smooth_labels(y_true, label_smoothing, num_classes):
    """Move `label_smoothing` of the label mass uniformly over `num_classes` classes."""
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def warn_single_class(name, y_pred):
    if y_pred.shape and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy, averaged over `axis`.

    Args:
        y_true: labels in [0, 1], same shape as `y_pred`.
        y_pred: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; labels move towards 0.5 by this much.
        axis: the axis the mean is taken over.

    Example:
        >>> binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]])  # [0.51083]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    y_pred, from_logits = use_cached_logits("binary_crossentropy", y_pred, from_logits)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, 2.0)
    losses = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    return ops.mean(losses, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot (or soft) labels and predictions along `axis`.

    Args:
        y_true: one-hot labels, same shape as `y_pred`.
        y_pred: predicted probabilities (renormalized and clipped), or logits.
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; this much label mass is spread over all classes.
        axis: the class axis.

    Example:
        >>> categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])  # [0.22314]
    """
    check_axis("categorical_crossentropy", axis)
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype)
    warn_single_class("categorical_crossentropy", y_pred)
    y_pred, from_logits = use_cached_logits("categorical_crossentropy", y_pred, from_logits)
    if label_smoothing:
        y_true = smooth_labels(y_true, label_smoothing, float(y_true.shape[-1]))
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Crossentropy between integer labels and predictions along `axis`.

    Args:
        y_true: integer class indices, shape of `y_pred` without the class axis (a
            class axis of size 1 is squeezed).
        y_pred: predicted probabilities, or logits if `from_logits`.
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label whose entries get loss 0 and are masked out of the mean
            (e.g. a padding class in segmentation maps).
        axis: the class axis.

    Example:
        >>> sparse_categorical_crossentropy([1], [[0.2, 0.8]])  # [0.22314]
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    y_pred, from_logits = use_cached_logits("sparse_categorical_crossentropy", y_pred, from_logits)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits, axis=axis
        )
    # Ignored entries take class 0 and are zeroed afterwards; their gradient is 0 too.
    valid = ops.not_equal(y_true, ops.cast(ignore_class, y_true.dtype))
    y_true = ops.where(valid, y_true, 0)
    losses = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    valid = ops.reshape(valid, losses.shape)
    losses = ops.where(valid, losses, 0.0)
    losses._keras_mask = valid
    return losses


class BinaryCrossentropy(BuiltinLoss):
    """Crossentropy between binary labels and predicted probabilities (or logits).

    Args:
        from_logits: whether `y_pred` holds logits (more stable than probabilities).
        label_smoothing: in [0, 1]; labels move towards 0.5 by this much.
        axis: the axis the mean is taken over.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> BinaryCrossentropy(from_logits=True)([[0.0, 1.0]], [[-1.0, 2.0]])  # 0.22009
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(BuiltinLoss):
    """Crossentropy between one-hot labels and predicted probabilities (or logits).

    Args:
        from_logits: whether `y_pred` holds logits.
        label_smoothing: in [0, 1]; this much label mass is spread over all classes.
        axis: the class axis.
        reduction: see `lamina.losses.Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> CategoricalCrossentropy()([[0.0, 1.0]], [[0.2, 0.8]])  # 0.22314
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(BuiltinLoss):
    """Crossentropy between integer labels and predicted probabilities (or logits).

    Unlike Keras 3.15, `get_config()` keeps `axis`, so `from_config` restores it.

    Args:
        from_logits: whether `y_pred` holds logits.
        ignore_class: a label whose entries are left out of the loss.
        reduction: see `lamina.losses.Loss`.
        axis: the class axis.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.

    Example:
        >>> SparseCategoricalCrossentropy()([1], [[0.2, 0.8]])  # 0.22314
    """

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
