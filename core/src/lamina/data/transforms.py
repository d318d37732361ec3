"""Element-wise and sequencing transformations: map, filter, zip, concatenate, repeat, take..."""

from __future__ import annotations

import collections
import itertools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from lamina.autodiff.nest import flatten, pack_like
from lamina.data import cardinality, structure
from lamina.data.dataset import AUTOTUNE, Dataset


def call_with_element(fn, element):
    """Call `fn` as tf.data does: a tuple element is unpacked into positional arguments."""
    if type(element) is tuple:
        return fn(*element)
    return fn(element)


class MapDataset(Dataset):
    """`Dataset.map`: `map_func` applied to each element, optionally on a thread pool."""

    def __init__(self, input_dataset: Dataset, map_func, num_parallel_calls):
        if not callable(map_func):
            raise TypeError(
                f"lamina.data.Dataset.map: `map_func` must be callable. Received: {map_func!r}"
            )
        self._input = input_dataset
        self._fn = map_func
        self._workers = _num_workers(num_parallel_calls)

    def _apply(self, element):
        return structure.normalize(call_with_element(self._fn, element), lists_as_tuples=True)

    def _iterate(self):
        if self._workers <= 1:
            for element in self._input._iterate():
                yield self._apply(element)
            return
        # Results are yielded in input order; at most 2 * workers calls are in flight.
        with ThreadPoolExecutor(self._workers, thread_name_prefix="lamina-data-map") as pool:
            pending = collections.deque()
            for element in self._input._iterate():
                pending.append(pool.submit(self._apply, element))
                if len(pending) >= 2 * self._workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def cardinality(self) -> int:
        return self._input.cardinality()

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()


def _num_workers(num_parallel_calls) -> int:
    if num_parallel_calls is None:
        return 1
    if num_parallel_calls == AUTOTUNE:
        return min(8, os.cpu_count() or 1)
    if isinstance(num_parallel_calls, bool) or not isinstance(num_parallel_calls, int):
        raise ValueError(
            "lamina.data.Dataset.map: `num_parallel_calls` must be None, a positive int or "
            f"lamina.data.AUTOTUNE. Received: {num_parallel_calls!r}"
        )
    if num_parallel_calls < 1:
        raise ValueError(
            "lamina.data.Dataset.map: `num_parallel_calls` must be positive or AUTOTUNE. "
            f"Received: {num_parallel_calls}"
        )
    return num_parallel_calls


class FilterDataset(Dataset):
    """`Dataset.filter`: the elements for which the predicate is true."""

    def __init__(self, input_dataset: Dataset, predicate):
        if not callable(predicate):
            raise TypeError(
                f"lamina.data.Dataset.filter: `predicate` must be callable. Received: {predicate!r}"
            )
        self._input = input_dataset
        self._predicate = predicate

    def _iterate(self):
        for element in self._input._iterate():
            keep = structure.to_array(call_with_element(self._predicate, element))
            if keep.ndim != 0 or keep.dtype != np.bool_:
                raise ValueError(
                    "lamina.data.Dataset.filter: `predicate` must return a scalar boolean. "
                    f"Received a value of shape {keep.shape} and dtype {keep.dtype}."
                )
            if keep:
                yield element

    def cardinality(self) -> int:
        return cardinality.UNKNOWN

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()


class ZipDataset(Dataset):
    """`Dataset.zip`: elements of several datasets side by side, until the shortest ends."""

    def __init__(self, datasets):
        leaves = flatten(datasets)
        if not leaves or not all(isinstance(d, Dataset) for d in leaves):
            raise TypeError(
                "lamina.data.Dataset.zip expects datasets, or a (nested) tuple/dict of "
                f"datasets. Received: {datasets!r:.300}"
            )
        self._datasets = datasets
        self._leaves = leaves

    def _iterate(self):
        for elements in zip(*(d._iterate() for d in self._leaves)):
            yield pack_like(self._datasets, iter(elements))

    def cardinality(self) -> int:
        return cardinality.zipped([d.cardinality() for d in self._leaves])


