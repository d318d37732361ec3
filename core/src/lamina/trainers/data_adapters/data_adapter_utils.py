"""Helpers shared by the data adapters: (x, y, sample_weight) packing, array checks, splits."""

from __future__ import annotations

import math
import numbers

import numpy as np

from lamina.autodiff import Tensor
from lamina.autodiff.nest import flatten, pack_like
from lamina.backend import asarray, floatx, is_array, to_numpy


def unpack_x_y_sample_weight(data) -> tuple:
    """Unpack user data of the form `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`.

    Use it when overriding `Model.train_step`, `test_step` or `predict_step`.

    Args:
        data: a tuple (or list) of 1 to 3 items, or a single `x`.

    Returns:
        `(x, y, sample_weight)`, with `None` for the items not given.

    Example:
        >>> x, y, sample_weight = lamina.utils.unpack_x_y_sample_weight((features, labels))
        >>> sample_weight is None
        True
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) == 1:
        return (data[0], None, None)
    if len(data) == 2:
        return (data[0], data[1], None)
    if len(data) == 3:
        return (data[0], data[1], data[2])
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, "
        f"or `(x, y, sample_weight)`, found a tuple of {len(data)} items: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Pack `x`, `y` and `sample_weight` into the tuple format that `Model.fit()` uses.

    Args:
        x: features.
        y: targets, or `None`.
        sample_weight: per-sample weights, or `None`.

    Returns:
        `x` alone (if it is not a tuple or list and `y` is `None`), `(x,)`, `(x, y)`
        or `(x, y, sample_weight)`.

    Example:
        >>> x, y = lamina.utils.pack_x_y_sample_weight(features, labels)
    """
    if y is None:
        # A lone non-sequence x is unambiguous; a tuple x must be wrapped so that it is
        # not read as (x, y).
        if not isinstance(x, (tuple, list)):
            return x
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def map_structure(fn, structure):
    """Apply `fn` to every leaf of a nested structure (None leaves included)."""
    return pack_like(structure, iter([fn(leaf) for leaf in flatten(structure)]))


def is_nested(structure) -> bool:
    return isinstance(structure, (list, tuple, dict))


def _is_number_list(value) -> bool:
    """True for a (nested) Python list of numbers, such as `[1, 2, 3]` or `[[0.5], [1.5]]`."""
    if not isinstance(value, list) or not value:
        return False
    return all(
        _is_number_list(item) or (isinstance(item, numbers.Number) and not is_array(item))
        for item in value
    )


def _is_array_like(leaf) -> bool:
    return (
        leaf is None
        or isinstance(leaf, (np.ndarray, Tensor))
        or is_array(leaf)
        or (hasattr(leaf, "__array__") and hasattr(leaf, "shape"))
    )


def can_convert_arrays(arrays) -> bool:
    """True if every leaf of `arrays` is an array, a Tensor, a list of numbers or None."""
    if _is_number_list(arrays):
        return True
    if isinstance(arrays, dict):
        return all(can_convert_arrays(item) for item in arrays.values())
    if isinstance(arrays, (list, tuple)):
        return all(can_convert_arrays(item) for item in arrays)
    return _is_array_like(arrays)


def leaf_to_numpy(leaf, cast_floats: bool = False):
    """Convert one leaf (array, Tensor, CuPy array, array-like) to a NumPy array.

    With `cast_floats`, floating arrays of another precision become floatx, as Keras's
    array adapter does.
    """
    if leaf is None:
        return leaf
    if isinstance(leaf, Tensor):
        leaf = leaf.numpy()
    elif is_array(leaf):
        leaf = to_numpy(leaf)
    elif isinstance(leaf, (numbers.Number, list)):
        # Python data gets Keras's dtypes: floats -> floatx, ints -> int32.
        try:
            leaf = to_numpy(asarray(leaf))
        except ValueError:
            raise ValueError(
                "A nested Python list passed as data must be rectangular (every row the same "
                f"length) to become an array. Received a ragged list: {leaf!r:.120}. Hint: pad "
                "the rows, or pass a lamina.data.Dataset with `padded_batch`."
            ) from None
    elif type(leaf) is not np.ndarray:
        leaf = np.asarray(leaf)
    if cast_floats and leaf.dtype.kind == "f" and leaf.dtype != floatx():
        leaf = leaf.astype(floatx())
    return leaf


def to_numpy_structure(arrays, cast_floats: bool = False):
    """Convert a nested structure of array-likes (lists of numbers included) to NumPy."""
    if _is_number_list(arrays):
        return leaf_to_numpy(arrays, cast_floats)
    if isinstance(arrays, dict):
        converted = {key: to_numpy_structure(value, cast_floats) for key, value in arrays.items()}
        return type(arrays)(converted) if type(arrays) is not dict else converted
    if isinstance(arrays, (list, tuple)):
        items = [to_numpy_structure(item, cast_floats) for item in arrays]
        if hasattr(arrays, "_fields"):  # namedtuple
            return type(arrays)(*items)
        return type(arrays)(items)
    return leaf_to_numpy(arrays, cast_floats)


