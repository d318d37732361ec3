"""BatchSaveSchedule: when a callback with an integer `save_freq` saves, batch by batch."""

from __future__ import annotations


class BatchSaveSchedule:
    """Count the batches run since the last save; a save is due every `save_freq` of them.

    Batch indices come from `on_train_batch_end`: they may jump by `steps_per_execution`,
    and an index that does not grow means a new epoch began. The count runs across
    epochs, as in Keras.

    Args:
        save_freq: batches between two saves.

    Example:
        >>> schedule = BatchSaveSchedule(3)
        >>> [schedule.is_due(batch) for batch in range(4)]
        [False, False, True, False]
    """

    def __init__(self, save_freq: int):
        self.save_freq = save_freq
        self.batches_since_save = 0
        self.last_batch = None

    def is_due(self, batch: int) -> bool:
        """Count the batches up to `batch` (0-based, in its epoch); True when a save is due."""
        if self.last_batch is None or batch <= self.last_batch:
            added = batch + 1
        else:
            added = batch - self.last_batch
        self.batches_since_save += added
        self.last_batch = batch
        if self.batches_since_save >= self.save_freq:
            self.batches_since_save = 0
            return True
        return False

    def start_epoch(self) -> None:
        """Forget the batch index (a new epoch starts from batch 0)."""
        self.last_batch = None

    def resume(self, steps_done: int) -> None:
        """Continue after a save made once `steps_done` batches of an epoch had run."""
        self.batches_since_save = 0
        self.last_batch = steps_done - 1 if steps_done else None
