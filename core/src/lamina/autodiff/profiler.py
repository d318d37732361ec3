"""Wall time per primitive, forward and backward: the data for choosing the next speed-up.

While a `PrimitiveProfile` is active, every primitive call is timed, and so is the
backward of every recorded node (its vector-Jacobian product, the cotangents it hands
back, and their accumulation into the parents' gradients). Ops are keyed by the
primitive's name. Timing is host wall time: on a GPU, kernels run asynchronously, so
pass `synchronize` (e.g. CuPy's device synchronize) for per-op figures there.

Example:
    >>> from lamina.autodiff.profiler import PrimitiveProfile
    >>> with PrimitiveProfile() as profile:  # doctest: +SKIP
    ...     model.train_on_batch(x, y)
    >>> profile.forward["dense"]  # doctest: +SKIP
    [3, 0.0021]  # calls, seconds
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

# The profile now collecting, read by the primitive wrapper and the backward pass.
active: PrimitiveProfile | None = None


class PrimitiveProfile:
    """Collects `[calls, seconds]` per primitive name in `forward` and `backward`.

    Args:
        synchronize: called before each clock reading, so asynchronous devices finish
            the op first; None on the CPU.
    """

    def __init__(self, synchronize: Callable[[], None] | None = None):
        self.forward: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self.backward: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self._synchronize = synchronize
        self._outer: PrimitiveProfile | None = None

    def __enter__(self) -> PrimitiveProfile:
        global active
        self._outer, active = active, self
        return self

    def __exit__(self, *exc) -> None:
        global active
        active = self._outer

    def clock(self) -> float:
        if self._synchronize is not None:
            self._synchronize()
        return time.perf_counter()

    def call(self, name: str, forward, *args, **kwargs):
        """Run one primitive forward, adding its time under `name`."""
        start = self.clock()
        result = forward(*args, **kwargs)
        entry = self.forward[name]
        entry[0] += 1
        entry[1] += self.clock() - start
        return result

    def add_backward(self, name: str, seconds: float) -> None:
        entry = self.backward[name]
        entry[0] += 1
        entry[1] += seconds

    def total(self, which: str) -> float:
        """Seconds summed over every op of `which` ("forward" or "backward")."""
        return sum(seconds for _, seconds in getattr(self, which).values())
