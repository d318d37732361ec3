"""`Maximum` layer and its functional form `maximum`."""

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Maximum(Merge):
    """Element-wise maximum of a list of inputs.

    Masked entries are replaced by the other operand; the output mask is the OR
    of the input masks.

    Example:
        >>> Maximum()([np.zeros((2, 3)), np.ones((2, 3))])
    """

    def _merge_function(self, inputs):
        return self._apply_merge_op_and_or_mask(ops.maximum, inputs)


def maximum(inputs, **kwargs):
    """Functional interface to the `Maximum` layer.

    Args:
        inputs: a list of input tensors.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> y = maximum([x1, x2])
    """
    return Maximum(**kwargs)(inputs)
