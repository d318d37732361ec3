"""`Cropping1D/2D/3D`: remove entries from the start and end of each spatial axis."""

from __future__ import annotations

from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina_conv.layers._arguments import standardize_pairs, standardize_tuple
from lamina_conv.layers._shapes import spatial_axes


class BaseCropping(Layer):
    """Shared base of the Cropping layers.

    Args:
        pairs: one `(before, after)` pair per spatial axis.
        data_format: `"channels_last"` or `"channels_first"`; None for the configured one.
    """

    def __init__(self, pairs, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self._pairs = pairs
        self._axes = spatial_axes(len(pairs), self.data_format)
        self.input_spec = InputSpec(ndim=len(pairs) + 2)

    def _cropped(self, shape, what: str) -> tuple:
        """The cropped shape; raises when a known axis would be cropped to nothing."""
        cropped = list(shape)
        for axis, (before, after) in zip(self._axes, self._pairs):
            if cropped[axis] is None:
                continue
            cropped[axis] -= before + after
            if cropped[axis] <= 0:
                raise ValueError(
                    f"{type(self).__name__}: the values in `cropping` must be smaller than "
                    f"the spatial dimension they crop. Received: {what}={tuple(shape)}, "
                    f"cropping={self.cropping}."
                )
        return tuple(cropped)

    def call(self, inputs):
        self._cropped(inputs.shape, "inputs.shape")
        index = [slice(None)] * len(inputs.shape)
        for axis, (before, after) in zip(self._axes, self._pairs):
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        return self._cropped(input_shape, "input_shape")

    def get_config(self):
        return {
            **super().get_config(),
            "cropping": self.cropping,
            "data_format": self.data_format,
        }


class Cropping1D(BaseCropping):
    """Crop the steps axis of `(batch, steps, features)` inputs.

    Args:
        cropping: int (both ends) or tuple of 2 ints `(start, end)`.

    Example:
        >>> Cropping1D((1, 2))(ops.ones((2, 6, 4))).shape
        (2, 3, 4)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        cropping = standardize_tuple(cropping, 2, "cropping", "Cropping1D", allow_zero=True)
        super().__init__((cropping,), "channels_last", **kwargs)
        self.cropping = cropping

    def get_config(self):
        config = super().get_config()
        del config["data_format"]  # Keras's Cropping1D has no data_format
        return config


class Cropping2D(BaseCropping):
    """Crop the rows and columns of images.

    Args:
        cropping: int, tuple of 2 ints (symmetric rows, columns), or
            `((top, bottom), (left, right))`.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> Cropping2D(((1, 0), (2, 2)))(ops.ones((1, 5, 6, 2))).shape
        (1, 4, 2, 2)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        cropping = standardize_pairs(cropping, 2, "cropping", "Cropping2D")
        super().__init__(cropping, data_format, **kwargs)
        self.cropping = cropping


class Cropping3D(BaseCropping):
    """Crop the three spatial axes of volumes.

    Args:
        cropping: int, tuple of 3 ints (symmetric per axis), or 3 `(start, end)` pairs.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> Cropping3D(1)(ops.ones((1, 4, 4, 4, 3))).shape
        (1, 2, 2, 2, 3)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        cropping = standardize_pairs(cropping, 3, "cropping", "Cropping3D")
        super().__init__(cropping, data_format, **kwargs)
        self.cropping = cropping
