"""`Subtract` layer and its functional form `subtract`."""

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtract two inputs: `inputs[0] - inputs[1]`.

    Example:
        >>> Subtract()([np.ones((2, 3)), np.ones((2, 3))])  # all 0.0
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise self._error(
                f"a `Subtract` layer should be called on exactly 2 inputs. Received: "
                f"input_shape={input_shape}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise self._error(
                f"a `Subtract` layer should be called on exactly 2 inputs. Received "
                f"{len(inputs)} inputs."
            )
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional interface to the `Subtract` layer.

    Args:
        inputs: a list of exactly 2 input tensors.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> y = subtract([x1, x2])
    """
    return Subtract(**kwargs)(inputs)
