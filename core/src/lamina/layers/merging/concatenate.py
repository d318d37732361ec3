"""`Concatenate` layer and its functional form `concatenate`."""

from lamina import ops
from lamina.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenate a list of inputs along `axis`.

    All inputs must have the same shape except along the concatenation axis.

    Args:
        axis: axis along which to concatenate.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> x, y = np.zeros((2, 2, 5)), np.ones((2, 1, 5))
        >>> Concatenate(axis=1)([x, y]).shape  # (2, 3, 5)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self._reshape_required = False

    def _mismatch(self, input_shape):
        return self._error(
            "requires inputs with matching shapes except for the concatenation axis "
            f"(axis={self.axis}). Received: input_shape={[tuple(s) for s in input_shape]}"
        )

    def build(self, input_shape):
        if (
            not isinstance(input_shape, (list, tuple))
            or not input_shape
            or not isinstance(input_shape[0], (list, tuple))
        ):
            raise self._error(
                "a `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        self.compute_output_shape(input_shape)

    def _merge_function(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not isinstance(
            input_shape[0], (list, tuple)
        ):
            raise self._error(
                f"a `Concatenate` layer should be called on a list of inputs. Received: "
                f"input_shape={input_shape}"
            )
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise self._mismatch(input_shape)
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise self._error(
                f"axis={self.axis} is out of bounds for inputs of rank {rank}. Received: "
                f"input_shape={[tuple(s) for s in input_shape]}"
            )
        axis = self.axis % rank
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            for i in range(rank):
                if i == axis:
                    continue
                if out[i] is None:
                    out[i] = shape[i]
                elif shape[i] is not None and shape[i] != out[i]:
                    raise self._mismatch(input_shape)
        sizes = [s[axis] for s in input_shape]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        """Concatenated masks (unmasked inputs count as all True), reduced over the last axis."""
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)):
            raise self._error(f"`inputs` and `mask` should be lists. Received: mask={mask}")
        if len(mask) != len(inputs):
            raise self._error(
                f"the lists `inputs` and `mask` should have the same length. Received "
                f"{len(inputs)} inputs and {len(mask)} masks."
            )
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                m = ops.ones_like(x, dtype="bool")
            elif len(m.shape) < len(x.shape):
                m = ops.broadcast_to(ops.expand_dims(m, -1), x.shape)
            masks.append(m)
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1, keepdims=False)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional interface to the `Concatenate` layer.

    Args:
        inputs: a list of input tensors.
        axis: concatenation axis.
        **kwargs: standard layer keyword arguments.

    Example:
        >>> y = concatenate([x1, x2], axis=-1)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
