"""`Minimum` layer and its functional form `minimum`."""

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Minimum(Merge):
    """Element-wise minimum of a list of inputs.

    Masked entries are replaced by the other operand; the output mask is the OR
    of the input masks.

    Example:
        >>> Minimum()([np.zeros((2, 3)), np.ones((2, 3))])
    """

    def _merge_function(self, inputs):
        return self._apply_merge_op_and_or_mask(ops.minimum, inputs)


def minimum(inputs, **kwargs):
    """Functional interface to the `Minimum` layer.

    Args:
        inputs: a list of input tensors.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> y = minimum([x1, x2])
    """
    return Minimum(**kwargs)(inputs)
