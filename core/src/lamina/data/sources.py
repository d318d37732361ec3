"""Datasets that create elements: from arrays, from a generator, from a range."""

from __future__ import annotations

import numpy as np

from lamina.autodiff.nest import flatten, pack_like
from lamina.data import structure
from lamina.data.dataset import UNKNOWN_CARDINALITY, Dataset


class TensorSlicesDataset(Dataset):
    """Slices of arrays along their first dimension (`Dataset.from_tensor_slices`)."""

    def __init__(self, tensors):
        self._tensors = structure.normalize(tensors)
        self._size = structure.num_rows(self._tensors, "from_tensor_slices")

    def _iterate(self):
        for i in range(self._size):
            yield structure.row(self._tensors, i)

    def cardinality(self) -> int:
        return self._size


class TensorsDataset(Dataset):
    """One element (`Dataset.from_tensors`)."""

    def __init__(self, tensors):
        self._tensors = structure.normalize(tensors)

    def _iterate(self):
        yield self._tensors

    def cardinality(self) -> int:
        return 1


class RangeDataset(Dataset):
    """Integers as Python's `range` (`Dataset.range`)."""

    def __init__(self, args: tuple, output_type):
        try:
            self._range = range(*args)
        except TypeError as error:
            raise TypeError(
                f"lamina.data.Dataset.range expects 1 to 3 integers (stop, or start, stop[, "
                f"step]), as Python's range. Received: {args}. ({error})"
            ) from None
        self._dtype = np.dtype(getattr(output_type, "name", output_type))

    def _iterate(self):
        for value in self._range:
            yield self._dtype.type(value)

    def cardinality(self) -> int:
        return len(self._range)


class GeneratorDataset(Dataset):
    """The values of `generator(*args)`, called anew per iteration (`Dataset.from_generator`)."""

    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError(
                "lamina.data.Dataset.from_generator: `generator` must be a Python callable "
                f"that returns an iterator. Received: {generator!r} of type "
                f"{type(generator).__name__}. Hint: pass the generator function, not the "
                "generator object (`gen`, not `gen()`)."
            )
        if output_signature is not None and (output_types is not None or output_shapes is not None):
            raise TypeError(
                "lamina.data.Dataset.from_generator: `output_signature` cannot be combined "
                "with the deprecated `output_types` / `output_shapes`."
            )
        if output_shapes is not None and output_types is None:
            raise TypeError(
                "lamina.data.Dataset.from_generator: `output_shapes` needs `output_types`."
            )
        self._generator = generator
        self._args = tuple(args) if args is not None else ()
        if output_signature is not None:
            self._signature = structure.map_structure(_as_spec, output_signature)
        elif output_types is not None:
            self._signature = _signature_from_types(output_types, output_shapes)
        else:
            self._signature = None

    def _iterate(self):
        source = "lamina.data.Dataset.from_generator"
        for value in self._generator(*self._args):
            if self._signature is None:
                yield structure.normalize(value)
            else:
                yield structure.cast_to_spec(value, self._signature, source)

    def cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    @property
    def element_spec(self):
        """The `output_signature` when one was given, else read from the first element."""
        if self._signature is not None:
            return self._signature
        return super().element_spec


def _as_spec(spec) -> structure.TensorSpec:
    """A lamina TensorSpec from any spec with `shape` and `dtype` (a `tf.TensorSpec` too)."""
    if isinstance(spec, structure.TensorSpec):
        return spec
    if not hasattr(spec, "shape") or not hasattr(spec, "dtype"):
        raise TypeError(
            "lamina.data.Dataset.from_generator: `output_signature` must be a structure of "
            f"lamina.data.TensorSpec. Received: {spec!r}"
        )
    shape = None if spec.shape is None else list(spec.shape)
    return structure.TensorSpec(shape, getattr(spec.dtype, "name", spec.dtype))


def _signature_from_types(output_types, output_shapes):
    types = flatten(output_types)
    shapes = [None] * len(types) if output_shapes is None else _flatten_shapes(output_shapes)
    if len(shapes) != len(types):
        raise ValueError(
            "lamina.data.Dataset.from_generator: `output_shapes` and `output_types` have "
            f"different structures ({len(shapes)} shapes, {len(types)} types)."
        )
    specs = [
        structure.TensorSpec(shape, getattr(dtype, "name", dtype))
        for dtype, shape in zip(types, shapes)
    ]
    return pack_like(output_types, iter(specs))


def _flatten_shapes(shapes) -> list:
    # A shape is a tuple/list of ints or None; a structure of shapes nests tuples of those.
    if shapes is None or (
        isinstance(shapes, (tuple, list))
        and all(d is None or isinstance(d, (int, np.integer)) for d in shapes)
    ):
        return [shapes]
    if isinstance(shapes, dict):
        return [s for key in sorted(shapes) for s in _flatten_shapes(shapes[key])]
    return [s for item in shapes for s in _flatten_shapes(item)]
