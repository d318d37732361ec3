"""The `keras.random` functions on NumPy/CuPy.

Every function takes `seed`: an int (the same numbers on every call), a
`SeedGenerator` (new numbers on every call, reproducibly), or None (the global
generator, reset by `lamina.utils.set_random_seed`). Numbers are drawn on the
current device, or on the device of the input for `dropout`, `shuffle` and
`categorical`.
"""

from __future__ import annotations

import numbers

import numpy as np

from lamina.autodiff import Tensor, primitive, unwrap
from lamina.backend import floatx, namespace, standardize_dtype
from lamina.ops._dtypes import as_float, xp_of
from lamina.random._sampling import permutation_indices, sampler
from lamina.random.seed_generator import draw_seed

__all__ = [
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


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw samples from a normal (Gaussian) distribution.

    Args:
        shape: the shape of the result.
        mean, stddev: the distribution's mean and standard deviation (floats or
            tensors broadcastable to `shape`).
        dtype: a float dtype; defaults to floatx.
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> lamina.random.normal((2, 3), seed=1).shape
        (2, 3)
    """
    dtype, work = _float_dtype(dtype, "normal")
    xp = namespace()
    z = sampler(xp, draw_seed(seed)).standard_normal(_shape(shape), work)
    return _tensor(xp, _scale_shift(xp, z, stddev, mean), dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draw samples from a uniform distribution on `[minval, maxval)`.

    Args:
        shape: the shape of the result.
        minval, maxval: the bounds (floats or tensors broadcastable to `shape`).
        dtype: a float dtype; defaults to floatx (use `randint` for integers).
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> x = lamina.random.uniform((1000,), minval=-1.0, maxval=1.0, seed=0)
    """
    dtype, work = _float_dtype(dtype, "uniform")
    xp = namespace()
    u = sampler(xp, draw_seed(seed)).random(_shape(shape), work)
    low, high = unwrap(minval), unwrap(maxval)
    scalars = _is_number(low) and _is_number(high)
    if not scalars:
        low, high = _param(xp, low), _param(xp, high)
    out = _scale_shift(xp, u, high - low, low).astype(dtype, copy=False)
    if scalars and high > low:
        # u * (high - low) + low can round up to `high`; keep the interval half-open.
        below = np.nextafter(np.array(high, dtype), np.array(low, dtype))
        out = xp.minimum(out, xp.asarray(below))
    return Tensor(out)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draw samples from a normal distribution cut at two standard deviations.

    Values farther than `2 * stddev` from `mean` are drawn again.

    Args:
        shape: the shape of the result.
        mean, stddev: the mean and standard deviation before truncation.
        dtype: a float dtype; defaults to floatx.
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> x = lamina.random.truncated_normal((3, 3), stddev=0.05, seed=1)
    """
    dtype, work = _float_dtype(dtype, "truncated_normal")
    xp = namespace()
    gen = sampler(xp, draw_seed(seed))
    z = gen.standard_normal(_shape(shape), work)
    # Redraw the out-of-range values until none is left: each round keeps 95.4%,
    # so a million values need about five rounds.
    while True:
        outside = xp.abs(z) >= 2.0
        count = int(outside.sum())
        if not count:
            break
        z[outside] = gen.standard_normal((count,), work)
    return _tensor(xp, _scale_shift(xp, z, stddev, mean), dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Draw integers uniformly from `[minval, maxval)`.

    Args:
        shape: the shape of the result.
        minval, maxval: the bounds (ints or integer tensors broadcastable to `shape`).
        dtype: an integer dtype (default `"int32"`).
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> lamina.random.randint((4,), 0, 10, seed=3).dtype
        'int32'
    """
    dtype = standardize_dtype(dtype)
    if not dtype.startswith(("int", "uint")):
        raise ValueError(
            f"`lamina.random.randint` requires an integer `dtype`. Received: dtype={dtype}"
        )
    xp = namespace()
    gen = sampler(xp, draw_seed(seed))
    return Tensor(xp.asarray(gen.integers(unwrap(minval), unwrap(maxval), _shape(shape), dtype)))


