"""`PyDatasetAdapter`: batches of a `lamina.utils.PyDataset`, optionally computed in parallel."""

from __future__ import annotations

import itertools
import random

import numpy as np

from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.data_adapter import DataAdapter
from lamina.trainers.data_adapters.py_dataset_enqueuer import OrderedEnqueuer


class PyDatasetAdapter(DataAdapter):
    """Serve `py_dataset[i]` for each batch index, as Keras's PyDataset adapter.

    With `workers > 1` (or `use_multiprocessing`), batches are computed ahead on a pool.

    Args:
        x: a `lamina.utils.PyDataset`.
        class_weight: `{class_index: weight}` added as sample weights to `(x, y)` batches.
        shuffle: visit the batch indices in a random order each epoch (finite datasets).

    Example:
        >>> adapter = PyDatasetAdapter(my_py_dataset, shuffle=True)
    """

    def __init__(self, x, class_weight: dict | None = None, shuffle: bool | str = False):
        self.py_dataset = x
        self.class_weight = class_weight
        self.shuffle = shuffle
        workers = x.workers
        use_multiprocessing = x.use_multiprocessing
        self.enqueuer = None
        if workers > 1 or (workers > 0 and use_multiprocessing):
            self.enqueuer = OrderedEnqueuer(x, workers, use_multiprocessing, x.max_queue_size)

    def _standardize_batch(self, batch):
        if isinstance(batch, dict):
            return batch
        if isinstance(batch, np.ndarray):
            batch = (batch,)
        if isinstance(batch, list):
            batch = tuple(batch)
        if not isinstance(batch, tuple) or len(batch) not in (1, 2, 3):
            raise ValueError(
                "PyDataset.__getitem__() must return a tuple or a dict. If a tuple, it must "
                "be ordered either (input,) or (inputs, targets) or (inputs, targets, "
                f"sample_weights). Received: {str(batch)[:100]}... of type {type(batch)}"
            )
        batch = utils.batch_to_numpy(batch)
        if self.class_weight is not None and len(batch) >= 2:
            batch = utils.apply_class_weight(batch, self.class_weight, "PyDataset")
        return batch

    def _indices(self):
        num_batches = self.py_dataset.num_batches
        if num_batches is None:
            return itertools.count()
        indices = list(range(num_batches))
        if self.shuffle:
            random.shuffle(indices)  # Python's generator, as Keras
        return indices

    def get_numpy_iterator(self):
        indices = self._indices()
        if self.enqueuer is None:
            batches = (self.py_dataset[i] for i in indices)
        else:
            batches = self.enqueuer.iterate(indices)
        for batch in batches:
            yield self._standardize_batch(batch)

    def on_epoch_begin(self) -> None:
        self.py_dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.py_dataset.on_epoch_end()

    @property
    def num_batches(self) -> int | None:
        return self.py_dataset.num_batches
