"""`Dataset.shuffle`: tf.data's buffered shuffle."""

from __future__ import annotations

import numbers

import numpy as np

from lamina.data.dataset import Dataset

_SEED_RANGE = 2**63 - 1


class ShuffleDataset(Dataset):
    """Fill a buffer of `buffer_size` elements, then repeatedly yield a random one of them
    and put the next input element in its place (tf.data's algorithm)."""

    def __init__(self, input_dataset: Dataset, buffer_size, seed, reshuffle_each_iteration):
        if (
            isinstance(buffer_size, bool)
            or not isinstance(buffer_size, numbers.Integral)
            or buffer_size < 1
        ):
            raise ValueError(
                "lamina.data.Dataset.shuffle: `buffer_size` must be a positive integer. "
                f"Received: buffer_size={buffer_size!r}"
            )
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(
                "lamina.data.Dataset.shuffle: `seed` must be an integer or None. "
                f"Received: seed={seed!r}"
            )
        self._input = input_dataset
        self._buffer_size = int(buffer_size)
        self._reshuffle = bool(reshuffle_each_iteration)
        self._seed = seed
        if self._reshuffle:
            # One seed per iteration, drawn from a stream fixed by `seed` (when given).
            self._seeds = np.random.default_rng(seed) if seed is not None else None
        elif seed is None:
            # The same order every iteration, still following NumPy's global generator.
            self._seed = int(np.random.randint(0, 2**31 - 1))

    def _next_rng(self) -> np.random.Generator:
        if not self._reshuffle:
            return np.random.default_rng(self._seed)
        if self._seeds is None:
            return np.random.default_rng(np.random.randint(0, 2**31 - 1))
        return np.random.default_rng(self._seeds.integers(_SEED_RANGE))

    def _iterate(self):
        rng = self._next_rng()
        buffer = []
        for element in self._input._iterate():
            if len(buffer) < self._buffer_size:
                buffer.append(element)
                continue
            index = int(rng.integers(len(buffer)))
            yield buffer[index]
            buffer[index] = element
        while buffer:
            index = int(rng.integers(len(buffer)))
            buffer[index], buffer[-1] = buffer[-1], buffer[index]
            yield buffer.pop()

    def cardinality(self) -> int:
        return self._input.cardinality()

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()