@primitive(nin=1)
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero entries with probability `rate` and scale the others by `1 / (1 - rate)`.

    Differentiable: the gradient is the same scaled mask.

    Args:
        inputs: a tensor (integer inputs give floatx).
        rate: the probability of dropping an entry, in `[0, 1]`.
        noise_shape: the shape of the mask, broadcast to `inputs.shape`; `None`
            entries take the input's size (e.g. `(None, 1, None)` drops whole steps).
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> y = lamina.random.dropout(lamina.ops.ones((2, 4)), rate=0.5, seed=1)
    """
    x = as_float(inputs)
    xp = xp_of(x)
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"dropout: `rate` must be in [0, 1]. Received: rate={rate}")
    if rate == 0.0:
        return x, _identity
    if rate == 1.0:
        return xp.zeros_like(x), xp.zeros_like
    keep = 1.0 - rate
    work = "float64" if x.dtype == "float64" else "float32"
    mask = sampler(xp, draw_seed(seed)).random(_noise_shape(x.shape, noise_shape), work)
    # In place, no temporaries: floor(u + keep) is 1 with probability `keep`, else 0.
    mask += keep
    xp.floor(mask, out=mask)
    mask *= 1.0 / keep
    if mask.dtype != x.dtype:
        mask = mask.astype(x.dtype)

    def vjp(g):
        return g * mask

    return x * mask, vjp


@primitive(nin=1)
def shuffle(x, axis=0, seed=None):
    """Shuffle the entries of `x` along `axis`.

    As Keras does on JAX and NumPy, every 1-D slice along `axis` gets its own
    permutation (for a 1-D `x`, a plain shuffle). Differentiable.

    Args:
        x: a tensor with at least one dimension.
        axis: the axis to shuffle along.
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> lamina.random.shuffle(lamina.ops.arange(5), seed=0).shape
        (5,)
    """
    xp = xp_of(x)
    if x.ndim == 0:
        raise ValueError("shuffle: `x` must have at least one dimension. Received a 0-d tensor.")
    axis = _axis(axis, x.ndim, "shuffle")
    index = permutation_indices(sampler(xp, draw_seed(seed)), xp, x.shape, axis)

    def vjp(g):
        grad = xp.empty_like(g)
        xp.put_along_axis(grad, index, g, axis=axis)
        return grad

    return xp.take_along_axis(x, index, axis=axis), vjp


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draw class indices from categorical distributions given by `logits`.

    Args:
        logits: a `(batch_size, num_classes)` tensor of unnormalized log-probabilities.
        num_samples: how many samples to draw per row.
        dtype: an integer dtype of the result (default `"int32"`).
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Returns:
        A `(batch_size, num_samples)` tensor of class indices.

    Example:
        >>> lamina.random.categorical([[0.0, 0.0, 5.0]], 4, seed=0).shape
        (1, 4)
    """
    logits = _raw(logits)
    if logits.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-dimensional tensor with shape [batch_size, num_classes]. "
            f"Received: logits with shape {tuple(logits.shape)}"
        )
    xp = xp_of(logits)
    rows, classes = logits.shape
    num_samples = int(num_samples)
    z = logits.astype("float64")
    cdf = xp.cumsum(xp.exp(z - z.max(axis=1, keepdims=True)), axis=1)
    cdf /= cdf[:, -1:]
    u = sampler(xp, draw_seed(seed)).random((rows, num_samples), "float64")
    # One searchsorted for all rows: row r's CDF is shifted into (r, r + 1].
    offset = xp.arange(rows, dtype="float64")[:, None]
    flat = xp.searchsorted((cdf + offset).ravel(), (u + offset).ravel(), side="right")
    index = flat.reshape(rows, num_samples) - xp.arange(rows)[:, None] * classes
    return Tensor(xp.clip(index, 0, classes - 1).astype(standardize_dtype(dtype)))


