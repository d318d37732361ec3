"""lamina.random: the `keras.random` namespace.

Example:
    >>> gen = lamina.random.SeedGenerator(seed=42)
    >>> x = lamina.random.normal((2, 3), seed=gen)
"""

from lamina.random.random import (
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from lamina.random.seed_generator import SeedGenerator

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
