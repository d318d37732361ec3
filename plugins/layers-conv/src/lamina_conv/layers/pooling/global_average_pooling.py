"""`GlobalAveragePooling1D/2D/3D` (and the `GlobalAvgPool*D` aliases)."""

from lamina import ops
from lamina_conv.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Global average pooling over temporal data: inputs `(batch, steps, channels)`.

    With a mask `(batch, steps)` (e.g. from `Embedding(mask_zero=True)`), only the
    unmasked steps are averaged; the output carries no mask.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        keepdims: keep the steps axis with length 1 (the output is then of rank 3).

    Example:
        >>> GlobalAveragePooling1D()(ops.ones((2, 5, 3))).shape
        (2, 3)
    """

    _reduce = staticmethod(ops.mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps_axis = self._axes[0]
        # The mask is (batch, steps): add the channel axis to broadcast it.
        keep = ops.expand_dims(ops.cast(mask, "bool"), 2 if steps_axis == 1 else 1)
        total = ops.sum(ops.where(keep, inputs, 0), axis=steps_axis, keepdims=self.keepdims)
        count = ops.sum(ops.cast(keep, inputs.dtype), axis=steps_axis, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Global average pooling over spatial data: inputs `(batch, rows, cols, channels)`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        keepdims: keep the spatial axes with length 1 (the output is then of rank 4).

    Example:
        >>> GlobalAveragePooling2D()(ops.ones((2, 4, 4, 3))).shape
        (2, 3)
    """

    _reduce = staticmethod(ops.mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Global average pooling over volumetric data: inputs `(batch, d1, d2, d3, channels)`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        keepdims: keep the spatial axes with length 1 (the output is then of rank 5).

    Example:
        >>> GlobalAveragePooling3D()(ops.ones((2, 3, 3, 3, 3))).shape
        (2, 3)
    """

    _reduce = staticmethod(ops.mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
