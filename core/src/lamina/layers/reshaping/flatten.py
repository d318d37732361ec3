"""`Flatten` layer: collapse every non-batch axis into one."""

import math

from lamina import ops
from lamina.backend import standardize_data_format
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Flatten(Layer):
    """Flatten the input to `(batch, features)`; it does not affect the batch size.

    Inputs of shape `(batch,)` become `(batch, 1)`.

    Args:
        data_format: `"channels_last"` (default from `lamina.config.image_data_format()`)
            or `"channels_first"`; with channels-first inputs the channel axis is
            moved last before flattening, so weights ported between formats match.

    Example:
        >>> Flatten()(np.zeros((2, 3, 4))).shape  # (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs):
        shape = tuple(inputs.shape)
        rank = len(shape)
        if self._channels_first and rank > 1:
            inputs = ops.transpose(inputs, axes=(0, *range(2, rank), 1))
        return ops.reshape(inputs, (shape[0], math.prod(shape[1:])))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        flat = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], flat)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
