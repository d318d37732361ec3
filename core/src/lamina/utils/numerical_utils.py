"""to_categorical and normalize: the array helpers of `keras.utils`."""

from __future__ import annotations

import numpy as np

from lamina.autodiff import Tensor


def _squeeze_trailing_one(shape: tuple) -> tuple:
    # Keras treats labels of shape (..., 1) as (...,): `(n, 1)` labels give `(n, classes)`.
    return shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape


def to_categorical(x, num_classes: int | None = None):
    """Convert integer class labels into one-hot rows, as `keras.utils.to_categorical`.

    Args:
        x: array-like of class labels, integers in `[0, num_classes)`. A trailing axis of
            size 1 is dropped first.
        num_classes: number of classes; None infers `max(x) + 1`.

    Returns:
        For NumPy or list input, a float64 NumPy array of shape `x.shape + (num_classes,)`;
        for a lamina Tensor, a float (floatx) Tensor.

    Example:
        >>> lamina.utils.to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])
    """
    if isinstance(x, Tensor):
        from lamina import ops

        labels = ops.convert_to_numpy(x)
    else:
        labels = np.asarray(x)
    try:
        labels = labels.astype("int64")
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"to_categorical: expected integer class labels, received an array of dtype "
            f"{labels.dtype}."
        ) from error
    shape = _squeeze_trailing_one(labels.shape)
    labels = labels.reshape(-1)
    if not num_classes:
        if labels.size == 0:
            raise ValueError("to_categorical: cannot infer `num_classes` from empty labels.")
        num_classes = int(labels.max()) + 1
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"to_categorical: labels must be in [0, num_classes={num_classes}), received values "
            f"from {labels.min()} to {labels.max()}. Pass a larger `num_classes` or fix the labels."
        )
    if isinstance(x, Tensor):
        from lamina import ops

        return ops.one_hot(ops.reshape(x, shape), num_classes)
    categorical = np.zeros((labels.size, num_classes))
    categorical[np.arange(labels.size), labels] = 1
    return categorical.reshape((*shape, num_classes))


def normalize(x, axis: int = -1, order: int = 2):
    """Divide `x` by its `order`-norm along `axis`, as `keras.utils.normalize`.

    Args:
        x: array to normalize: a NumPy array gives a NumPy array, anything else (a lamina
            Tensor, a list) goes through `lamina.ops.normalize` and gives a Tensor.
        axis: axis along which the norm is taken.
        order: the norm's order (2 for L2, 1 for L1, `np.inf`, ...).

    Returns:
        A normalized copy of `x`; slices whose norm is 0 are left as they are.

    Example:
        >>> lamina.utils.normalize(np.array([[3.0, 4.0]]))
        array([[0.6, 0.8]])
    """
    if isinstance(x, np.ndarray):
        norm = np.linalg.norm(x, order, axis, keepdims=True)
        norm[norm == 0] = 1
        return x / norm
    from lamina import ops

    return ops.normalize(x, axis=axis, order=order)


__all__ = ["normalize", "to_categorical"]
