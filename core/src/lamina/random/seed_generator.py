"""`SeedGenerator` and how every random function turns its `seed` argument into a key.

A key is a pair of 32-bit integers `(seed, counter)`, as in Keras's seed state. An int
seed gives `(seed, 0)` on every call (stateless: same numbers each time); a
`SeedGenerator` gives its state and then advances its counter; `None` uses a global
generator, which `lamina.utils.set_random_seed` resets.
"""

from __future__ import annotations

import itertools
import numbers
import random as python_random
import threading

import numpy as np

from lamina.autodiff import Tensor, Variable, unwrap
from lamina.backend import asarray, to_numpy

_MASK = 0xFFFFFFFF
_lock = threading.Lock()
_names = itertools.count()
_global: SeedGenerator | None = None


class SeedGenerator:
    """A stateful source of seeds for the random functions (Keras 3 API).

    Args:
        seed: an int; None picks one from Python's `random` module (which
            `lamina.utils.set_random_seed` seeds, making it reproducible).
        name: defaults to `"seed_generator"`, `"seed_generator_1"`, ...

    Attributes:
        state: a non-trainable uint32 `Variable` of shape `(2,)`: `[seed, counter]`.
            It is saved with the layer that owns the generator.

    Example:
        >>> gen = lamina.random.SeedGenerator(seed=42)
        >>> a = lamina.random.normal((2, 3), seed=gen)
        >>> b = lamina.random.normal((2, 3), seed=gen)  # different from a
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)  # Keras accepts a custom backend module; lamina has one
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized keyword arguments: {kwargs}")
        if name is None:
            index = next(_names)
            name = "seed_generator" if index == 0 else f"seed_generator_{index}"
        self.name = name
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not _is_int(seed):
            raise ValueError(
                f"SeedGenerator: argument `seed` must be an integer. Received: seed={seed!r}"
            )
        pair = (int(seed) & _MASK, 0)
        self.state = Variable(
            np.array(pair, np.uint32),
            dtype="uint32",
            trainable=False,
            name="seed_generator_state",
        )
        self.state.path = f"{name}/seed_generator_state"
        self._host = (unwrap(self.state), pair)

    def next(self, ordered: bool = True) -> Tensor:
        """Return the current state `[seed, counter]` and advance it.

        Args:
            ordered: advance the counter by one (default), or scramble both entries
                as Keras does with `ordered=False`.
        """
        with _lock:
            seed, counter = self._read()
            if ordered:
                new = (seed, (counter + 1) & _MASK)
            else:
                new = tuple(((v + 1) * 5387 & _MASK) % 933199 for v in (seed, counter))
            self._write(new)
        return Tensor(asarray(np.array((seed, counter), np.uint32)))

    def draw(self) -> tuple[int, int]:
        """Return the current `(seed, counter)` as ints and advance the counter."""
        with _lock:
            seed, counter = self._read()
            self._write((seed, (counter + 1) & _MASK))
        return seed, counter

    def _read(self) -> tuple[int, int]:
        # The host copy spares a device-to-host read per draw on the GPU; it is
        # trusted only while the variable still holds the array it was taken from
        # (loading weights assigns a new array).
        value = unwrap(self.state)
        array, pair = self._host
        if value is not array:
            pair = tuple(int(v) for v in to_numpy(value))
        return pair

    def _write(self, pair: tuple[int, int]) -> None:
        self.state.assign(np.array(pair, np.uint32))
        self._host = (unwrap(self.state), pair)

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        seed, counter = self._read()
        return f"<SeedGenerator name={self.name}, state=[{seed}, {counter}]>"


def make_default_seed() -> int:
    """A seed from Python's `random` module, as Keras picks one."""
    return python_random.randint(1, int(1e9))


def global_seed_generator() -> SeedGenerator:
    """The generator behind `seed=None`, created on first use."""
    global _global
    if _global is None:
        _global = SeedGenerator()
    return _global


def reset_global_seed_generator() -> None:
    """Drop the global generator; the next one takes its seed from Python's `random`."""
    global _global
    _global = None


def draw_seed(seed) -> tuple[int, int]:
    """Turn a `seed` argument into a key `(seed, counter)`.

    Args:
        seed: an int (the same key every call), a `SeedGenerator` (advanced by one),
            None (the global generator), or a `(2,)` integer tensor such as
            `SeedGenerator.next()` returns.
    """
    if seed is None:
        return global_seed_generator().draw()
    if isinstance(seed, SeedGenerator):
        return seed.draw()
    if _is_int(seed):
        return int(seed) & _MASK, 0
    if hasattr(seed, "shape") and tuple(seed.shape) == (2,):
        pair = to_numpy(unwrap(seed))
        if pair.dtype.kind in "iu":
            return int(pair[0]) & _MASK, int(pair[1]) & _MASK
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed!r} (of type {type(seed)})"
    )


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
