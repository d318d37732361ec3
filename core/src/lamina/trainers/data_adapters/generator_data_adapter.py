"""`GeneratorDataAdapter`: batches from a Python generator or iterator."""

from __future__ import annotations

import itertools

from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.data_adapter import DataAdapter


class GeneratorDataAdapter(DataAdapter):
    """Serve the batches a Python generator yields, converted to NumPy.

    The first batch is read at construction to check that it is a tuple `(x,)`, `(x, y)`
    or `(x, y, sample_weight)`, then replayed. The generator is consumed once: later epochs
    continue where the previous one stopped.

    Args:
        generator: a generator or iterator of batches.

    Example:
        >>> adapter = GeneratorDataAdapter((np.ones((2, 3)), np.zeros(2)) for _ in range(5))
        >>> sum(1 for _ in adapter.get_numpy_iterator())
        5
    """

    def __init__(self, generator):
        self._generator = iter(generator)
        first = list(itertools.islice(self._generator, 1))
        if not first:
            raise ValueError(
                "When passing a Python generator to a lamina model, the generator must "
                "yield at least one batch. Received an empty generator."
            )
        if not isinstance(first[0], tuple) or not 1 <= len(first[0]) <= 3:
            raise ValueError(
                "When passing a Python generator to a lamina model, the generator must "
                "return a tuple, either (input,) or (inputs, targets) or "
                f"(inputs, targets, sample_weights). Received: {_describe(first[0])}"
            )
        self._pending = first  # replayed once, by the first iterator

    def get_numpy_iterator(self):
        pending, self._pending = self._pending, []
        for batch in itertools.chain(pending, self._generator):
            yield utils.batch_to_numpy(batch)

    @property
    def num_batches(self) -> None:
        return None


def _describe(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:200]}{'...' if len(text) > 200 else ''}"
