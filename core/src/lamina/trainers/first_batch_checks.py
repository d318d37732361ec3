"""Checks run on the first batch, before any training step: targets against each loss
and metric.

A wrong label shape (one-hot labels given to a sparse loss, integer labels to a
categorical one, a target that cannot broadcast against the output) then fails with
the loss and both shapes named, and the model's weights are untouched.
"""

from __future__ import annotations

import numpy as np

from lamina import losses as losses_module
from lamina.autodiff.graph import recording
from lamina.trainers.compile_utils import per_output_sample_weights


def inference_outputs(model, x):
    """The model's outputs for `x` in inference mode, leaving the model as it was.

    No tape records the pass, and every variable gets its value back afterwards (a
    stateful layer may update its state even in inference).

    Example:
        >>> inference_outputs(model, np.ones((2, 4))).shape  # doctest: +SKIP
        (2, 1)
    """
    variables = model.variables
    saved = [v._value for v in variables]
    depth = recording.depth
    recording.depth = 0
    try:
        return model(x, training=False)
    finally:
        recording.depth = depth
        for variable, value in zip(variables, saved, strict=True):
            variable._value = value


def check_losses_on_batch(compile_loss, y_true, y_pred, sample_weight=None) -> None:
    """Compute each output's loss on the batch; turn a failure into a clear ValueError.

    Args:
        compile_loss: a built `CompileLoss`.
        y_true: the batch's targets (the user's structure).
        y_pred: the model's outputs for the batch.
        sample_weight: the batch's sample weights, or None.

    Raises:
        ValueError: naming the loss, the output, the target and output shapes.
    """
    layout = compile_loss._layout
    flat_true = layout.flatten(y_true, "y_true")
    flat_pred = layout.flatten(y_pred, "y_pred")
    weights = per_output_sample_weights(layout, sample_weight)
    depth = recording.depth
    recording.depth = 0
    try:
        for index, loss, _, name in compile_loss.flat_losses:
            y_t, y_p = flat_true[index], flat_pred[index]
            if y_t is None:
                raise ValueError(
                    f"The model has a loss ('{loss.name}') for output "
                    f"'{layout.names[index] or index}' but the data has no target for it. "
                    "Hint: pass `y` (or a dataset yielding `(x, y)`), or set that output's "
                    "loss to None."
                )
            try:
                loss(y_t, y_p, weights[index])
            except (ValueError, TypeError, IndexError) as err:
                where = f" for output '{name}'" if len(layout) > 1 else ""
                raise ValueError(
                    f"The loss '{loss.name}'{where} cannot be computed for these targets: "
                    f"y_true has shape {_shape(y_t)} and y_pred has shape {_shape(y_p)}. {err}"
                ) from err
    finally:
        recording.depth = depth


def check_metrics_on_batch(compile_metrics, y_true, y_pred, sample_weight=None) -> None:
    """Update the compiled metrics with the batch; a failure names the shapes involved.

    The caller resets the metrics afterwards.
    """
    try:
        compile_metrics.update_state(y_true, y_pred, sample_weight)
    except (ValueError, TypeError, IndexError) as err:
        raise ValueError(
            f"A metric given to compile() cannot be computed for these targets and outputs "
            f"(y_true: {_structure_shapes(y_true)}, y_pred: {_structure_shapes(y_pred)}). "
            f"{err}"
        ) from err


def _structure_shapes(values) -> str:
    if isinstance(values, dict):
        return "{" + ", ".join(f"{k!r}: {_shape(v)}" for k, v in values.items()) + "}"
    if isinstance(values, (list, tuple)):
        return "[" + ", ".join(str(_shape(v)) for v in values) + "]"
    return str(_shape(values))


def check_sparse_labels(compile_loss, y_true, y_pred) -> None:
    """Check that the class indices given to sparse categorical losses exist.

    Args:
        compile_loss: a built `CompileLoss`.
        y_true: the targets of a whole batch (the user's structure, NumPy arrays).
        y_pred: the model's outputs for some samples (only their class count is read).

    Raises:
        ValueError: a label is negative or not below the number of classes.
    """
    layout = compile_loss._layout
    flat_true = layout.flatten(y_true, "y_true")
    flat_pred = layout.flatten(y_pred, "y_pred")
    for index, loss, _, _ in compile_loss.flat_losses:
        if getattr(loss, "fn", None) is not losses_module.sparse_categorical_crossentropy:
            continue
        labels = np.asarray(flat_true[index])
        classes = flat_pred[index].shape[-1]
        ignore_class = getattr(loss, "_fn_kwargs", {}).get("ignore_class")
        if ignore_class is not None:
            labels = labels[labels != ignore_class]
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            bad = labels[(labels < 0) | (labels >= classes)]
            raise ValueError(
                f"The loss '{loss.name}' expects integer class indices in [0, {classes}) "
                f"(the model's output has {classes} classes), but the targets contain "
                f"{bad.flat[0].item()!r}. Hint: give the last layer one unit per class, or "
                "re-encode the labels as 0..classes-1."
            )


def _shape(x) -> tuple:
    shape = getattr(x, "shape", None)
    if shape is None:
        return ()
    return (None, *tuple(shape)[1:]) if len(shape) else ()
