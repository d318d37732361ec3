"""Generators keyed by `(seed, counter)`, one per thread and device.

On NumPy a key selects a Philox stream (Philox4x64's key is the two words
`[seed, counter]`); its first 256 bits become the state and increment of a PCG64
generator, which draws the numbers (twice as fast as Philox for uniform floats).
Equal keys give equal numbers on every run and machine. Both bit generators are
re-keyed in place rather than constructed per call (18 us vs 70 us).
On CuPy a `cupy.random.RandomState` using cuRAND's Philox4_32_10 is re-seeded with the
64-bit word `seed << 32 | counter`.

Both expose the numpy `Generator` method names used here: `random`,
`standard_normal`, `integers`, `standard_gamma`, `binomial`, `beta`.
"""

from __future__ import annotations

import threading

import numpy as np

_local = threading.local()
_ZERO4 = np.zeros(4, np.uint64)


def sampler(xp, key: tuple[int, int]):
    """The generator of array module `xp` (numpy or cupy), positioned at stream `key`."""
    if xp is np:
        return _numpy_sampler(key)
    return _cupy_sampler(xp, key)


def permutation_indices(gen, xp, shape: tuple, axis: int):
    """Indices that shuffle each 1-D slice along `axis` independently."""
    n = shape[axis]
    if xp is np:
        ramp = np.arange(n).reshape([n if i == axis else 1 for i in range(len(shape))])
        return gen.permuted(np.broadcast_to(ramp, shape), axis=axis)
    return xp.argsort(gen.random(shape, "float64"), axis=axis)


def _numpy_sampler(key):
    keyer = getattr(_local, "philox", None)
    if keyer is None:
        keyer = _local.philox = np.random.Philox(0)
        _local.numpy = np.random.Generator(np.random.PCG64(0))
    keyer.state = {
        "bit_generator": "Philox",
        "state": {"counter": _ZERO4, "key": np.array(key, np.uint64)},
        "buffer": _ZERO4,
        "buffer_pos": 4,
        "has_uint32": 0,
        "uinteger": 0,
    }
    w = keyer.random_raw(4).tolist()
    gen = _local.numpy
    gen.bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": w[0] << 64 | w[1], "inc": w[2] << 64 | w[3] | 1},
        "has_uint32": 0,
        "uinteger": 0,
    }
    return gen


def _cupy_sampler(cupy, key):
    device = cupy.cuda.Device().id
    cache = getattr(_local, "cupy", None)
    if cache is None:
        cache = _local.cupy = {}
    gen = cache.get(device)
    if gen is None:
        gen = cache[device] = _CupySampler(cupy)
    gen.rekey(key)
    return gen


class _CupySampler:
    """numpy Generator method names over a cuRAND Philox `cupy.random.RandomState`."""

    def __init__(self, cupy):
        from cupy.cuda import curand

        self._xp = cupy
        self._state = cupy.random.RandomState(0, method=curand.CURAND_RNG_PSEUDO_PHILOX4_32_10)

    def rekey(self, key):
        # np.uint64: RandomState.seed casts with casting="safe", which rejects int64.
        self._state.seed(np.uint64((key[0] << 32) | key[1]))

    def random(self, size, dtype):
        return self._state.random_sample(size, dtype)

    def standard_normal(self, size, dtype):
        return self._state.standard_normal(size, dtype)

    def integers(self, low, high, size, dtype):
        # Scaled float64 uniforms: exact for ranges below 2**53, which covers int32.
        xp = self._xp
        low = xp.asarray(low, "float64")
        span = xp.asarray(high, "float64") - low
        steps = xp.minimum(xp.floor(self._state.random_sample(size, "float64") * span), span - 1)
        return (steps + low).astype(dtype)

    def standard_gamma(self, shape, size, dtype):
        return self._state.standard_gamma(shape, size, dtype)

    def binomial(self, n, p, size):
        return self._state.binomial(n, p, size)

    def beta(self, a, b, size):
        return self._state.beta(a, b, size)
