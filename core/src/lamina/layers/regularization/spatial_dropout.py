"""`SpatialDropout1D/2D/3D`: dropout of whole feature maps (channels)."""

from __future__ import annotations

from lamina import random
from lamina.backend import standardize_data_format
from lamina.layers.input_spec import InputSpec
from lamina.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    """Dropout whose mask is shared over the spatial axes (one draw per channel).

    Args:
        rate: float in [0, 1], the fraction of channels to drop.
        seed: int for reproducible masks.
        name, dtype: as for every layer (the only other arguments Keras takes).
    """

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(
                inputs,
                self.rate,
                noise_shape=self._get_noise_shape(inputs),
                seed=self.seed_generator,
            )
        return inputs

    def get_config(self):
        # Keras writes this config by hand: no `trainable`, and dtype as a policy name.
        dtype = getattr(self.dtype_policy, "name", self.dtype)
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": dtype}


class SpatialDropout1D(BaseSpatialDropout):
    """Drops entire 1D feature maps: inputs `(samples, timesteps, channels)`.

    Example:
        >>> SpatialDropout1D(0.5, seed=0)(ops.ones((2, 3, 4)), training=True).shape
        (2, 3, 4)
    """

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=3)

    def _get_noise_shape(self, inputs):
        shape = inputs.shape
        return (shape[0], 1, shape[2])


class SpatialDropout2D(BaseSpatialDropout):
    """Drops entire 2D feature maps of 4D inputs.

    Args:
        data_format: `"channels_last"` (`(n, rows, cols, c)`) or
            `"channels_first"`; defaults to the configured image data format.

    Example:
        >>> SpatialDropout2D(0.5, seed=0)(ops.ones((2, 3, 3, 4)), training=True).shape
        (2, 3, 3, 4)
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _get_noise_shape(self, inputs):
        shape = inputs.shape
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[3])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(BaseSpatialDropout):
    """Drops entire 3D feature maps of 5D inputs.

    Args:
        data_format: `"channels_last"` (`(n, d1, d2, d3, c)`) or
            `"channels_first"`; defaults to the configured image data format.

    Example:
        >>> SpatialDropout3D(0.5, seed=0)(ops.ones((1, 2, 2, 2, 3)), training=True).shape
        (1, 2, 2, 2, 3)
    """

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=5)

    def _get_noise_shape(self, inputs):
        shape = inputs.shape
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1, 1)
        return (shape[0], 1, 1, 1, shape[4])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
