"""`AlphaDropout`: dropout that keeps SELU's self-normalizing mean and variance."""

from __future__ import annotations

from lamina import ops, random
from lamina.layers.layer import Layer
from lamina.layers.regularization._validation import check_rate

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Sets dropped inputs to SELU's negative saturation value, then applies the
    affine map that restores the inputs' mean and variance (training only).

    Args:
        rate: float in [0, 1], the fraction of inputs to drop.
        noise_shape: mask shape broadcast against the inputs; None entries take
            the input's size.
        seed: int for reproducible masks.

    Example:
        >>> AlphaDropout(0.2, seed=0)(ops.ones((2, 3)), training=True).shape
        (2, 3)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_rate(rate)
        self.seed = seed
        self.noise_shape = noise_shape
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        alpha_p = -_ALPHA * _SCALE
        uniform = random.uniform(shape, seed=self.seed_generator)
        kept = ops.cast(ops.greater_equal(uniform, self.rate), inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + alpha_p * (1 - kept)
        return a * x + b

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
        return {**super().get_config(), **config}
