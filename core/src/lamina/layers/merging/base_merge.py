"""`Merge`: the base of the element-wise merge layers (Add, Multiply, ...)."""

from lamina import ops
from lamina.layers.layer import Layer


def _shape(x):
    return None if x is None else tuple(x)


class Merge(Layer):
    """Base class of layers that merge a list of tensors element-wise.

    Subclasses implement `_merge_function(inputs)`. Inputs of different ranks
    are expanded at axis 1 until they share a rank, then broadcast as in Keras.

    Args:
        **kwargs: standard layer keyword arguments.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs):
        raise TypeError(f"{type(self).__name__} must define `_merge_function(inputs)`.")

    def _error(self, message):
        return ValueError(f"Layer '{self.name}' ({type(self).__name__}): {message}")

    def _elementwise_shape(self, shape1, shape2):
        """Broadcast two non-batch shapes as Keras merges do (trailing alignment, 1s)."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            shape1, shape2 = shape2, shape1
        if not shape2:
            return tuple(shape1)
        out = list(shape1[: len(shape1) - len(shape2)])
        for i, j in zip(shape1[len(shape1) - len(shape2) :], shape2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1 or i == j:
                out.append(i)
            else:
                raise self._error(
                    f"inputs have incompatible shapes. Received shapes {tuple(shape1)} and "
                    f"{tuple(shape2)} (batch axis excluded); dimensions must be equal or 1."
                )
        return tuple(out)

    def _check_list(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape:
            raise self._error(
                f"a merge layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape}"
            )
        if not isinstance(input_shape[0], (list, tuple)) and input_shape[0] is not None:
            raise self._error(
                f"a merge layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape} (not a list of shapes)"
            )

    def build(self, input_shape):
        self._check_list(input_shape)
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise self._error(
                "cannot merge tensors with different batch sizes. Received tensors with "
                f"shapes {[_shape(s) for s in input_shape]}"
            )
        self.compute_output_shape(input_shape)
        ranks = {None if s is None else len(s) for s in input_shape}
        self._reshape_required = len(ranks) != 1 or None in ranks

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise self._error(
                f"a merge layer should be called on a list of inputs. Received: inputs of "
                f"type {type(inputs).__name__}"
            )
        if self._reshape_required:
            ranks = [len(x.shape) for x in inputs]
            top = max(ranks)
            expanded = []
            for x, rank in zip(inputs, ranks):
                # As in Keras, an expanded input no longer carries its mask.
                for _ in range(top - rank):
                    x = ops.expand_dims(x, 1)
                expanded.append(x)
            inputs = expanded
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        out = None if input_shape[0] is None else tuple(input_shape[0][1:])
        for shape in input_shape[1:]:
            out = self._elementwise_shape(out, None if shape is None else tuple(shape[1:]))
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = batch_sizes.pop() if len(batch_sizes) == 1 else None
        return None if out is None else (batch, *out)

    def compute_mask(self, inputs, mask=None):
        """The OR of the input masks, or None if any input is unmasked."""
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)):
            raise self._error(f"`inputs` and `mask` should be lists. Received: mask={mask}")
        if len(mask) != len(inputs):
            raise self._error(
                f"the lists `inputs` and `mask` should have the same length. Received "
                f"{len(inputs)} inputs and {len(mask)} masks."
            )
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = ops.logical_or(out, m)
        return out

    def _apply_merge_op_and_or_mask(self, op_fn, inputs):
        """Fold `op_fn` over the inputs, masked entries taking the other operand.

        Used by Maximum/Minimum, which have no identity element; the output mask
        is the OR of the input masks (reduced over the last axis).
        """
        output = None
        output_mask = None
        for x in inputs:
            mask = getattr(x, "_keras_mask", None)
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), x.shape)
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = ops.where(mask, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            if mask is not None and output_mask is not None:
                output_mask = ops.logical_or(output_mask, mask)
            else:
                output_mask = None
            output = op_fn(output, x)
        if output_mask is not None:
            output._keras_mask = ops.any(output_mask, axis=-1, keepdims=False)
        return output