def _batch_size_of(array) -> int:
    if array.ndim == 0:
        raise ValueError(
            "Every array passed to a lamina model must have a batch (first) dimension. "
            f"Received a scalar array: {array!r}. Hint: reshape it to shape (1,)."
        )
    return int(array.shape[0])


def check_data_cardinality(data) -> int:
    """Check that every array in `data` (an `(x, y, sample_weight)` pack) has as many samples.

    Returns:
        The common number of samples.
    """
    sizes = {_batch_size_of(a) for a in flatten(data) if a is not None}
    if len(sizes) > 1:
        parts = data if isinstance(data, tuple) else (data,)
        lines = []
        for label, single in zip(["x", "y", "sample_weight"], parts):
            shown = ", ".join(str(_batch_size_of(a)) for a in flatten(single) if a is not None)
            if shown:  # a part given as None (no y, no sample_weight) has nothing to show
                lines.append(f"'{label}' sizes: {shown}")
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number "
            "of samples. " + "; ".join(lines)
        )
    if not sizes:
        raise ValueError("Expected at least one array in the data, received only None values.")
    return sizes.pop()


def class_weight_to_sample_weights(y, class_weight: dict) -> np.ndarray:
    """Per-sample weights from a `{class_index: weight}` dict (classes absent weigh 1.0).

    One-hot `y` (last dimension > 1) is read with argmax; `y` of shape `(n, 1)` is squeezed.

    Example:
        >>> class_weight_to_sample_weights(np.array([0, 1, 1]), {0: 1.0, 1: 0.5})
        array([1. , 0.5, 0.5], dtype=float32)
    """
    if not isinstance(class_weight, dict):
        raise ValueError(
            "`class_weight` must be a dict mapping class indices (integers) to weights. "
            f"Received: class_weight={class_weight!r} (of type {type(class_weight).__name__})"
        )
    if y is None:
        raise ValueError(
            "`class_weight` needs targets `y` to compute per-sample weights, but y=None."
        )
    labels = leaf_to_numpy(y)
    sample_weight = np.ones((labels.shape[0],), dtype=floatx())
    if labels.ndim > 1:
        labels = np.argmax(labels, axis=-1) if labels.shape[-1] != 1 else labels[..., 0]
    labels = np.round(labels).astype("int32")
    for i, label in enumerate(labels.reshape(labels.shape[0], -1)[:, 0]):
        sample_weight[i] = class_weight.get(int(label), 1.0)
    return sample_weight


def train_validation_split(arrays, validation_split: float):
    """Split arrays into training and validation parts; the last samples are the validation.

    Args:
        arrays: a nested structure of arrays (e.g. `(x, y, sample_weight)`), None allowed.
        validation_split: float in (0, 1), the fraction kept for validation.

    Returns:
        `(train_arrays, validation_arrays)`, NumPy arrays in the same structure (floats
        as floatx, as Keras).

    Example:
        >>> (x_train, y_train), (x_val, y_val) = train_validation_split((x, y), 0.2)
    """
    if not can_convert_arrays(arrays):
        bad = sorted(
            {type(leaf).__name__ for leaf in flatten(arrays) if not can_convert_arrays(leaf)}
        )
        raise ValueError(
            "Argument `validation_split` is only supported for tensors or NumPy arrays. "
            f"Found incompatible type in the input: {bad}. Hint: pass `validation_data` "
            "instead for datasets and generators."
        )
    if not isinstance(validation_split, numbers.Real) or not 0.0 < validation_split < 1.0:
        raise ValueError(
            "`validation_split` must be a float strictly between 0 and 1. "
            f"Received: validation_split={validation_split!r}"
        )
    arrays = to_numpy_structure(arrays, cast_floats=True)
    leaves = [leaf for leaf in flatten(arrays) if leaf is not None]
    if not leaves:
        return arrays, arrays
    batch_dim = _batch_size_of(leaves[0])
    split_at = math.floor(batch_dim * (1.0 - validation_split))
    if split_at == 0 or split_at == batch_dim:
        raise ValueError(
            f"Training data contains {batch_dim} samples, which is not sufficient to split "
            "it into a validation and training set as specified by "
            f"`validation_split={validation_split}`. Either provide more data, or a "
            "different value for the `validation_split` argument."
        )

    def split(start, stop):
        return map_structure(lambda a: None if a is None else a[start:stop], arrays)

    return split(0, split_at), split(split_at, batch_dim)


def batch_to_numpy(batch):
    """Convert the leaves of one batch (Tensors, CuPy arrays, lists of numbers) to NumPy."""
    return to_numpy_structure(batch)


def apply_class_weight(batch, class_weight: dict, source: str):
    """Add per-sample weights computed from `class_weight` to an `(x, y)` batch."""
    x, y, sample_weight = unpack_x_y_sample_weight(batch)
    if sample_weight is not None:
        raise ValueError(
            f"You cannot pass `class_weight` and `sample_weight` at the same time: the "
            f"{source} already yields sample weights."
        )
    if is_nested(y):
        raise ValueError(
            "`class_weight` is only supported for Models with a single output. "
            f"The {source} yields y of type {type(y).__name__}."
        )
    return (x, y, class_weight_to_sample_weights(y, class_weight))