def gamma(shape, alpha, dtype=None, seed=None):
    """Draw samples from a Gamma distribution with concentration `alpha` (scale 1).

    Args:
        shape: the shape of the result.
        alpha: the concentration (a float or a tensor broadcastable to `shape`).
        dtype: a float dtype; defaults to floatx.
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> x = lamina.random.gamma((100,), alpha=2.0, seed=0)
    """
    dtype, work = _float_dtype(dtype, "gamma")
    xp = namespace()
    gen = sampler(xp, draw_seed(seed))
    return _tensor(xp, gen.standard_gamma(_param(xp, alpha), _shape(shape), work), dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Draw the number of successes in `counts` trials of probability `probabilities`.

    Args:
        shape: the shape of the result.
        counts: the number of trials (a number or a tensor broadcastable to `shape`).
        probabilities: the success probability of each trial (likewise).
        dtype: the result dtype; defaults to floatx.
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> x = lamina.random.binomial((10,), counts=5, probabilities=0.5, seed=0)
    """
    dtype = standardize_dtype(dtype)
    xp = namespace()
    counts = _param(xp, counts)
    if counts.dtype.kind == "f":  # Keras accepts float counts; the generators want ints
        counts = counts.astype("int64")
    gen = sampler(xp, draw_seed(seed))
    return _tensor(xp, gen.binomial(counts, _param(xp, probabilities), _shape(shape)), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Draw samples from a Beta distribution with parameters `alpha` and `beta`.

    Args:
        shape: the shape of the result.
        alpha, beta: the parameters (floats or tensors broadcastable to `shape`).
        dtype: a float dtype; defaults to floatx.
        seed: an int, a `SeedGenerator`, or None (the global generator).

    Example:
        >>> x = lamina.random.beta((100,), alpha=2.0, beta=5.0, seed=0)
    """
    dtype, _ = _float_dtype(dtype, "beta")
    xp = namespace()
    gen = sampler(xp, draw_seed(seed))
    return _tensor(xp, gen.beta(_param(xp, alpha), _param(xp, beta), _shape(shape)), dtype)


def _float_dtype(dtype, name):
    """`(dtype, work dtype)`: float16 samples are drawn in float32, then cast."""
    dtype = standardize_dtype(floatx() if dtype is None else dtype)
    if not dtype.startswith("float"):
        if dtype == "bfloat16":
            return dtype, "float32"
        raise ValueError(
            f"`lamina.random.{name}` requires a floating point `dtype`. Received: dtype={dtype}"
        )
    return dtype, ("float64" if dtype == "float64" else "float32")


def _shape(shape) -> tuple:
    if isinstance(shape, numbers.Integral) or (hasattr(shape, "ndim") and shape.ndim == 0):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _noise_shape(shape, noise_shape):
    if noise_shape is None:
        return shape
    noise = tuple(shape[i] if n is None else int(n) for i, n in enumerate(noise_shape))
    if len(noise) != len(shape) or any(n not in (1, s) for n, s in zip(noise, shape)):
        raise ValueError(
            f"dropout: `noise_shape` {tuple(noise_shape)} does not broadcast to the input "
            f"shape {shape}: it needs one entry per dimension, each 1, None or equal."
        )
    return noise


def _axis(axis, ndim, name):
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}: axis {axis} is out of range for a {ndim}-d tensor.")
    return axis % ndim


def _scale_shift(xp, x, scale, shift):
    """`x * scale + shift`, skipping the identity parts (scale 1, shift 0)."""
    scale, shift = unwrap(scale), unwrap(shift)
    if not _is_number(scale):
        x = x * _param(xp, scale)
    elif scale != 1:
        x = x * scale
    if not _is_number(shift):
        x = x + _param(xp, shift)
    elif shift != 0:
        x = x + shift
    return x


def _param(xp, value):
    """A distribution parameter as an array on the generator's device."""
    return xp.asarray(unwrap(value))


def _raw(value):
    value = unwrap(value)
    return value if hasattr(value, "ndim") else namespace().asarray(value, dtype=floatx())


def _tensor(xp, value, dtype):
    return Tensor(xp.asarray(value).astype(dtype, copy=False))


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number)


def _identity(g):
    return g
