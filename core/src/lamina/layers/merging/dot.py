"""`Dot` layer and its functional form `dot`: batch-wise dot products."""

import math

from lamina import ops
from lamina.layers.merging.base_merge import Merge


def _resolve_axes(axes, rank1, rank2):
    if isinstance(axes, int):
        return [axes % rank1, axes % rank2] if axes < 0 else [axes, axes]
    return [a % r if a < 0 else a for a, r in zip(axes, (rank1, rank2))]


def batch_dot(x, y, axes):
    """Dot product of `x` and `y` per batch entry, contracting `x.shape[axes[0]]`
    with `y.shape[axes[1]]` (both non-negative, not 0).

    The result has `x`'s other axes, then `y`'s other non-batch axes; a rank-1
    result is reshaped to `(batch, 1)` as in Keras.
    """
    a0, a1 = axes
    x_rest = [d for i, d in enumerate(x.shape) if i not in (0, a0)]
    y_rest = [d for i, d in enumerate(y.shape) if i not in (0, a1)]
    batch, n = x.shape[0], x.shape[a0]
    # Move the contracted axes next to the matmul and squash the others, so one
    # batched matmul does the work whatever the ranks are.
    x = ops.moveaxis(x, a0, -1) if a0 != x.ndim - 1 else x
    y = ops.moveaxis(y, a1, 1) if a1 != 1 else y
    x = ops.reshape(x, (batch, math.prod(x_rest), n))
    y = ops.reshape(y, (batch, n, math.prod(y_rest)))
    out_shape = (batch, *x_rest, *y_rest)
    if len(out_shape) == 1:
        out_shape = (batch, 1)
    return ops.reshape(ops.matmul(x, y), out_shape)


class Dot(Merge):
    """Dot product of two inputs along the given axes, per batch entry.

    Args:
        axes: int or pair of ints, the axis of each input to contract (not the
            batch axis 0); their sizes must match.
        normalize: L2-normalize each input along its axis first, giving the
            cosine proximity.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> x = np.arange(10.0).reshape(1, 5, 2)
        >>> y = np.arange(10.0, 20.0).reshape(1, 2, 5)
        >>> Dot(axes=(1, 2))([x, y]).shape  # (1, 2, 2)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    f"Invalid type for argument `axes`: it should be a list or an int. "
                    f"Received: axes={axes}"
                )
            if len(axes) != 2:
                raise ValueError(
                    f"Invalid format for argument `axes`: it should contain two elements. "
                    f"Received: axes={axes}"
                )
            if not all(isinstance(a, int) for a in axes):
                raise ValueError(
                    f"Invalid format for argument `axes`: list elements should be integers. "
                    f"Received: axes={axes}"
                )
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _checked_axes(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise self._error(
                f"a `Dot` layer should be called on a list of 2 inputs. Received: "
                f"input_shape={input_shape}"
            )
        shape1, shape2 = (tuple(s) for s in input_shape)
        if len(shape1) < 2 or len(shape2) < 2:
            raise self._error(
                f"inputs must have rank >= 2 (a batch axis and a feature axis). Received "
                f"shapes {shape1} and {shape2}"
            )
        axes = _resolve_axes(self.axes, len(shape1), len(shape2))
        if 0 in axes:
            raise self._error(
                f"cannot take the dot product over the batch axis 0. Received axes="
                f"{self.axes} for shapes {shape1} and {shape2}"
            )
        if axes[0] >= len(shape1) or axes[1] >= len(shape2):
            raise self._error(f"axes={self.axes} is out of bounds for shapes {shape1} and {shape2}")
        d1, d2 = shape1[axes[0]], shape2[axes[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise self._error(
                f"incompatible input shapes: axis values {d1} (at axis {axes[0]}) != {d2} "
                f"(at axis {axes[1]}). Full input shapes: {shape1}, {shape2}"
            )
        b1, b2 = shape1[0], shape2[0]
        if b1 is not None and b2 is not None and b1 != b2:
            raise self._error(
                f"inputs have different batch sizes. Received shapes {shape1} and {shape2}"
            )
        return axes

    def build(self, input_shape):
        self._checked_axes(input_shape)

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise self._error(
                f"a `Dot` layer should be called on exactly 2 inputs. Received {len(inputs)}."
            )
        x1, x2 = inputs
        axes = self._checked_axes([x1.shape, x2.shape])
        if self.normalize:
            x1 = ops.normalize(x1, axis=axes[0])
            x2 = ops.normalize(x2, axis=axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        axes = self._checked_axes(input_shape)
        shape1, shape2 = (list(s) for s in input_shape)
        shape1.pop(axes[0])
        shape2.pop(axes[1])
        shape2.pop(0)
        out = shape1 + shape2
        return tuple([*out, 1] if len(out) == 1 else out)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, **kwargs):
    """Functional interface to the `Dot` layer.

    Args:
        inputs: a list of 2 input tensors.
        axes: int or pair of ints, the axes to contract (not the batch axis).
        **kwargs: standard layer keyword arguments (e.g. `normalize=True`).

    Example:
        >>> y = dot([x1, x2], axes=1)
    """
    return Dot(axes=axes, **kwargs)(inputs)
