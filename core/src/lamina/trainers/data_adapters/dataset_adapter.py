"""`DatasetAdapter`: batches of a `lamina.data.Dataset`."""

from __future__ import annotations

from lamina.data import Dataset
from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.data_adapter import DataAdapter


class DatasetAdapter(DataAdapter):
    """Serve the elements of a batched `lamina.data.Dataset` (Keras's tf.data adapter).

    Args:
        dataset: a `lamina.data.Dataset` whose elements are batches.
        class_weight: `{class_index: weight}` added as sample weights to `(x, y)` batches.

    Example:
        >>> adapter = DatasetAdapter(lamina.data.Dataset.from_tensor_slices((x, y)).batch(8))
    """

    def __init__(self, dataset: Dataset, class_weight: dict | None = None):
        if not isinstance(dataset, Dataset):
            raise ValueError(
                f"Expected argument `dataset` to be a lamina.data.Dataset. Received: {dataset!r}"
            )
        self._dataset = dataset
        self._class_weight = class_weight

    def get_numpy_iterator(self):
        for batch in self._dataset:
            batch = utils.batch_to_numpy(batch)
            if self._class_weight is not None:
                batch = utils.apply_class_weight(batch, self._class_weight, "Dataset")
            yield batch

    @property
    def num_batches(self) -> int | None:
        cardinality = self._dataset.cardinality()
        return cardinality if cardinality >= 0 else None
