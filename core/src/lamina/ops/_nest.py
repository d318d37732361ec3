"""Nested structures of tensors: dicts (by sorted key), lists, tuples, namedtuples.

None is a leaf. Used by the control flow ops, custom_gradient and jvp. Flattening and
packing are GradientTape's own, so structures nest here as they do for `gradient`.
"""

from __future__ import annotations

from lamina.autodiff import Tensor
from lamina.autodiff.nest import flatten as _flatten
from lamina.autodiff.nest import pack_like as _pack
from lamina.backend import asarray


def _to_tensor(x):
    if x is None or isinstance(x, Tensor):
        return x
    return Tensor(asarray(x))


def _tensors(structure):
    return _pack(structure, iter([_to_tensor(x) for x in _flatten(structure)]))
