"""`Add` layer and its functional form `add`."""

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Add(Merge):
    """Add a list of inputs element-wise (same shapes, or broadcastable ones).

    Example:
        >>> x1, x2 = np.ones((2, 3)), np.ones((2, 3))
        >>> Add()([x1, x2])  # all 2.0
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output


def add(inputs, **kwargs):
    """Functional interface to the `Add` layer.

    Args:
        inputs: a list of input tensors.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> y = add([x1, x2])
    """
    return Add(**kwargs)(inputs)
