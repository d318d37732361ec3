"""`UpSampling1D/2D/3D`: repeat (or, in 2D, interpolate) along the spatial axes."""

from __future__ import annotations

from lamina import ops
from lamina.backend import standardize_data_format
from lamina.layers import InputSpec, Layer
from lamina_conv.layers._arguments import standardize_tuple
from lamina_conv.layers._shapes import spatial_axes
from lamina_conv.layers.reshaping._resize_weights import KERNELS, interpolation_matrix

_INTERPOLATIONS = ("nearest", *KERNELS)


def _scaled(input_shape, axes, size) -> tuple:
    shape = list(input_shape)
    for axis, factor in zip(axes, size):
        if shape[axis] is not None:
            shape[axis] *= factor
    return tuple(shape)


def _repeat(inputs, axes, size):
    for axis, factor in zip(axes, size):
        if factor != 1:
            inputs = ops.repeat(inputs, factor, axis=axis)
    return inputs


class UpSampling1D(Layer):
    """Repeat each time step `size` times: inputs `(batch, steps, features)`.

    Args:
        size: positive int, the upsampling factor.

    Example:
        >>> UpSampling1D(2)(ops.ones((2, 3, 4))).shape
        (2, 6, 4)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(
                f"UpSampling1D: expected an integer value for `size`. Received: "
                f"size={size!r} of type {type(size).__name__}."
            )
        if size <= 0:
            raise ValueError(
                f"UpSampling1D: `size` must be a positive integer. Received: size={size}."
            )
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return _repeat(inputs, (1,), (self.size,))

    def compute_output_shape(self, input_shape):
        return _scaled(input_shape, (1,), (self.size,))

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(Layer):
    """Upsample the rows and columns of images by integer factors.

    Args:
        size: int or tuple of 2 ints, the factors for rows and columns.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.
        interpolation: `"nearest"` (repeat each pixel), `"bilinear"`, `"bicubic"`,
            `"lanczos3"` or `"lanczos5"` (half-pixel centers, as Keras's JAX backend).

    Example:
        >>> UpSampling2D((2, 3), interpolation="bilinear")(ops.ones((1, 2, 2, 3))).shape
        (1, 4, 6, 3)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size", "UpSampling2D")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}."
            )
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        axes = spatial_axes(2, self.data_format)
        if self.interpolation == "nearest":
            return _repeat(inputs, axes, self.size)
        for axis, factor in zip(axes, self.size):
            if factor == 1:
                continue  # the interpolating kernels leave an unscaled axis unchanged
            matrix = interpolation_matrix(inputs.shape[axis], factor, self.interpolation)
            matrix = ops.convert_to_tensor(matrix, dtype=inputs.dtype)
            moved = ops.tensordot(inputs, matrix, axes=[[axis], [1]])
            inputs = ops.moveaxis(moved, -1, axis)
        return inputs

    def compute_output_shape(self, input_shape):
        return _scaled(input_shape, spatial_axes(2, self.data_format), self.size)

    def get_config(self):
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }


class UpSampling3D(Layer):
    """Repeat each voxel along the three spatial axes of volumes.

    Args:
        size: int or tuple of 3 ints, the factors for the three spatial axes.
        data_format: `"channels_last"` or `"channels_first"`; default from
            `lamina.config.image_data_format()`.

    Example:
        >>> UpSampling3D(2)(ops.ones((1, 2, 2, 2, 3))).shape
        (1, 4, 4, 4, 3)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size", "UpSampling3D")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        return _repeat(inputs, spatial_axes(3, self.data_format), self.size)

    def compute_output_shape(self, input_shape):
        return _scaled(input_shape, spatial_axes(3, self.data_format), self.size)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
