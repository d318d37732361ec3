"""The optimizers of a model and their learning rates, as the learning-rate callbacks see them."""

from __future__ import annotations

import numpy as np


def optimizers_of(model) -> list[tuple[str, object]]:
    """`(log key, optimizer)` pairs of a model: one `learning_rate`, or one per inner optimizer.

    A multi-optimizer (with an `optimizers` list) logs `learning_rate_<name>` per optimizer.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(
            "This callback needs a compiled model with an optimizer; "
            f"received model={model!r} without one. Call `model.compile(optimizer=...)`."
        )
    if hasattr(optimizer, "optimizers"):
        return [(f"learning_rate_{opt.name}", opt) for opt in optimizer.optimizers]
    return [("learning_rate", optimizer)]


def current_learning_rate(optimizer) -> float:
    """The optimizer's learning rate as a Python float (Variables and Tensors included)."""
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            f'Optimizer must have a "learning_rate" attribute. Received: {optimizer!r}.'
        )
    return float(np.asarray(optimizer.learning_rate))
