"""Seeded random initializers: normal, uniform, variance scaling and orthogonal.

Seeding follows Keras 3: an int seed, or no seed at all, gives the same values on
every call (an unseeded initializer picks an int seed from Python's `random` when it
is created, so `lamina.utils.set_random_seed` makes it reproducible); a
`lamina.random.SeedGenerator` gives new values on every call.
"""

from __future__ import annotations

import math
import numbers

from lamina import ops, random
from lamina.initializers.initializer import Initializer
from lamina.random.seed_generator import make_default_seed

__all__ = [
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "Orthogonal",
    "RandomInitializer",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "compute_fans",
]

# The standard deviation of a unit normal truncated to [-2, 2]: dividing by it gives
# the truncated samples the requested standard deviation.
_TRUNCATED_STDDEV = 0.87962566103423978


def _serialize_seed(seed):
    if isinstance(seed, random.SeedGenerator):
        return {
            "module": "keras.random",
            "class_name": "SeedGenerator",
            "config": seed.get_config(),
            "registered_name": None,
        }
    return seed


def _deserialize_seed(config):
    if config.get("class_name") == "SeedGenerator":
        return random.SeedGenerator.from_config(config.get("config") or {})
    from lamina.saving.serialization_lib import deserialize_keras_object

    return deserialize_keras_object(config)


class RandomInitializer(Initializer):
    """Base class of the random initializers: holds and serializes the `seed`.

    Args:
        seed: an int, a `lamina.random.SeedGenerator`, a serialized SeedGenerator
            config, or None (an int drawn from Python's `random` now).
    """

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = make_default_seed()
        elif isinstance(seed, dict):
            seed = _deserialize_seed(seed)
        elif isinstance(seed, bool) or not isinstance(
            seed, (numbers.Integral, random.SeedGenerator)
        ):
            raise ValueError(
                "`seed` argument should be an instance of "
                "`lamina.random.SeedGenerator()` or an integer. "
                f"Received: seed={seed}"
            )
        self.seed = seed

    def get_config(self):
        return {"seed": _serialize_seed(self._init_seed)}


