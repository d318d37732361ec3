"""Data adapters: turn every kind of training input into an iterator of NumPy batches.

`get_data_adapter` picks the adapter for the input, as Keras does, and raises Keras's
errors for arguments that do not apply to it.
"""

from __future__ import annotations

import warnings

from lamina.data import Dataset
from lamina.trainers.data_adapters.array_data_adapter import ArrayDataAdapter
from lamina.trainers.data_adapters.data_adapter import DataAdapter
from lamina.trainers.data_adapters.data_adapter_utils import (
    can_convert_arrays,
    class_weight_to_sample_weights,
    pack_x_y_sample_weight,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from lamina.trainers.data_adapters.dataset_adapter import DatasetAdapter
from lamina.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter
from lamina.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter
from lamina.utils.py_dataset import PyDataset

__all__ = [
    "ArrayDataAdapter",
    "DataAdapter",
    "DatasetAdapter",
    "GeneratorDataAdapter",
    "PyDatasetAdapter",
    "class_weight_to_sample_weights",
    "get_data_adapter",
    "pack_x_y_sample_weight",
    "train_validation_split",
    "unpack_x_y_sample_weight",
]


def get_data_adapter(
    x,
    y=None,
    sample_weight=None,
    batch_size: int | None = None,
    steps_per_epoch: int | None = None,
    shuffle: bool | str = False,
    class_weight: dict | None = None,
) -> DataAdapter:
    """Return the `DataAdapter` for `x` (arrays, Dataset, PyDataset, generator, or an adapter).

    Args:
        x: the input data.
        y: targets, only for array inputs.
        sample_weight: per-sample weights, only for array inputs.
        batch_size: batch size, only for array inputs (ignored for the others, as Keras).
        steps_per_epoch: batches per epoch; derives the batch size of array inputs.
        shuffle: `True`, `False` or `"batch"`; ignored (with a warning) for iterators.
        class_weight: `{class_index: weight}`; not supported for generators.

    Example:
        >>> adapter = get_data_adapter(np.ones((10, 2)), np.ones((10,)), batch_size=5)
        >>> adapter.num_batches
        2
    """
    if isinstance(x, DataAdapter):
        return x
    if can_convert_arrays((x, y, sample_weight)):
        return ArrayDataAdapter(
            x,
            y,
            sample_weight=sample_weight,
            class_weight=class_weight,
            shuffle=shuffle,
            batch_size=batch_size,
            steps=steps_per_epoch,
        )
    if isinstance(x, Dataset):
        _reject_unsupported_args("lamina.data.Dataset", y, sample_weight)
        _warn_shuffle_ignored(
            shuffle,
            "a lamina.data.Dataset. The Dataset is expected to already be shuffled (via "
            "`.shuffle(buffer_size)`).",
        )
        return DatasetAdapter(x, class_weight=class_weight)
    if isinstance(x, PyDataset):
        _reject_unsupported_args("PyDataset", y, sample_weight)
        if x.num_batches is None:
            _warn_shuffle_ignored(
                shuffle,
                "an infinite PyDataset. The PyDataset is expected to already be shuffled.",
            )
        return PyDatasetAdapter(x, class_weight=class_weight, shuffle=shuffle)
    if _is_iterator(x):
        _reject_unsupported_args("generator", y, sample_weight)
        if class_weight is not None:
            raise ValueError(
                "Argument `class_weight` is not supported for Python generator inputs. "
                f"Received: class_weight={class_weight}. Hint: yield "
                "(x, y, sample_weight) batches from the generator instead."
            )
        _warn_shuffle_ignored(
            shuffle, "a generator. The generator is expected to yield already-shuffled data."
        )
        return GeneratorDataAdapter(x)
    raise ValueError(
        f"Unrecognized data type: x={_short_repr(x)} (of type {type(x)}). Expected NumPy "
        "arrays, lamina Tensors, lists of numbers (or nested lists/tuples/dicts of them), "
        "a lamina.data.Dataset, a lamina.utils.PyDataset or a Python generator."
    )


def _is_iterator(x) -> bool:
    return hasattr(x, "__next__") and hasattr(x, "__iter__")


def _reject_unsupported_args(input_type: str, y, sample_weight) -> None:
    # `batch_size` is ignored, as in Keras: fit() passes it on to validation_data iterators.
    for name, value, description in (
        ("y", y, "the targets"),
        ("sample_weight", sample_weight, "the sample weights"),
    ):
        if value is not None:
            raise ValueError(
                f"When providing `x` as a {input_type}, `{name}` should not be passed. "
                f"Instead, {description} should be included as part of the {input_type}."
            )


def _warn_shuffle_ignored(shuffle, described: str) -> None:
    if shuffle:
        warnings.warn(
            "`shuffle=True` was passed, but will be ignored since the data `x` was "
            f"provided as {described}",
            stacklevel=3,
        )


def _short_repr(value) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
