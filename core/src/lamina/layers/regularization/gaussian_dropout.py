"""`GaussianDropout`: multiplicative 1-centered Gaussian noise during training."""

from __future__ import annotations

import math

from lamina import random
from lamina.layers.layer import Layer
from lamina.layers.regularization._validation import check_rate


class GaussianDropout(Layer):
    """Multiplies by `N(1, sqrt(rate / (1 - rate)))` noise during training.

    Args:
        rate: float in [0, 1], the drop probability this noise imitates.
        seed: int for reproducible noise.

    Example:
        >>> GaussianDropout(0.2, seed=0)(ops.ones((2, 3)), training=True).shape
        (2, 3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(rate)
        self.seed = seed
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            noise = random.normal(
                inputs.shape,
                mean=1.0,
                stddev=stddev,
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
            return inputs * noise
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
