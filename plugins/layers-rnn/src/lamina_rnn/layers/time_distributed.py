"""`TimeDistributed`: applies one layer to every temporal slice of its input."""

from __future__ import annotations

from lamina import ops
from lamina.layers import Layer, Wrapper
from lamina.layers.layer import call_accepts

__all__ = ["TimeDistributed"]


def _time_major(x):
    """Swap the batch and time axes (the first two) of `x`."""
    return ops.transpose(x, axes=[1, 0, *range(2, len(x.shape))])


class TimeDistributed(Wrapper):
    """Applies the same layer (the same weights) to every time step of the input.

    The input is at least 3D; axis 1 is time. Step `t` of the output is
    `layer(inputs[:, t])`. A mask `(batch, time)` is passed on step by step to layers
    whose `call` takes `mask`, and is the mask of the output.

    Args:
        layer: a `lamina.layers.Layer` instance.

    Example:
        >>> inputs = lamina.layers.Input(shape=(10, 16))
        >>> TimeDistributed(lamina.layers.Dense(8))(inputs).shape
        (None, 10, 8)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _get_child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(
            self._get_child_input_shape(input_shape)
        )
        return (child_output_shape[0], input_shape[1], *child_output_shape[1:])

    def build(self, input_shape):
        super().build(self._get_child_input_shape(input_shape))

    def call(self, inputs, training=None, mask=None):
        if len(inputs.shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an input with at least 3 "
                f"dimensions (batch, time, ...), received shape {tuple(inputs.shape)}."
            )
        if mask is not None:
            _check_mask(mask, inputs)
            mask = _time_major(mask)
        kwargs = {}
        if call_accepts(self.layer, "training"):
            kwargs["training"] = training
        pass_mask = mask is not None and call_accepts(self.layer, "mask")
        steps = _time_major(inputs)
        # Keras calls the layer once per step (not once on a merged batch*time axis), which
        # matters for layers with batch statistics such as BatchNormalization.
        outputs = [
            self.layer.call(steps[t], **kwargs, **({"mask": mask[t]} if pass_mask else {}))
            for t in range(steps.shape[0])
        ]
        return _time_major(ops.stack(outputs))


def _check_mask(mask, inputs):
    if len(mask.shape) < 2:
        raise ValueError(
            "The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., "
            f"`(batch_size, timesteps)`), but it has {len(mask.shape)} dimension(s) with "
            f"shape {tuple(mask.shape)}."
        )
    if tuple(mask.shape[:2]) != tuple(inputs.shape[:2]):
        raise ValueError(
            f"The `mask` passed to the `TimeDistributed` layer has a shape "
            f"{tuple(mask.shape)} that is incompatible with the input shape "
            f"{tuple(inputs.shape)}. The first two dimensions of the mask (batch size and "
            "timesteps) must match the input's first two dimensions. Expected mask shape "
            f"prefix: ({inputs.shape[0]}, {inputs.shape[1]})."
        )
