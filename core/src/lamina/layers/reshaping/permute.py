"""`Permute` layer: reorder the non-batch axes."""

from lamina import ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Permute(Layer):
    """Permute the non-batch axes of the input by `dims` (1-based, batch excluded).

    Args:
        dims: tuple of ints, a permutation of `1..rank-1`; e.g. `(2, 1)` swaps
            the two axes of a rank-3 input.

    Example:
        >>> Permute((2, 1))(np.zeros((4, 10, 64))).shape  # (4, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def call(self, inputs):
        return ops.transpose(inputs, axes=(0, *self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}
