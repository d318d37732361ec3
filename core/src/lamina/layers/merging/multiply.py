"""`Multiply` layer and its functional form `multiply`."""

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiply a list of inputs element-wise.

    Masked entries count as 1; when every input is masked, entries masked in all
    inputs are 0 and the output carries the OR of the masks.

    Example:
        >>> Multiply()([np.full((2, 3), 2.0), np.full((2, 3), 3.0)])  # all 6.0
    """

    def _merge_function(self, inputs):
        masks = [getattr(x, "_keras_mask", None) for x in inputs]
        has_output_mask = all(m is not None for m in masks)
        output = None
        output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), x.shape)
                x = ops.where(mask, x, ops.cast(1, x.dtype))
                if has_output_mask:
                    output_mask = mask if output_mask is None else ops.logical_or(output_mask, mask)
            output = x if output is None else ops.multiply(output, x)
        if has_output_mask:
            output = ops.where(output_mask, output, ops.cast(0, output.dtype))
            output._keras_mask = ops.any(output_mask, axis=-1, keepdims=False)
        return output


def multiply(inputs, **kwargs):
    """Functional interface to the `Multiply` layer.

    Args:
        inputs: a list of input tensors.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> y = multiply([x1, x2])
    """
    return Multiply(**kwargs)(inputs)
