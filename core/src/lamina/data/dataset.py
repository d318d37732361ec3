"""`Dataset`: the `tf.data.Dataset` API that Keras users write, on NumPy, lazily evaluated."""

from __future__ import annotations

import abc
import itertools
import numbers

from lamina.data import structure
from lamina.data.cardinality import INFINITE as INFINITE_CARDINALITY
from lamina.data.cardinality import UNKNOWN as UNKNOWN_CARDINALITY

AUTOTUNE = -1


class Dataset(abc.ABC):
    """A lazy, re-iterable sequence of elements, with `tf.data.Dataset`'s methods and semantics.

    An element is a NumPy array or a nested tuple/dict of them. Nothing is computed until
    the dataset is iterated; each iteration (`for element in dataset`, or
    `as_numpy_iterator()`) starts from the beginning and yields NumPy structures (scalar
    components as NumPy scalars), which is what `tf.data`'s `as_numpy_iterator` yields.

    Example:
        >>> ds = lamina.data.Dataset.from_tensor_slices((x, y)).shuffle(100).batch(32)
        >>> model.fit(ds, epochs=3)
    """

    @abc.abstractmethod
    def _iterate(self):
        """A fresh generator over the elements."""

    @abc.abstractmethod
    def cardinality(self) -> int:
        """The number of elements, `INFINITE_CARDINALITY` (-1) or `UNKNOWN_CARDINALITY` (-2).

        Example:
            >>> lamina.data.Dataset.range(5).batch(2).cardinality()
            3
        """

    # ---- iteration -------------------------------------------------------------------
    def __iter__(self):
        return iter(self._iterate())

    def as_numpy_iterator(self):
        """An iterator over the elements, as NumPy arrays (nested like the elements).

        Example:
            >>> list(lamina.data.Dataset.range(3).as_numpy_iterator())
            [np.int64(0), np.int64(1), np.int64(2)]
        """
        return iter(self._iterate())

    def __len__(self) -> int:
        n = self.cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError(
                "The dataset length is unknown. Hint: iterate it, or use `take()` to bound it."
            )
        return n

    def __bool__(self) -> bool:
        return True  # as tf.data: a dataset is truthy even when empty (len() may be unknown)

    @property
    def element_spec(self):
        """The `TensorSpec` structure of an element, read from the first element.

        Example:
            >>> lamina.data.Dataset.from_tensor_slices(np.zeros((4, 3))).element_spec
            TensorSpec(shape=(3,), dtype=float64, name=None)
        """
        for element in self._iterate():
            return structure.spec_of(element, batch_dim_unknown=self._batch_dim_unknown())
        raise ValueError("lamina.data.Dataset.element_spec: the dataset is empty.")

    def _batch_dim_unknown(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} cardinality={self.cardinality()}>"

    # ---- sources ---------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name: str | None = None) -> Dataset:
        """A dataset whose elements are slices of `tensors` along their first dimension.

        Args:
            tensors: an array, or a nested tuple/dict of arrays with the same first
                dimension. Python lists are arrays (floats become float32, ints int32).
            name: unused, accepted for compatibility.

        Example:
            >>> ds = lamina.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [3.0, 4.0]})
        """
        from lamina.data.sources import TensorSlicesDataset

        return TensorSlicesDataset(tensors)

    @staticmethod
    def from_tensors(tensors, name: str | None = None) -> Dataset:
        """A dataset with a single element, `tensors`.

        Example:
            >>> lamina.data.Dataset.from_tensors(np.zeros((2, 3))).cardinality()
            1
        """
        from lamina.data.sources import TensorsDataset

        return TensorsDataset(tensors)

    @staticmethod
    def from_generator(
        generator,
        output_types=None,
        output_shapes=None,
        args=None,
        output_signature=None,
        name: str | None = None,
    ) -> Dataset:
        """A dataset of the values yielded by `generator(*args)`, called anew per iteration.

        Args:
            generator: a callable returning an iterator.
            output_types: (deprecated in TF) a structure of dtypes.
            output_shapes: (deprecated in TF) a structure of shapes, with `output_types`.
            args: a tuple of arguments for `generator`.
            output_signature: a structure of `TensorSpec` the values are converted to and
                checked against; `None` takes the values as they are.
            name: unused, accepted for compatibility.

        Example:
            >>> def gen():
            ...     yield from range(3)
            >>> ds = lamina.data.Dataset.from_generator(
            ...     gen, output_signature=lamina.data.TensorSpec((), "int32"))
        """
        from lamina.data.sources import GeneratorDataset

        return GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def range(*args, output_type="int64", name: str | None = None) -> Dataset:
        """A dataset of integers, with the arguments of Python's `range`.

        Example:
            >>> list(lamina.data.Dataset.range(1, 6, 2).as_numpy_iterator())
            [np.int64(1), np.int64(3), np.int64(5)]
        """
        from lamina.data.sources import RangeDataset

        return RangeDataset(args, output_type)

    @staticmethod
    def zip(*args, datasets=None, name: str | None = None) -> Dataset:
        """Zip datasets: `zip(a, b)`, `zip((a, b))` or `zip({"x": a, "y": b})`.

        Iteration stops with the shortest dataset.

        Example:
            >>> ds = lamina.data.Dataset.zip(features_ds, labels_ds)
        """
        from lamina.data.transforms import ZipDataset

        if datasets is not None and args:
            raise TypeError(
                "lamina.data.Dataset.zip: pass the datasets either positionally or as "
                "`datasets=`, not both."
            )
        if datasets is None:
            datasets = args[0] if len(args) == 1 else args
        return ZipDataset(datasets)

    # ---- transformations -------------------------------------------------------------
    def map(
        self, map_func, num_parallel_calls=None, deterministic=None, name: str | None = None
    ) -> Dataset:
        """Apply `map_func` to each element; a tuple element is passed as separate arguments.

        Args:
            map_func: a function of the element's components; may return NumPy arrays,
                lamina Tensors or Python numbers (lists become tuples, as in tf.data).
            num_parallel_calls: `None` (sequential), an int or `AUTOTUNE`: calls run on that
                many threads, results stay in order.
            deterministic: accepted for compatibility; the order is always kept.
            name: unused, accepted for compatibility.

        Example:
            >>> ds = ds.map(lambda x, y: (x / 255.0, y), num_parallel_calls=lamina.data.AUTOTUNE)
        """
        from lamina.data.transforms import MapDataset

        return MapDataset(self, map_func, num_parallel_calls)

    def flat_map(self, map_func, name: str | None = None) -> Dataset:
        """Map each element to a dataset with `map_func` and chain those datasets.

        Example:
            >>> ds = lamina.data.Dataset.range(3).flat_map(
            ...     lambda x: lamina.data.Dataset.from_tensors(x).repeat(2))
            >>> [int(v) for v in ds]
            [0, 0, 1, 1, 2, 2]
        """
        from lamina.data.transforms import FlatMapDataset

        return FlatMapDataset(self, map_func)

    def filter(self, predicate, name: str | None = None) -> Dataset:
        """Keep the elements for which `predicate(*components)` is true.

        Example:
            >>> list(lamina.data.Dataset.range(6).filter(lambda x: x % 2 == 0))
            [np.int64(0), np.int64(2), np.int64(4)]
        """
        from lamina.data.transforms import FilterDataset

        return FilterDataset(self, predicate)

    def shuffle(
        self,
        buffer_size: int,
        seed: int | None = None,
        reshuffle_each_iteration: bool = True,
        name: str | None = None,
    ) -> Dataset:
        """Shuffle with a buffer of `buffer_size` elements (tf.data's algorithm).

        Args:
            buffer_size: elements kept in the buffer; at least the dataset size for a full
                shuffle.
            seed: makes the orders reproducible; without it they follow NumPy's global
                generator (seeded by `lamina.utils.set_random_seed`).
            reshuffle_each_iteration: a new order for each iteration (epoch), or the same.
            name: unused, accepted for compatibility.

        Example:
            >>> ds = ds.shuffle(buffer_size=1024, seed=42)
        """
        from lamina.data.shuffle import ShuffleDataset

        return ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def batch(
        self,
        batch_size: int,
        drop_remainder: bool = False,
        num_parallel_calls=None,
        deterministic=None,
        name: str | None = None,
    ) -> Dataset:
        """Stack consecutive elements into batches of `batch_size`.

        Args:
            batch_size: elements per batch.
            drop_remainder: drop the last, smaller batch.
            num_parallel_calls: accepted for compatibility.
            deterministic: accepted for compatibility.
            name: unused, accepted for compatibility.

        Example:
            >>> [b.tolist() for b in lamina.data.Dataset.range(5).batch(2)]
            [[0, 1], [2, 3], [4]]
        """
        from lamina.data.batching import BatchDataset

        return BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(
        self,
        batch_size: int,
        padded_shapes=None,
        padding_values=None,
        drop_remainder: bool = False,
        name: str | None = None,
    ) -> Dataset:
        """Batch elements of different shapes, padding each component to a common shape.

        Args:
            batch_size: elements per batch.
            padded_shapes: a structure of shapes (`None` dims pad to the longest in the
                batch); `None` pads every dimension to the longest.
            padding_values: a structure of scalars (default 0).
            drop_remainder: drop the last, smaller batch.
            name: unused, accepted for compatibility.

        Example:
            >>> ds = lamina.data.Dataset.from_generator(lambda: ([1] * n for n in (1, 3)),
            ...     output_signature=lamina.data.TensorSpec((None,), "int32"))
            >>> next(iter(ds.padded_batch(2))).tolist()
            [[1, 0, 0], [1, 1, 1]]
        """
        from lamina.data.batching import PaddedBatchDataset

        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self, name: str | None = None) -> Dataset:
        """Split each element along its first dimension into separate elements.

        Example:
            >>> lamina.data.Dataset.range(6).batch(4).unbatch().cardinality()
            -2
        """
        from lamina.data.batching import UnbatchDataset

        return UnbatchDataset(self)

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """Repeat the dataset `count` times (`None` or -1: forever).

        Example:
            >>> lamina.data.Dataset.range(3).repeat(2).cardinality()
            6
        """
        from lamina.data.transforms import RepeatDataset

        return RepeatDataset(self, _count(count, "repeat", allow_none=True))

    def take(self, count: int, name: str | None = None) -> Dataset:
        """The first `count` elements (-1: all).

        Example:
            >>> lamina.data.Dataset.range(10).repeat().take(4).cardinality()
            4
        """
        from lamina.data.transforms import TakeDataset

        return TakeDataset(self, _count(count, "take"))

    def skip(self, count: int, name: str | None = None) -> Dataset:
        """All but the first `count` elements (-1: skip all).

        Example:
            >>> lamina.data.Dataset.range(10).skip(7).cardinality()
            3
        """
        from lamina.data.transforms import SkipDataset

        return SkipDataset(self, _count(count, "skip"))

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """Keep the elements after the first complete iteration, in memory or in `filename`.

        Later iterations replay the cache instead of recomputing the elements. An
        iteration stopped early caches nothing.

        Example:
            >>> ds = ds.map(expensive_fn).cache().shuffle(100)
        """
        from lamina.data.cache import CacheDataset

        return CacheDataset(self, filename)

    def prefetch(self, buffer_size: int, name: str | None = None) -> Dataset:
        """Compute up to `buffer_size` elements ahead, on a background thread.

        Exceptions raised while computing elements reach the consumer; the thread stops
        when the iteration ends or is abandoned. `AUTOTUNE` keeps 2 elements ahead.

        Example:
            >>> ds = ds.batch(32).prefetch(lamina.data.AUTOTUNE)
        """
        from lamina.data.prefetch import PrefetchDataset

        return PrefetchDataset(self, buffer_size)

    def enumerate(self, start: int = 0, name: str | None = None) -> Dataset:
        """Pair each element with its index: `(index, element)`, index as int64.

        Example:
            >>> list(lamina.data.Dataset.from_tensor_slices([7, 8]).enumerate())
            [(np.int64(0), np.int32(7)), (np.int64(1), np.int32(8))]
        """
        from lamina.data.transforms import EnumerateDataset

        return EnumerateDataset(self, start)

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """The elements of this dataset followed by those of `dataset` (same structure).

        Example:
            >>> lamina.data.Dataset.range(2).concatenate(lamina.data.Dataset.range(3)).cardinality()
            5
        """
        from lamina.data.transforms import ConcatenateDataset

        return ConcatenateDataset(self, dataset)

    def shard(self, num_shards: int, index: int, name: str | None = None) -> Dataset:
        """Every `num_shards`-th element, starting at `index` (one worker's share).

        Example:
            >>> [int(v) for v in lamina.data.Dataset.range(7).shard(3, 1)]
            [1, 4]
        """
        from lamina.data.transforms import ShardDataset

        return ShardDataset(self, num_shards, index)

    def apply(self, transformation_func) -> Dataset:
        """Return `transformation_func(self)`, for chaining custom transformations.

        Example:
            >>> ds = ds.apply(lambda d: d.filter(lambda x: x > 0))
        """
        return transformation_func(self)

    def get_single_element(self, name: str | None = None):
        """The only element of a one-element dataset.

        Example:
            >>> lamina.data.Dataset.from_tensors(np.ones(2)).get_single_element()
            array([1., 1.])
        """
        elements = list(itertools.islice(self._iterate(), 2))
        if len(elements) != 1:
            raise ValueError(
                "lamina.data.Dataset.get_single_element: the dataset must have exactly one "
                f"element; it has {'none' if not elements else 'more than one'}."
            )
        return elements[0]

    def reduce(self, initial_state, reduce_func):
        """Fold the elements into one value: `state = reduce_func(state, element)`.

        Example:
            >>> int(lamina.data.Dataset.range(5).reduce(0, lambda s, x: s + x))
            10
        """
        state = structure.normalize(initial_state, lists_as_tuples=True)
        for element in self._iterate():
            state = structure.normalize(reduce_func(state, element), lists_as_tuples=True)
        return state


def _count(count, method: str, allow_none: bool = False) -> int:
    if count is None and allow_none:
        return -1
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < -1:
        raise ValueError(
            f"lamina.data.Dataset.{method}: `count` must be an integer >= -1"
            f"{' or None' if allow_none else ''}. Received: count={count!r}"
        )
    return int(count)
