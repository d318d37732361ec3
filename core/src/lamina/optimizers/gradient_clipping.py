"""Gradient clipping on raw arrays, with Keras's formulas (and so its rounding)."""

from __future__ import annotations

import numpy as np

from lamina.backend import namespace


def clip_by_norm(gradient, clipnorm: float):
    """Rescale `gradient` so that its L2 norm is at most `clipnorm`."""
    xp = namespace(gradient)
    l2sum = xp.sum(xp.square(gradient), keepdims=True)
    # An all-zero gradient keeps norm 0 without taking sqrt(0) (Keras's NaN-safe form).
    l2norm = xp.where(l2sum > 0, xp.sqrt(xp.where(l2sum > 0, l2sum, 1)), l2sum)
    return gradient * clipnorm / xp.maximum(l2norm, clipnorm)


def global_norm(gradients: list):
    """The L2 norm of all `gradients` together (None entries ignored)."""
    arrays = [g for g in gradients if g is not None]
    xp = namespace(arrays[0])
    return xp.sqrt(xp.sum(xp.stack([xp.sum(xp.square(g)) for g in arrays])))


def clip_by_global_norm(gradients: list, clipnorm: float) -> list:
    """Rescale all `gradients` by one factor so that their global norm is at most `clipnorm`.

    A non-finite global norm makes every gradient NaN, as in Keras.
    """
    norm = global_norm(gradients)
    xp = namespace(norm)
    # A zero norm gives 1/0 = inf (then the min picks 1/clipnorm); inf - inf gives NaN.
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = clipnorm * xp.minimum(1.0 / norm, 1.0 / clipnorm) + (norm - norm)
    return [None if g is None else g * scale for g in gradients]


def clip_by_value(gradient, clipvalue: float):
    """Clip every element of `gradient` to `[-clipvalue, clipvalue]`."""
    return namespace(gradient).clip(gradient, -clipvalue, clipvalue)
