"""`EpochIterator`: the batches of one epoch, for fit/evaluate/predict, with Keras's step rules."""

from __future__ import annotations

import warnings

from lamina.trainers.data_adapters import get_data_adapter

_RAN_OUT_OF_DATA = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or "
    "generator can generate at least `steps_per_epoch * epochs` batches. You may need to "
    "use the `.repeat()` function when building your dataset."
)


class EpochIterator:
    """Iterate over the batches of an epoch, whatever the kind of input.

    With `steps_per_epoch`, an epoch stops after that many batches and the next epoch
    continues where it stopped; when the data runs out first, a warning is emitted and
    the epoch ends (array inputs then start over at the next epoch).

    Args:
        x: NumPy arrays, lamina Tensors, lists of numbers (or nested lists/tuples/dicts of
            them), a `lamina.data.Dataset`, a `lamina.utils.PyDataset`, a Python
            generator/iterator, or a `DataAdapter`.
        y: targets (array inputs only).
        sample_weight: per-sample weights (array inputs only).
        batch_size: batch size for array inputs (default 32).
        steps_per_epoch: batches per epoch, or `None` for the whole data.
        shuffle: `True`, `False` or `"batch"` (array inputs and PyDataset).
        class_weight: `{class_index: weight}`, turned into sample weights.
        steps_per_execution: kept for the trainer; batches are still yielded one by one.

    Example:
        >>> it = EpochIterator(np.ones((10, 3)), np.zeros((10,)), batch_size=4)
        >>> [(step, x.shape[0]) for step, (x, y) in it.enumerate_epoch()]
        [(0, 4), (1, 4), (2, 2)]
    """

    def __init__(
        self,
        x=None,
        y=None,
        sample_weight=None,
        batch_size: int | None = None,
        steps_per_epoch: int | None = None,
        shuffle: bool | str = False,
        class_weight: dict | None = None,
        steps_per_execution: int = 1,
    ):
        if steps_per_epoch is not None and (
            isinstance(steps_per_epoch, bool)
            or not isinstance(steps_per_epoch, int)
            or steps_per_epoch < 1
        ):
            raise ValueError(
                "`steps_per_epoch` must be a positive integer or None. "
                f"Received: steps_per_epoch={steps_per_epoch!r}"
            )
        self.steps_per_epoch = steps_per_epoch
        self.steps_per_execution = steps_per_execution
        self.data_adapter = get_data_adapter(
            x=x,
            y=y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        self._num_batches = self.data_adapter.num_batches
        self._current_iterator = None
        self._steps_seen = 0

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch: `steps_per_epoch`, the data's size, or `None` if unknown.

        For data of unknown size it becomes known after the first epoch ran it out.
        """
        if self.steps_per_epoch:
            return self.steps_per_epoch
        return self._num_batches

    def reset(self) -> None:
        """Forget the position in the data: the next epoch starts from the beginning."""
        self._current_iterator = None
        self._num_batches = self.data_adapter.num_batches
        self._steps_seen = 0
        self.data_adapter.on_epoch_end()

    def enumerate_epoch(self):
        """Yield `(step, batch)` for one epoch; `batch` is `(x,)`, `(x, y)` or `(x, y, sw)`."""
        self.data_adapter.on_epoch_begin()
        steps = self.steps_per_epoch or self._num_batches
        if steps:
            yield from self._enumerate_known(steps)
        else:
            yield from self._enumerate_until_exhausted()
        self.data_adapter.on_epoch_end()

    def _enumerate_known(self, steps: int):
        # Without steps_per_epoch each epoch is a full pass; with it, the iterator is kept
        # across epochs until the data (of known size) has been fully seen.
        if self._current_iterator is None or self.steps_per_epoch is None:
            self._current_iterator = iter(self.data_adapter.get_numpy_iterator())
            self._steps_seen = 0
        for step in range(steps):
            if self._num_batches and self._steps_seen >= self._num_batches:
                if self.steps_per_epoch:
                    warnings.warn(_RAN_OUT_OF_DATA, stacklevel=3)
                break
            try:
                batch = next(self._current_iterator)
            except StopIteration:
                if self._num_batches is None:
                    self._num_batches = self._steps_seen
                warnings.warn(_RAN_OUT_OF_DATA, stacklevel=3)
                self._current_iterator = None
                return
            self._steps_seen += 1
            yield step, as_batch_tuple(batch)
        if self._num_batches and self._steps_seen >= self._num_batches:
            self._current_iterator = None

    def _enumerate_until_exhausted(self):
        iterator = iter(self.data_adapter.get_numpy_iterator())
        step = 0
        for step, batch in enumerate(iterator):
            self._steps_seen = step + 1
            yield step, as_batch_tuple(batch)
        # Data of unknown size: its size is known now. Keras warns here too.
        self._num_batches = self._steps_seen
        warnings.warn(_RAN_OUT_OF_DATA, stacklevel=3)


def as_batch_tuple(batch) -> tuple:
    """Normalize a batch to the tuple `(x,)`, `(x, y)` or `(x, y, sample_weight)`."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return (batch,)
    if not 1 <= len(batch) <= 3:
        raise ValueError(
            "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
            f"`(x, y, sample_weight)`, found a tuple of {len(batch)} items. Hint: pack "
            "several inputs as one tuple or dict: `((x1, x2), y)`."
        )
    return batch
