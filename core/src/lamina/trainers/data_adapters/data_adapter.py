"""`DataAdapter`: the interface every input type (arrays, Dataset, generator...) is served by."""

from __future__ import annotations

import abc


class DataAdapter(abc.ABC):
    """Base class of the data adapters: turns one kind of user input into NumPy batches.

    Subclasses implement `get_numpy_iterator` and `num_batches`; the batch-size properties
    default to "unknown" (`None`/`False`).
    """

    @abc.abstractmethod
    def get_numpy_iterator(self):
        """A fresh iterable over one epoch of batches, each a structure of NumPy arrays."""

    @property
    @abc.abstractmethod
    def num_batches(self) -> int | None:
        """The number of batches in an epoch, or `None` if unknown (or infinite)."""

    @property
    def batch_size(self) -> int | None:
        """The batch size, or `None` if unknown."""
        return None

    @property
    def has_partial_batch(self) -> bool:
        """Whether the last batch of an epoch is smaller than `batch_size`."""
        return False

    @property
    def partial_batch_size(self) -> int | None:
        """The size of the last partial batch, or `None` if there is none or it is unknown."""
        return None

    def on_epoch_begin(self) -> None:  # noqa: B027 (optional hook, no-op by default)
        """Called before each epoch."""

    def on_epoch_end(self) -> None:  # noqa: B027 (optional hook, no-op by default)
        """Called after each epoch."""
