"""`GaussianNoise`: additive zero-centered Gaussian noise during training."""

from __future__ import annotations

from lamina import random
from lamina.layers.layer import Layer
from lamina.layers.regularization._validation import check_rate


class GaussianNoise(Layer):
    """Adds `N(0, stddev)` noise during training; the identity at inference.

    Args:
        stddev: float in [0, 1], the noise's standard deviation.
        seed: int for reproducible noise.

    Example:
        >>> GaussianNoise(0.1, seed=0)(ops.ones((2, 3)), training=True).shape
        (2, 3)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = check_rate(stddev, "stddev")
        self.seed = seed
        if stddev > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = random.normal(
                inputs.shape,
                mean=0.0,
                stddev=self.stddev,
                dtype=self.compute_dtype,
                seed=self.seed_generator,
            )
            return inputs + noise
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
