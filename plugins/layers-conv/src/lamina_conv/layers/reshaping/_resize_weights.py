"""Interpolation matrices for upsampling by an integer factor (bilinear, bicubic, lanczos).

Each output sample `o` of an axis upsampled by `f` sits at input coordinate
`(o + 0.5) / f - 0.5` (half-pixel centers); its weights are the kernel evaluated at the
distance to every input sample, normalized to sum to one. That is how Keras's JAX
backend (`jax.image.resize` without antialiasing) resizes, so values match it.
"""

from __future__ import annotations

import functools

import numpy as np


def _triangle(x):
    return np.maximum(0.0, 1.0 - x)


def _keys_cubic(x):
    # Keys' cubic convolution kernel with a = -0.5.
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius) / (np.pi**2 * x**2)
        return np.where(x > radius, 0.0, np.where(x > 1e-3, y, 1.0))

    return kernel


KERNELS = {
    "bilinear": _triangle,
    "bicubic": _keys_cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
}


@functools.lru_cache(maxsize=64)
def interpolation_matrix(size: int, factor: int, method: str) -> np.ndarray:
    """The `(size * factor, size)` matrix that upsamples an axis of length `size`.

    Args:
        size: the input length.
        factor: the integer upsampling factor.
        method: one of `KERNELS`.

    Example:
        >>> interpolation_matrix(2, 2, "bilinear")[0]
        array([1., 0.])
    """
    sample = (np.arange(size * factor) + 0.5) / factor - 0.5
    weights = KERNELS[method](np.abs(sample[:, None] - np.arange(size)[None, :]))
    total = weights.sum(axis=1, keepdims=True)
    weights = np.where(np.abs(total) > 1000 * np.finfo(np.float32).eps, weights / total, 0.0)
    weights.setflags(write=False)
    return weights
