"""Batching transformations: batch, padded_batch, unbatch."""

from __future__ import annotations

import numbers

import numpy as np

from lamina.autodiff.nest import flatten, pack_like
from lamina.data import cardinality, structure
from lamina.data.dataset import Dataset


def _check_batch_size(batch_size, method: str) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(
            f"lamina.data.Dataset.{method}: `batch_size` must be an integer. "
            f"Received: batch_size={batch_size!r}"
        )
    if batch_size < 1:
        raise ValueError(
            f"lamina.data.Dataset.{method}: `batch_size` must be positive. "
            f"Received: batch_size={batch_size}"
        )
    return int(batch_size)


class _Batcher(Dataset):
    """Groups consecutive elements; subclasses say how a group becomes one batch."""

    _method = "batch"

    def __init__(self, input_dataset: Dataset, batch_size: int, drop_remainder: bool):
        self._input = input_dataset
        self._batch_size = _check_batch_size(batch_size, self._method)
        self._drop_remainder = bool(drop_remainder)

    def _combine(self, elements: list):
        return structure.stack(elements, self._method)

    def _iterate(self):
        group = []
        for element in self._input._iterate():
            group.append(element)
            if len(group) == self._batch_size:
                yield self._combine(group)
                group = []
        if group and not self._drop_remainder:
            yield self._combine(group)

    def cardinality(self) -> int:
        return cardinality.batched(
            self._input.cardinality(), self._batch_size, self._drop_remainder
        )

    def _batch_dim_unknown(self) -> bool:
        return not self._drop_remainder


class BatchDataset(_Batcher):
    """`Dataset.batch`: consecutive elements stacked along a new first dimension."""


class PaddedBatchDataset(_Batcher):
    """`Dataset.padded_batch`: like batch, padding components to a common shape first."""

    _method = "padded_batch"

    def __init__(self, input_dataset, batch_size, padded_shapes, padding_values, drop_remainder):
        super().__init__(input_dataset, batch_size, drop_remainder)
        self._padded_shapes = padded_shapes
        self._padding_values = padding_values

    def _per_leaf(self, values, first, what: str) -> list:
        count = len(flatten(first))
        if what == "padded_shapes":
            leaves = [None] * count if values is None else _flatten_shapes(values)
        elif isinstance(values, (tuple, list, dict)):
            leaves = flatten(values)
        else:
            leaves = [values] * count  # one padding value (or None: zeros) for all
        if len(leaves) != count:
            raise ValueError(
                f"lamina.data.Dataset.padded_batch: `{what}` must have the structure of the "
                f"elements ({count} components). Received: {values}"
            )
        return leaves

    def _combine(self, elements: list):
        first = elements[0]
        shapes = self._per_leaf(self._padded_shapes, first, "padded_shapes")
        pads = self._per_leaf(self._padding_values, first, "padding_values")
        columns = zip(*(flatten(e) for e in elements))
        batched = [
            _pad_and_stack(column, shape, pad) for column, shape, pad in zip(columns, shapes, pads)
        ]
        return pack_like(first, iter(batched))


def _is_shape(value) -> bool:
    return isinstance(value, (tuple, list)) and all(
        d is None or isinstance(d, numbers.Integral) for d in value
    )


def _flatten_shapes(shapes) -> list:
    if _is_shape(shapes) or shapes is None:
        return [shapes]
    if isinstance(shapes, dict):
        return [s for key in sorted(shapes) for s in _flatten_shapes(shapes[key])]
    return [s for item in shapes for s in _flatten_shapes(item)]


def _pad_and_stack(column, padded_shape, padding_value) -> np.ndarray:
    ranks = {np.ndim(leaf) for leaf in column}
    if len(ranks) > 1:
        raise ValueError(
            "lamina.data.Dataset.padded_batch: components must have the same rank to be "
            f"padded; received ranks {sorted(ranks)}."
        )
    longest = np.max([np.shape(leaf) for leaf in column], axis=0).astype(int).tolist()
    target = list(longest)
    if padded_shape is not None:
        if len(padded_shape) != len(target):
            raise ValueError(
                f"lamina.data.Dataset.padded_batch: padded shape {tuple(padded_shape)} does not "
                f"have the rank of the components ({len(target)})."
            )
        for axis, dim in enumerate(padded_shape):
            if dim is None:
                continue
            if dim < longest[axis]:
                raise ValueError(
                    f"lamina.data.Dataset.padded_batch: a component has size {longest[axis]} "
                    f"in dimension {axis}, larger than the padded shape {tuple(padded_shape)}."
                )
            target[axis] = int(dim)
    dtype = np.result_type(*[np.asarray(leaf).dtype for leaf in column])
    out = np.full((len(column), *target), 0 if padding_value is None else padding_value, dtype)
    for i, leaf in enumerate(column):
        out[(i, *(slice(0, n) for n in np.shape(leaf)))] = leaf
    return out


class UnbatchDataset(Dataset):
    """`Dataset.unbatch`: each element split along its first dimension."""

    def __init__(self, input_dataset: Dataset):
        self._input = input_dataset

    def _iterate(self):
        for element in self._input._iterate():
            for i in range(structure.num_rows(element, "unbatch")):
                yield structure.row(element, i)

    def cardinality(self) -> int:
        return cardinality.UNKNOWN
