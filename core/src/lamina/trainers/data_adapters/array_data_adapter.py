"""`ArrayDataAdapter`: batches of in-memory arrays (NumPy, lamina Tensors, lists of numbers)."""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from lamina.autodiff.nest import flatten
from lamina.trainers.data_adapters import data_adapter_utils as utils
from lamina.trainers.data_adapters.data_adapter import DataAdapter


class ArrayDataAdapter(DataAdapter):
    """Slice in-memory arrays into batches, optionally shuffled, as Keras's array adapter.

    Floating arrays are converted to floatx once, at construction, as Keras does.

    Args:
        x: array-like or nested list/tuple/dict of array-likes.
        y: targets, same kinds as `x`, or `None`.
        sample_weight: per-sample weights (one array, or one per output of `y`), or `None`.
        batch_size: samples per batch; defaults to `ceil(num_samples / steps)` when `steps`
            is given, else 32.
        steps: number of batches per epoch, used only to derive `batch_size`.
        shuffle: `True` (new permutation each epoch), `False`, or `"batch"` (shuffle within
            each batch only).
        class_weight: `{class_index: weight}` turned into `sample_weight`.

    Example:
        >>> adapter = ArrayDataAdapter(np.ones((10, 3)), np.zeros((10,)), batch_size=4)
        >>> [x.shape[0] for x, y in adapter.get_numpy_iterator()]
        [4, 4, 2]
    """

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size: int | None = None,
        steps: int | None = None,
        shuffle: bool | str = False,
        class_weight: dict | None = None,
    ):
        if not utils.can_convert_arrays((x, y, sample_weight)):
            raise ValueError(
                "ArrayDataAdapter expected all elements of `x`, `y` and `sample_weight` to be "
                "array-like (NumPy arrays, lamina Tensors, lists of numbers). "
                f"Received: x of type {type(x).__name__}"
            )
        if shuffle not in (True, False, "batch"):
            raise ValueError(
                f"`shuffle` must be True, False or 'batch'. Received: shuffle={shuffle!r}"
            )
        if batch_size is not None and (
            not isinstance(batch_size, numbers.Integral) or batch_size < 1
        ):
            raise ValueError(
                f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
            )
        x, y, sample_weight = utils.to_numpy_structure((x, y, sample_weight), cast_floats=True)
        if sample_weight is not None:
            if class_weight is not None:
                raise ValueError(
                    "You cannot pass `class_weight` and `sample_weight` at the same time. "
                    "Hint: fold the class weights into `sample_weight`."
                )
            sample_weight = _match_sample_weight_to_y(y, sample_weight)
        if class_weight is not None:
            if utils.is_nested(y):
                raise ValueError(
                    "`class_weight` is only supported for Models with a single output. "
                    f"Received y of type {type(y).__name__}. Hint: pass one "
                    "`sample_weight` array per output instead."
                )
            sample_weight = utils.class_weight_to_sample_weights(y, class_weight)

        inputs = utils.pack_x_y_sample_weight(x, y, sample_weight)
        num_samples = utils.check_data_cardinality((x, y, sample_weight) if y is not None else (x,))
        if not batch_size:
            batch_size = math.ceil(num_samples / steps) if steps else 32
        self._inputs = inputs
        self._num_samples = num_samples
        self._batch_size = int(batch_size)
        self._size = math.ceil(num_samples / self._batch_size)
        self._partial_batch_size = num_samples % self._batch_size
        self._shuffle = shuffle

    def get_numpy_iterator(self):
        return self._iterate()

    def _iterate(self):
        # NumPy's global generator, as Keras: `set_random_seed` makes the order reproducible.
        permutation = None
        if self._shuffle and self._shuffle != "batch":
            permutation = np.random.permutation(self._num_samples)
        for i in range(self._size):
            start = i * self._batch_size
            stop = min(start + self._batch_size, self._num_samples)
            if self._shuffle == "batch":
                indices = np.random.permutation(stop - start) + start
            elif permutation is not None:
                indices = permutation[start:stop]
            else:
                indices = slice(start, stop)
            yield utils.map_structure(functools.partial(_take, indices=indices), self._inputs)

    @property
    def num_batches(self) -> int:
        return self._size

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def has_partial_batch(self) -> bool:
        return self._partial_batch_size > 0

    @property
    def partial_batch_size(self) -> int | None:
        return self._partial_batch_size or None


def _take(array, indices):
    return None if array is None else array[indices]


def _match_sample_weight_to_y(y, sample_weight):
    """One sample_weight per output of a nested `y` (a single 1-D array is replicated)."""
    if not utils.is_nested(y):
        return sample_weight
    if utils.is_nested(sample_weight):
        if len(flatten(sample_weight)) != len(flatten(y)) or type(sample_weight) is not type(y):
            raise ValueError(
                "You should provide one `sample_weight` array per output in `y`. The two "
                f"structures did not match: y has {len(flatten(y))} arrays "
                f"({type(y).__name__}), sample_weight has {len(flatten(sample_weight))} "
                f"({type(sample_weight).__name__})."
            )
        return sample_weight
    samplewise = sample_weight.ndim == 1 or (
        sample_weight.ndim == 2 and sample_weight.shape[1] == 1
    )
    if not samplewise:
        raise ValueError(
            "For a model with multiple outputs, when providing a single `sample_weight` "
            "array, it should only have one scalar score per sample (i.e. shape "
            f"`(num_samples,)`). Received shape {sample_weight.shape}. If you want to use "
            "non-scalar sample weights, pass a `sample_weight` argument with one array per "
            "model output."
        )
    return utils.map_structure(lambda _: sample_weight, y)
