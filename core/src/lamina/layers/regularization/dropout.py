"""`Dropout`: randomly zeroes inputs during training (inverted scaling)."""

from __future__ import annotations

from lamina import random
from lamina.layers.layer import Layer
from lamina.layers.regularization._validation import check_noise_shape, check_rate


class Dropout(Layer):
    """Sets inputs to 0 with probability `rate` during training and scales the
    kept ones by `1 / (1 - rate)`; the identity at inference.

    Args:
        rate: float in [0, 1], the fraction of inputs to drop.
        noise_shape: shape of the binary mask, broadcast against the inputs;
            None entries take the input's size, e.g. `(None, 1, None)` drops
            the same features at every timestep.
        seed: int for reproducible masks.

    Example:
        >>> layer = Dropout(0.5, seed=1)
        >>> layer(ops.ones((2, 4)), training=True).shape
        (2, 4)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(rate)
        self.seed = seed
        self.noise_shape = check_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(
                inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator
            )
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
        return {**super().get_config(), **config}
