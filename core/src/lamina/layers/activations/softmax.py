"""`Softmax`: softmax along an axis, with an optional mask."""

from __future__ import annotations

from lamina import activations, ops
from lamina.layers.layer import Layer


def _large_negative_number(dtype):
    """The fill value for masked logits: -1e9 overflows float16, so -3e4 there."""
    return -3e4 if str(dtype) == "float16" else -1e9


class Softmax(Layer):
    """Softmax over `axis`; masked positions (mask False or <= 0.5) get 0.

    Args:
        axis: int, or a tuple/list of ints, the normalization axes.

    Call arguments:
        inputs: the logits.
        mask: optional boolean (or 0/1) tensor broadcastable to `inputs`.

    Example:
        >>> x = ops.convert_to_tensor([[1.0, 2.0, 3.0]])
        >>> Softmax()(x, mask=ops.convert_to_tensor([[True, True, False]])).shape
        (1, 3)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            _check_mask(inputs.shape, mask.shape, self.name)
            if str(mask.dtype) != "bool":
                mask = ops.greater(mask, ops.cast(0.5, dtype=mask.dtype))
            fill = ops.cast(_large_negative_number(inputs.dtype), inputs.dtype)
            inputs = ops.where(mask, inputs, fill)
        axis = self.axis
        if isinstance(axis, (tuple, list)):
            if len(axis) > 1:
                outputs = ops.exp(inputs - ops.logsumexp(inputs, axis=tuple(axis), keepdims=True))
            else:
                outputs = activations.softmax(inputs, axis=axis[0])
        else:
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            # A fully masked axis would otherwise give a uniform distribution.
            outputs = ops.where(mask, outputs, ops.zeros((), dtype=outputs.dtype))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _check_mask(input_shape, mask_shape, name):
    if len(mask_shape) > len(input_shape):
        raise ValueError(
            f"Softmax layer '{name}': the `mask` must be broadcastable to `inputs` and must "
            f"not have more dimensions. Received: inputs.shape={tuple(input_shape)}, "
            f"mask.shape={tuple(mask_shape)}"
        )
    for m_dim, i_dim in zip(mask_shape[::-1], input_shape[::-1]):
        if m_dim is not None and i_dim is not None and m_dim not in (1, i_dim):
            raise ValueError(
                f"Softmax layer '{name}': the `mask` must be broadcastable to `inputs`. "
                "Each mask dimension must be 1 or match the corresponding input dimension. "
                f"Received: inputs.shape={tuple(input_shape)}, mask.shape={tuple(mask_shape)}"
            )