class ConcatenateDataset(Dataset):
    """`Dataset.concatenate`: one dataset after the other."""

    def __init__(self, first: Dataset, second: Dataset):
        if not isinstance(second, Dataset):
            raise TypeError(
                "lamina.data.Dataset.concatenate expects a lamina.data.Dataset. "
                f"Received: {type(second).__name__}"
            )
        self._first = first
        self._second = second

    def _iterate(self):
        reference = None
        for element in itertools.chain(self._first._iterate(), self._second._iterate()):
            if reference is None:
                reference = element
            elif not structure.same_structure(reference, element):
                raise TypeError(
                    "lamina.data.Dataset.concatenate: the two datasets have different element "
                    "structures."
                )
            yield element

    def cardinality(self) -> int:
        return cardinality.concatenated(self._first.cardinality(), self._second.cardinality())


class RepeatDataset(Dataset):
    """`Dataset.repeat`: `count` passes over the input (-1: forever)."""

    def __init__(self, input_dataset: Dataset, count: int):
        self._input = input_dataset
        self._count = count

    def _iterate(self):
        passes = itertools.count() if self._count < 0 else range(self._count)
        for _ in passes:
            empty = True
            for element in self._input._iterate():
                empty = False
                yield element
            if empty:  # repeating an empty dataset forever would never yield
                return

    def cardinality(self) -> int:
        return cardinality.repeated(self._input.cardinality(), self._count)

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()


class TakeDataset(Dataset):
    """`Dataset.take`: the first `count` elements (-1: all)."""

    def __init__(self, input_dataset: Dataset, count: int):
        self._input = input_dataset
        self._count = count

    def _iterate(self):
        iterator = self._input._iterate()
        if self._count >= 0:
            iterator = itertools.islice(iterator, self._count)
        yield from iterator

    def cardinality(self) -> int:
        return cardinality.taken(self._input.cardinality(), self._count)

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()


class SkipDataset(Dataset):
    """`Dataset.skip`: all but the first `count` elements (-1: none)."""

    def __init__(self, input_dataset: Dataset, count: int):
        self._input = input_dataset
        self._count = count

    def _iterate(self):
        if self._count < 0:
            return
        yield from itertools.islice(self._input._iterate(), self._count, None)

    def cardinality(self) -> int:
        return cardinality.skipped(self._input.cardinality(), self._count)

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()


class EnumerateDataset(Dataset):
    """`Dataset.enumerate`: `(index, element)` pairs, index an int64 from `start`."""

    def __init__(self, input_dataset: Dataset, start: int):
        self._input = input_dataset
        self._start = int(start)

    def _iterate(self):
        for i, element in enumerate(self._input._iterate(), start=self._start):
            yield (np.int64(i), element)

    def cardinality(self) -> int:
        return self._input.cardinality()


class FlatMapDataset(Dataset):
    """`Dataset.flat_map`: each element mapped to a dataset, the datasets chained."""

    def __init__(self, input_dataset: Dataset, map_func):
        if not callable(map_func):
            raise TypeError(
                f"lamina.data.Dataset.flat_map: `map_func` must be callable. Received: {map_func!r}"
            )
        self._input = input_dataset
        self._fn = map_func

    def _iterate(self):
        for element in self._input._iterate():
            inner = call_with_element(self._fn, element)
            if not isinstance(inner, Dataset):
                raise TypeError(
                    "lamina.data.Dataset.flat_map: `map_func` must return a "
                    f"lamina.data.Dataset. Received: {type(inner).__name__}"
                )
            yield from inner._iterate()

    def cardinality(self) -> int:
        return cardinality.UNKNOWN


class ShardDataset(Dataset):
    """`Dataset.shard`: the elements whose position is `index` modulo `num_shards`."""

    def __init__(self, input_dataset: Dataset, num_shards: int, index: int):
        if isinstance(num_shards, bool) or not isinstance(num_shards, int) or num_shards < 1:
            raise ValueError(
                "lamina.data.Dataset.shard: `num_shards` must be a positive integer. "
                f"Received: num_shards={num_shards!r}"
            )
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < num_shards:
            raise ValueError(
                f"lamina.data.Dataset.shard: `index` must be an integer in [0, {num_shards}). "
                f"Received: index={index!r}"
            )
        self._input = input_dataset
        self._num_shards = num_shards
        self._index = index

    def _iterate(self):
        yield from itertools.islice(self._input._iterate(), self._index, None, self._num_shards)

    def cardinality(self) -> int:
        return cardinality.sharded(self._input.cardinality(), self._num_shards, self._index)

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()
