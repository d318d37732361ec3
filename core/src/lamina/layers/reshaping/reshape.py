"""`Reshape` layer: reshape the non-batch axes to `target_shape`."""

import math

from lamina import ops
from lamina.layers.layer import Layer


def _validate_target_shape(target_shape):
    if any(not isinstance(d, int) or d < -1 for d in target_shape):
        raise ValueError(
            "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a "
            f"single unknown dimension. Received: target_shape={target_shape}."
        )
    if target_shape.count(-1) > 1:
        raise ValueError(
            "There must be at most one unknown dimension (-1) in `target_shape`. "
            f"Received: target_shape={target_shape}."
        )


def _resolve(input_shape, target_shape, layer_name):
    """`target_shape` with its -1 replaced by the inferred size (None if unknown)."""
    if None in input_shape:
        return tuple(None if d == -1 else d for d in target_shape)
    size = math.prod(input_shape)
    known = math.prod(d for d in target_shape if d != -1)
    if -1 not in target_shape:
        if size != known:
            raise ValueError(
                f"Layer '{layer_name}' (Reshape): the total size of the tensor must be "
                f"unchanged. Received: input_shape={tuple(input_shape)} ({size} values), "
                f"target_shape={target_shape} ({known} values)"
            )
        return target_shape
    if known == 0 or size % known:
        raise ValueError(
            f"Layer '{layer_name}' (Reshape): the input size {size} cannot be divided by the "
            f"known dimensions of target_shape. Received: input_shape={tuple(input_shape)}, "
            f"target_shape={target_shape}"
        )
    return tuple(size // known if d == -1 else d for d in target_shape)


class Reshape(Layer):
    """Reshape inputs to `(batch_size, *target_shape)`.

    Args:
        target_shape: tuple of ints without the batch axis; one entry may be -1,
            inferred from the input size.

    Example:
        >>> Reshape((-1, 2, 2))(np.zeros((5, 12))).shape  # (5, 3, 2, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        _validate_target_shape(target_shape)
        self.target_shape = target_shape
        self.built = True

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *_resolve(tuple(input_shape[1:]), self.target_shape, self.name))

    def call(self, inputs):
        shape = tuple(inputs.shape)
        return ops.reshape(inputs, (shape[0], *_resolve(shape[1:], self.target_shape, self.name)))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
