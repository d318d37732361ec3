"""`Loss`: the base class of every loss (dtype, reading masks, reduction), as `keras.Loss`."""

from __future__ import annotations

import numpy as np

from lamina import dtype_policies, ops
from lamina.autodiff import Tensor
from lamina.backend import floatx
from lamina.losses.reduction import reduce_weighted_values, standardize_reduction


class Loss:
    """Base class of losses: subclasses implement `call(y_true, y_pred)`.

    `__call__` converts both arguments to the loss dtype, computes the per-sample losses
    with `call`, and reduces them with `sample_weight` and any mask (`y_pred._keras_mask`,
    or a mask `call` set on its result).

    Args:
        name: name of the loss instance (default: the snake_case class name, made unique).
        reduction: `"sum_over_batch_size"` (default), `"sum"`, `"mean"`,
            `"mean_with_sample_weight"` (divide by the sum of the weights), or
            `"none"`/`None` (per-sample losses).
        dtype: dtype or `DTypePolicy` the loss is computed in (default: floatx; a policy
            gives its compute dtype).

    Example:
        >>> class MeanSquared(lamina.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return lamina.ops.mean(lamina.ops.square(y_pred - y_true), axis=-1)
        >>> MeanSquared()([[0.0, 1.0]], [[1.0, 1.0]])  # 0.5
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        from lamina.layers.layer import to_snake_case, unique_object_name

        self.name = name or unique_object_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = dtype_policies.get(dtype or floatx())
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self) -> str:
        """The dtype the loss is computed in."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = _convert_structure(y_pred, self.dtype)
        y_true = _convert_structure(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        out_mask = getattr(losses, "_keras_mask", None)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(in_mask, out_mask)
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
            loss_name=self.name,
        )

    def call(self, y_true, y_pred):
        """Return the per-sample losses; every `Loss` subclass defines it."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `call(self, y_true, y_pred)`, returning "
            "the per-sample losses."
        )

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


def to_tensor(x, dtype=None) -> Tensor:
    """`ops.convert_to_tensor`, stacking (differentiably) lists that hold Tensors.

    Example:
        >>> to_tensor([1, 2], dtype="float32").dtype
        'float32'
    """
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        x = ops.stack([to_tensor(item) for item in x])
    return ops.convert_to_tensor(x, dtype=dtype)


def _holds_tensor(items) -> bool:
    return any(
        isinstance(v, Tensor) or (isinstance(v, (list, tuple)) and _holds_tensor(v)) for v in items
    )


def _convert_structure(x, dtype):
    # Dicts (and lists/tuples of dicts) are structures of targets, as in Keras; a list of
    # numbers or arrays is one array.
    if isinstance(x, dict):
        return type(x)((k, _convert_structure(v, dtype)) for k, v in x.items())
    if isinstance(x, (list, tuple)) and any(isinstance(v, dict) for v in x):
        return type(x)(_convert_structure(v, dtype) for v in x)
    return to_tensor(x, dtype)


def check_broadcastable(loss_name: str, y_true, y_pred) -> None:
    """Raise a ValueError naming `loss_name` and both shapes unless they broadcast.

    Example:
        >>> check_broadcastable("mean_squared_error", ops.ones((2, 3)), ops.ones((2, 4)))
        Traceback (most recent call last):
        ValueError: mean_squared_error: `y_true` and `y_pred` shapes must match ...
    """
    try:
        np.broadcast_shapes(tuple(y_true.shape), tuple(y_pred.shape))
    except ValueError:
        raise ValueError(
            f"{loss_name}: `y_true` and `y_pred` shapes must match (or broadcast). Received: "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. Hint: "
            "labels usually have the shape of the predictions, or lack only a last axis of "
            "size 1."
        ) from None
