"""`PyDataset` (alias `Sequence`): a dataset of batches written in Python, served in parallel."""

from __future__ import annotations

import itertools
import warnings


class PyDataset:
    """Base class for a dataset of batches computed by Python code, as Keras's `PyDataset`.

    Subclasses implement `__getitem__(index)` returning a whole batch (`(x,)`, `(x, y)`,
    `(x, y, sample_weight)`, or an array/dict `x`), and `__len__` (the number of batches)
    or a `num_batches` property (`None` for an infinite dataset). `on_epoch_begin` and
    `on_epoch_end` may be overridden to change the data between epochs.

    Args:
        workers: number of threads or processes `fit()` uses to compute batches ahead.
        use_multiprocessing: use processes (the dataset is copied into each worker; it
            must be picklable where processes are not forked) instead of threads.
        max_queue_size: at most this many batches are computed ahead.

    Example:
        >>> class Batches(lamina.utils.PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return math.ceil(len(self.x) / self.batch_size)
        ...     def __getitem__(self, idx):
        ...         s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        ...         return self.x[s], self.y[s]
        >>> model.fit(Batches(x, y, 32, workers=4), epochs=2)
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self) -> None:
        missing = False
        for name, default in (
            ("_workers", 1),
            ("_use_multiprocessing", False),
            ("_max_queue_size", 10),
        ):
            if not hasattr(self, name):
                setattr(self, name, default)
                missing = True
        if missing:
            warnings.warn(
                "Your `PyDataset` class should call `super().__init__(**kwargs)` in its "
                "constructor. `**kwargs` can include `workers`, `use_multiprocessing`, "
                "`max_queue_size`. Do not pass these arguments to `fit()`, as they will be "
                "ignored.",
                stacklevel=3,
            )

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int):
        """The batch at position `index` (subclasses implement it)."""
        raise TypeError(
            f"{type(self).__name__} must implement `__getitem__(self, index)` returning the "
            "batch at `index`, as every lamina.utils.PyDataset subclass."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches (`len(self)` by default), or `None` for an infinite dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise TypeError(
            f"{type(self).__name__} must implement `__len__` or the `num_batches` property "
            "(returning None for an infinite dataset), as every lamina.utils.PyDataset "
            "subclass."
        )

    def __iter__(self):
        num_batches = self.num_batches
        indices = itertools.count() if num_batches is None else range(num_batches)
        for index in indices:
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called at the beginning of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


Sequence = PyDataset
