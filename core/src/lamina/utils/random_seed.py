"""`set_random_seed`: one call that makes lamina's randomness reproducible."""

from __future__ import annotations

import numbers
import random
import sys

import numpy as np

from lamina.random.seed_generator import reset_global_seed_generator


def set_random_seed(seed: int) -> None:
    """Seed Python's `random`, NumPy's global generator, CuPy's (if in use) and lamina's.

    After this call, `lamina.random` functions called with `seed=None` and every
    `SeedGenerator()` created without a seed produce the same numbers on every run.

    Args:
        seed: an integer.

    Example:
        >>> lamina.utils.set_random_seed(1337)
        >>> a = lamina.random.normal((3,))
        >>> lamina.utils.set_random_seed(1337)
        >>> bool((lamina.random.normal((3,)).numpy() == a.numpy()).all())
        True
    """
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool):
        raise ValueError(
            "Expected `seed` argument to be an integer. "
            f"Received: seed={seed!r} (of type {type(seed)})"
        )
    # New SeedGenerators (the global one included) take their seed from Python's random.
    random.seed(seed)
    np.random.seed(seed)
    reset_global_seed_generator()
    cupy = sys.modules.get("cupy")  # only if something already imported it
    if cupy is not None:
        try:
            cupy.random.seed(seed)
        except cupy.cuda.runtime.CUDARuntimeError:
            pass  # CuPy is installed but no GPU is usable: nothing to seed
