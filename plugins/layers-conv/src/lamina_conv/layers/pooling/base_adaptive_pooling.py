"""`BaseAdaptivePooling`: pooling to a fixed output size, whatever the input size."""

from __future__ import annotations

from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina_conv import ops as conv_ops
from lamina_conv.layers._shapes import channel_axis, with_spatial

_AXIS_NAMES = {1: "(length,)", 2: "(height, width)", 3: "(depth, height, width)"}


class BaseAdaptivePooling(Layer):
    """Shared base of the adaptive pooling layers.

    Window `i` of an axis of size `n` pooled to `m` covers `[floor(i*n/m), ceil((i+1)*n/m))`.
    Subclasses set `_op_name` to `"adaptive_max_pool"` or `"adaptive_average_pool"`.

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        output_size: an int (the same for every spatial axis) or `rank` ints.
        data_format: `"channels_last"` or `"channels_first"`; None for the configured one.
    """

    _op_name = ""

    def __init__(self, rank, output_size, data_format=None, **kwargs):
        owner = type(self).__name__
        if isinstance(output_size, int) and not isinstance(output_size, bool):
            output_size = (output_size,) * rank
        elif isinstance(output_size, (tuple, list)) and len(output_size) == rank:
            output_size = tuple(output_size)
        else:
            raise TypeError(
                f"{owner}: `output_size` must be an integer or a {_AXIS_NAMES[rank]} tuple. "
                f"Received: output_size={output_size!r} of type {type(output_size).__name__}."
            )
        if not all(isinstance(s, int) and s > 0 for s in output_size):
            raise ValueError(
                f"{owner}: every value of `output_size` must be a positive integer. "
                f"Received: output_size={output_size}."
            )
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def call(self, inputs):
        pool = getattr(conv_ops, self._op_name)
        return pool(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        channels = input_shape[channel_axis(self.data_format)]
        return with_spatial(tuple(input_shape), self.output_size, channels, self.data_format)

    def get_config(self):
        return {
            **super().get_config(),
            "output_size": self.output_size,
            "data_format": self.data_format,
        }
