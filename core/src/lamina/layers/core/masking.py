"""`Masking`: masks timesteps whose features all equal `mask_value`."""

from __future__ import annotations

from lamina import ops
from lamina.layers.layer import Layer


class Masking(Layer):
    """Masks a timestep when every feature (last axis) equals `mask_value`.

    Masked timesteps are zeroed in the output, and the output carries the mask
    `any(inputs != mask_value, axis=-1)` for downstream layers.

    Args:
        mask_value: the padding value.

    Example:
        >>> y = Masking(0.0)(ops.convert_to_tensor([[[1.0], [0.0]]]))
        >>> y._keras_mask.numpy().tolist()
        [[True, False]]
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            from lamina.saving import deserialize_keras_object

            mask_value = deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = ops.where(keep, inputs, ops.zeros((), dtype=inputs.dtype))
        # The mask is a by-product of the forward: set it here, as Keras does.
        outputs._keras_mask = ops.squeeze(keep, axis=-1)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        base_config = super().get_config()
        return {**base_config, "mask_value": self.mask_value}
