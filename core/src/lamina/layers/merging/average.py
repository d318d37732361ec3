"""`Average` layer and its functional form `average`."""

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Average(Merge):
    """Average a list of inputs element-wise.

    Example:
        >>> Average()([np.zeros((2, 3)), np.full((2, 3), 2.0)])  # all 1.0
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = ops.add(output, x)
        return output / len(inputs)


def average(inputs, **kwargs):
    """Functional interface to the `Average` layer.

    Args:
        inputs: a list of input tensors.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> y = average([x1, x2])
    """
    return Average(**kwargs)(inputs)