class RandomNormal(RandomInitializer):
    """Samples from a normal distribution.

    Args:
        mean: the mean (Python scalar).
        stddev: the standard deviation (Python scalar).
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).

    Example:
        >>> RandomNormal(mean=0.0, stddev=1.0, seed=1)((2, 2)).shape
        (2, 2)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.normal(
            shape=shape, mean=self.mean, stddev=self.stddev, seed=self.seed, dtype=dtype
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Samples from a normal distribution, redrawing those beyond two `stddev`.

    Args:
        mean: the mean (Python scalar).
        stddev: the standard deviation before truncation (Python scalar).
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).

    Example:
        >>> TruncatedNormal(stddev=1.0, seed=1)((3,)).shape
        (3,)
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.truncated_normal(
            shape=shape, mean=self.mean, stddev=self.stddev, seed=self.seed, dtype=dtype
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Samples from a uniform distribution on `[minval, maxval)`.

    Args:
        minval: the lower bound (Python scalar).
        maxval: the upper bound (Python scalar).
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).

    Example:
        >>> RandomUniform(-1.0, 1.0, seed=1)((2,)).shape
        (2,)
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return random.uniform(
            shape=shape, minval=self.minval, maxval=self.maxval, seed=self.seed, dtype=dtype
        )

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape, input_axes=None, output_axes=None):
    """Return `(fan_in, fan_out)` of a weight shape, as Keras counts them.

    Rank 2 is `(fan_in, fan_out)`; higher ranks (convolution kernels) multiply both by
    the receptive field (all but the last two dims); rank 1 uses its size for both.
    `input_axes`/`output_axes`, when both given, name the axes of each fan.

    Args:
        shape: the weight shape.
        input_axes: optional list of the axes counted in `fan_in`.
        output_axes: optional list of the axes counted in `fan_out`.

    Example:
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[axis] for axis in input_axes)
        fan_out = math.prod(shape[axis] for axis in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class VarianceScaling(RandomInitializer):
    """Samples whose variance is `scale / n`, `n` being the fan of the weight shape.

    `n` is `fan_in`, `fan_out` or their average (`mode`). `"truncated_normal"` draws
    from a normal truncated at two standard deviations, rescaled so the truncated
    samples have standard deviation `sqrt(scale / n)`; `"untruncated_normal"` from a
    plain normal; `"uniform"` from `[-limit, limit]` with `limit = sqrt(3 * scale / n)`.

    Args:
        scale: a positive float.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`.
        distribution: `"truncated_normal"` (`"normal"` is an alias),
            `"untruncated_normal"` or `"uniform"`.
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).
        input_axes: optional list of the axes counted in `fan_in`.
        output_axes: optional list of the axes counted in `fan_out`.

    Example:
        >>> init = VarianceScaling(scale=0.1, mode="fan_in", distribution="uniform")
        >>> init((2, 2)).shape
        (2, 2)
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        allowed_modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in allowed_modes:
            raise ValueError(f"Invalid `mode` argument: {mode}. Please use one of {allowed_modes}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        allowed_distributions = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in allowed_distributions:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution}. "
                f"Please use one of {allowed_distributions}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        if self.mode == "fan_in":
            scale = self.scale / max(1.0, fan_in)
        elif self.mode == "fan_out":
            scale = self.scale / max(1.0, fan_out)
        else:
            scale = self.scale / max(1.0, (fan_in + fan_out) / 2.0)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STDDEV
            return random.truncated_normal(
                shape, mean=0.0, stddev=stddev, dtype=dtype, seed=self.seed
            )
        if self.distribution == "untruncated_normal":
            return random.normal(
                shape, mean=0.0, stddev=math.sqrt(scale), dtype=dtype, seed=self.seed
            )
        limit = math.sqrt(3.0 * scale)
        return random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only the seed and the fan axes are arguments."""

    _preset: tuple[float, str, str]  # (scale, mode, distribution)

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._preset
        super().__init__(
            scale=scale,
            mode=mode,
            distribution=distribution,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self):
        return {
            "seed": _serialize_seed(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: `[-limit, limit]` with `limit = sqrt(6 / (fan_in + fan_out))`.

    Args:
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).
        input_axes, output_axes: optional axes counted in the fans.

    Example:
        >>> GlorotUniform(seed=1)((3, 4)).shape
        (3, 4)
    """

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, `stddev = sqrt(2 / (fan_in + fan_out))`.

    Args:
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).
        input_axes, output_axes: optional axes counted in the fans.

    Example:
        >>> GlorotNormal(seed=1)((3, 4)).shape
        (3, 4)
    """

    _preset = (1.0, "fan_avg", "truncated_normal")


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with `stddev = sqrt(1 / fan_in)`.

    Args:
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).
        input_axes, output_axes: optional axes counted in the fans.

    Example:
        >>> LecunNormal(seed=1)((3, 4)).shape
        (3, 4)
    """

    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: `[-limit, limit]` with `limit = sqrt(3 / fan_in)`.

    Args:
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).
        input_axes, output_axes: optional axes counted in the fans.

    Example:
        >>> LecunUniform(seed=1)((3, 4)).shape
        (3, 4)
    """

    _preset = (1.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with `stddev = sqrt(2 / fan_in)`.

    Args:
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).
        input_axes, output_axes: optional axes counted in the fans.

    Example:
        >>> HeNormal(seed=1)((3, 4)).shape
        (3, 4)
    """

    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """He uniform: `[-limit, limit]` with `limit = sqrt(6 / fan_in)`.

    Args:
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).
        input_axes, output_axes: optional axes counted in the fans.

    Example:
        >>> HeUniform(seed=1)((3, 4)).shape
        (3, 4)
    """

    _preset = (2.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix times `gain` (from the QR decomposition of normals).

    Shapes of rank > 2 are treated as `(prod(shape[:-1]), shape[-1])` matrices. With
    fewer rows than columns the rows are orthonormal, otherwise the columns.

    Args:
        gain: the factor applied to the orthogonal matrix.
        seed: an int or None (the same values on every call) or a
            `lamina.random.SeedGenerator` (new values on every call).

    Example:
        >>> Orthogonal(seed=1)((3, 2)).shape
        (3, 2)
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        num_rows = math.prod(shape[:-1])
        num_cols = shape[-1]
        flat_shape = (max(num_cols, num_rows), min(num_cols, num_rows))
        a = random.normal(flat_shape, seed=self.seed, dtype=dtype)
        q, r = ops.qr(a)
        # Fixing the signs by r's diagonal makes q uniformly distributed (Haar measure).
        q = q * ops.sign(ops.diag(r))
        if num_rows < num_cols:
            q = ops.transpose(q)
        return self.gain * ops.reshape(q, shape)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}
