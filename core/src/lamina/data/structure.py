"""Dataset elements: nested tuples/dicts of NumPy arrays; conversion, stacking and specs."""

from __future__ import annotations

import numpy as np

from lamina.autodiff import Tensor
from lamina.autodiff.nest import flatten, pack_like
from lamina.backend import floatx, is_array, standardize_dtype, to_numpy


class TensorSpec:
    """The shape and dtype of one component of a dataset element (as `tf.TensorSpec`).

    Args:
        shape: a tuple of ints, with `None` for unknown dimensions.
        dtype: a dtype name (`"float32"`), NumPy dtype, or `None` to accept any.
        name: an optional name.

    Example:
        >>> spec = lamina.data.TensorSpec(shape=(None, 3), dtype="float32")
        >>> spec.is_compatible_with(np.zeros((5, 3), "float32"))
        True
    """

    def __init__(self, shape, dtype="float32", name: str | None = None):
        self.shape = None if shape is None else tuple(None if d is None else int(d) for d in shape)
        self.dtype = None if dtype is None else standardize_dtype(np.dtype(dtype))
        self.name = name

    def is_compatible_with(self, value) -> bool:
        """Whether an array (or spec) has a shape and dtype this spec accepts."""
        shape, dtype = tuple(value.shape), getattr(value, "dtype", None)
        if self.shape is not None and shape is not None:
            if len(shape) != len(self.shape):
                return False
            if any(a is not None and b is not None and a != b for a, b in zip(self.shape, shape)):
                return False
        if self.dtype is not None and dtype is not None:
            return standardize_dtype(np.dtype(dtype)) == self.dtype
        return True

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, TensorSpec)
            and self.shape == other.shape
            and self.dtype == other.dtype
            and self.name == other.name
        )

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.name))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype}, name={self.name!r})"


def map_structure(fn, structure):
    """Apply `fn` to each leaf of an element."""
    return pack_like(structure, iter([fn(leaf) for leaf in flatten(structure)]))


def to_array(value, dtype=None):
    """One component as a NumPy array; Python numbers get TF's dtypes (float32, int32)."""
    if isinstance(value, Tensor):
        value = value.numpy()
    elif is_array(value):
        value = to_numpy(value)
    elif dtype is None and not hasattr(value, "dtype"):
        kind = np.asarray(value).dtype.kind
        dtype = floatx() if kind == "f" else "int32" if kind in "iu" else None
    try:
        array = np.asarray(value, dtype=dtype)
    except (ValueError, TypeError):
        array = np.asarray(value, dtype=object)
    if array.dtype == object:
        raise TypeError(
            "lamina.data: a dataset component must be array-like with one dtype. "
            f"Received a ragged or mixed value: {value!r:.200}"
        )
    # Scalars as NumPy scalars, as tf.data's as_numpy_iterator yields them.
    return array[()] if array.ndim == 0 else array


def normalize(element, lists_as_tuples: bool = False):
    """Convert an element to tuples/dicts of NumPy arrays.

    Lists are components (stacked into one array) as in `tf.data`, except for what a
    `map` function returns, where they become tuples (`lists_as_tuples=True`).
    """
    if isinstance(element, dict):
        items = {k: normalize(v, lists_as_tuples) for k, v in element.items()}
        return items if type(element) is dict else type(element)(items)
    if isinstance(element, tuple) or (lists_as_tuples and isinstance(element, list)):
        items = [normalize(v, lists_as_tuples) for v in element]
        if hasattr(element, "_fields"):  # namedtuple
            return type(element)(*items)
        return tuple(items)
    return to_array(element)


def same_structure(a, b) -> bool:
    """Whether two elements have the same nesting (types, dict keys, lengths)."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict) and set(a) == set(b) and all(same_structure(a[k], b[k]) for k in a)
        )
    if isinstance(a, tuple):
        return (
            isinstance(b, tuple)
            and len(a) == len(b)
            and all(same_structure(x, y) for x, y in zip(a, b))
        )
    return not isinstance(b, (dict, tuple))


def num_rows(element, what: str) -> int:
    """The common first dimension of every component of `element`."""
    sizes = []
    for leaf in flatten(element):
        if leaf.ndim == 0:
            raise ValueError(
                f"lamina.data.Dataset.{what}: every component needs a first dimension to "
                f"slice or unbatch, but one is a scalar (shape ()): {leaf!r}"
            )
        sizes.append(leaf.shape[0])
    if len(set(sizes)) > 1:
        raise ValueError(
            f"lamina.data.Dataset.{what}: all components must have the same size in their "
            f"first dimension. Received sizes {sizes}."
        )
    return sizes[0] if sizes else 0


def row(element, index):
    """The `index`-th slice along the first dimension of every component."""
    return map_structure(lambda leaf: leaf[index], element)


def stack(elements: list, what: str = "batch"):
    """Stack a list of same-structure elements into one element with a leading dimension."""
    first = elements[0]
    for i, element in enumerate(elements[1:], start=1):
        if not same_structure(first, element):
            raise ValueError(
                f"lamina.data.Dataset.{what}: elements have different structures: "
                f"element 0 is {_structure_repr(first)} and element {i} is "
                f"{_structure_repr(element)}."
            )
    stacked = []
    for component, column in enumerate(zip(*(flatten(e) for e in elements))):
        shapes = {leaf.shape for leaf in column}
        if len(shapes) > 1:
            shapes_seen = [leaf.shape for leaf in column]
            raise ValueError(
                f"lamina.data.Dataset.{what}: cannot batch tensors with different shapes in "
                f"component {component}. First element had shape {shapes_seen[0]} and a later "
                f"one had shape {next(s for s in shapes_seen if s != shapes_seen[0])}. Hint: "
                "use `padded_batch` or `ragged` inputs of the same shape."
            )
        stacked.append(np.stack(column))
    return pack_like(first, iter(stacked))


def spec_of(element, batch_dim_unknown: bool = False):
    """The `TensorSpec` structure of an element."""

    def leaf_spec(leaf):
        shape = tuple(leaf.shape)
        if batch_dim_unknown and shape:
            shape = (None, *shape[1:])
        return TensorSpec(shape, leaf.dtype)

    return map_structure(leaf_spec, element)


def cast_to_spec(element, spec, source: str):
    """Convert a generator's output to the structure and dtypes of `output_signature`."""
    if isinstance(spec, dict):
        if not isinstance(element, dict) or set(element) != set(spec):
            raise _mismatch(element, spec, source)
        return {key: cast_to_spec(element[key], value, source) for key, value in spec.items()}
    if isinstance(spec, tuple):
        if not isinstance(element, (tuple, list)) or len(element) != len(spec):
            raise _mismatch(element, spec, source)
        return tuple(cast_to_spec(e, s, source) for e, s in zip(element, spec))
    array = to_array(element, dtype=spec.dtype)
    if not spec.is_compatible_with(array):
        raise TypeError(
            f"{source}: yielded an element of shape {array.shape} and dtype {array.dtype} where "
            f"{spec} was expected."
        )
    return array


def _mismatch(element, spec, source: str) -> TypeError:
    return TypeError(
        f"{source}: the yielded value {_structure_repr(element)} does not match the "
        f"structure of output_signature {spec}."
    )


def _structure_repr(element) -> str:
    if isinstance(element, dict):
        return "{" + ", ".join(f"{k!r}: {_structure_repr(v)}" for k, v in element.items()) + "}"
    if isinstance(element, (tuple, list)):
        return "(" + ", ".join(_structure_repr(v) for v in element) + ")"
    return "array" if hasattr(element, "shape") else type(element).__name__
