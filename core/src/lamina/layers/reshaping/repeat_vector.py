"""`RepeatVector` layer: repeat a `(batch, features)` input `n` times."""

from lamina import ops
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class RepeatVector(Layer):
    """Repeat the input `n` times: `(batch, features)` -> `(batch, n, features)`.

    Args:
        n: positive int, the repetition factor.

    Example:
        >>> RepeatVector(3)(np.zeros((2, 32))).shape  # (2, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def get_config(self):
        return {**super().get_config(), "n": self.n}
