"""Symbolic tensors (`KerasTensor`), graph nodes (`Node`) and symbolic calls.

Calling a layer, a `lamina.ops` function or a Python operator on a `KerasTensor`
computes output KerasTensors (shape and dtype only) and records a `Node` on the
operation's `_inbound_nodes`, so that `Functional` can later replay the graph with
`node.operation(*args, **kwargs)` where `node.map_arguments(values)` gives the
arguments with each KerasTensor replaced by its value.

Shapes come from `compute_output_shape` where a layer implements it; otherwise
(layers without it, and every op) from a dry run on small concrete arrays: each
unknown (None) dimension is given two different sizes, and the output dimensions that
change between the two runs are unknown in the result. Variables changed by a dry run
are restored and the losses it adds are dropped.
"""

from __future__ import annotations

import collections
import importlib
import itertools

import numpy as np

from lamina.autodiff import Tensor
from lamina.backend import asarray, standardize_dtype
from lamina.layers import layer as _layer_module

_primitive_module = importlib.import_module("lamina.autodiff.primitive")
_names = itertools.count()

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


class KerasTensor:
    """A symbolic tensor: a shape (None for unknown sizes) and a dtype, no values.

    Args:
        shape: a tuple of ints and None.
        dtype: the dtype name (default float32).
        sparse, ragged: accepted for Keras compatibility (always False in lamina).
        name: a name (default a unique `keras_tensor_N`).

    Example:
        >>> x = lamina.Input(shape=(4,))
        >>> (x + 1).shape
        (None, 4)
    """

    _is_symbolic = True
    __array_ufunc__ = None  # NumPy must defer to our reflected operators
    __array_priority__ = 200

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.name = name or _unique_tensor_name()
        self._keras_history = None
        self._keras_mask = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def reshape(self, newshape):
        from lamina import ops

        return ops.reshape(self, newshape)

    def __len__(self):
        raise TypeError(
            "A KerasTensor has no length: its first dimension is only known when the model "
            "runs. Use `x.shape[i]` for static sizes."
        )

    def __bool__(self):
        raise TypeError(
            "A KerasTensor cannot be used as a Python bool (in `if`, `and`, `while`): it has "
            "no value yet. Compute the condition inside a layer's `call()` instead."
        )

    def __iter__(self):
        raise TypeError("A KerasTensor cannot be iterated over: it has no values yet.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"A KerasTensor ({self.name}, shape={self.shape}) is a symbolic placeholder and "
            "cannot be converted to a NumPy array. It is an input or output of a functional "
            "model: you can call layers and `lamina.ops` on it, and run the model on data."
        )

    def __repr__(self) -> str:
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, "
            f"ragged={self.ragged}, name={self.name}>"
        )

    __hash__ = object.__hash__


def _unique_tensor_name():
    index = next(_names)
    return "keras_tensor" if index == 0 else f"keras_tensor_{index}"


# Operators that make sense on symbolic tensors: the same ops Tensor's operators use.
_OPERATORS = (
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__",
    "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__pos__", "__abs__", "__lt__",
    "__le__", "__gt__", "__ge__", "__and__", "__rand__", "__or__", "__ror__", "__xor__",
    "__rxor__", "__invert__", "__getitem__",
)  # fmt: skip


def _bind_operators():
    for name in _OPERATORS:
        method = Tensor.__dict__.get(name)
        if method is not None:
            setattr(KerasTensor, name, method)


def is_keras_tensor(x) -> bool:
    """True for a KerasTensor (a symbolic tensor of the functional API).

    Example:
        >>> is_keras_tensor(lamina.Input((2,)))
        True
    """
    return isinstance(x, KerasTensor)


def _flatten(structure):
    return _layer_module._flatten(structure)


def _map(fn, structure):
    return _layer_module._map(fn, structure)


class SymbolicOp:
    """An op applied to KerasTensors, as a graph operation (one per call)."""

    def __init__(self, fn, name):
        self.fn = fn
        self.name = _layer_module.unique_object_name(name)
        self._inbound_nodes = []
        self._outbound_nodes = []

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Operation name={self.name}>"


class Node:
    """One call of an operation (a layer or an op) on symbolic tensors.

    Attributes:
        operation: the layer or `SymbolicOp` called.
        call_args, call_kwargs: the arguments as passed (KerasTensors included).
        outputs: the flat list of output KerasTensors.
        input_tensors: the flat list of KerasTensors among the arguments.
        parent_nodes: the nodes that produced `input_tensors`.
        is_input: True for an InputLayer's node (no inputs).
    """

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs = [o for o in _flatten(outputs) if isinstance(o, KerasTensor)]
        self.input_tensors = [
            x for x in _flatten([list(self.call_args), self.call_kwargs]) if is_keras_tensor(x)
        ]
        self.is_input = not self.input_tensors
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for parent in self.parent_nodes:
            parent.operation._outbound_nodes.append(self)
        for i, tensor in enumerate(self.outputs):
            tensor._keras_history = KerasHistory(operation, node_index, i)

    @property
    def parent_nodes(self) -> list:
        parents = []
        for x in self.input_tensors:
            history = x._keras_history
            if history is not None:
                node = history.operation._inbound_nodes[history.node_index]
                if node not in parents:
                    parents.append(node)
        return parents

    def map_arguments(self, values):
        """`(args, kwargs)` with each KerasTensor replaced by `values[id(tensor)]`.

        Example:
            >>> args, kwargs = node.map_arguments({id(x): np.ones((2, 4))})
        """

        def fill(x):
            return values[id(x)] if is_keras_tensor(x) else x

        return _map(fill, list(self.call_args)), _map(fill, self.call_kwargs)

    def __repr__(self) -> str:
        return f"<Node operation={self.operation.name}, outputs={len(self.outputs)}>"


# ---------------------------------------------------------------------- dry runs
def _concrete(x, sizes):
    """A concrete array standing in for KerasTensor `x` (None dims from `sizes`)."""
    shape = tuple(sizes if d is None else d for d in x.shape)
    dtype = x.dtype
    if dtype.startswith("float") or dtype.startswith("complex"):
        # Values away from 0 and 1 keep log, sqrt, division and inverses finite.
        value = np.random.default_rng(0).uniform(0.1, 0.9, shape)
    elif dtype == "bool":
        value = np.ones(shape, dtype=bool)
    else:
        value = np.zeros(shape)
    tensor = Tensor(asarray(value, dtype=dtype))
    if x._keras_mask is not None and is_keras_tensor(x._keras_mask):
        tensor._keras_mask = _concrete(x._keras_mask, sizes)
    return tensor


def _substitute(structure, size):
    return _map(lambda x: _concrete(x, size) if is_keras_tensor(x) else x, structure)


def _merge_specs(first, second):
    """KerasTensors whose dims are None where the two dry-run outputs differ."""

    def merge(a, b):
        if not isinstance(a, Tensor):
            return a
        shape = tuple(
            da if db is not None and da == db else None
            for da, db in zip(a.shape, b.shape, strict=False)
        )
        if len(a.shape) != len(b.shape):
            shape = tuple(None for _ in a.shape)
        return KerasTensor(shape, dtype=a.dtype)

    flat_a, flat_b = _flatten(first), _flatten(second)
    merged = iter([merge(a, b) for a, b in zip(flat_a, flat_b)])
    return _map(lambda _: next(merged), first)


def _has_unknown(args, kwargs) -> bool:
    return any(is_keras_tensor(x) and None in x.shape for x in _flatten([list(args), kwargs]))


def _dry_run(fn, args, kwargs, sizes=(2, 3)):
    """Run `fn` on concrete stand-ins for the KerasTensors; return KerasTensor outputs."""
    results = []
    runs = sizes if _has_unknown(args, kwargs) else sizes[:1]
    with np.errstate(all="ignore"):
        for size in runs:
            results.append(fn(*_substitute(list(args), size), **_substitute(kwargs, size)))
    if len(results) == 1:
        return _merge_specs(results[0], results[0])
    return _merge_specs(results[0], results[1])


def _op_handler(op, args, kwargs):
    """Called by the primitive wrapper when an op receives a KerasTensor."""
    outputs = _dry_run(op, args, kwargs)
    operation = SymbolicOp(op, getattr(op, "__name__", "op").lstrip("_"))
    Node(operation, args, kwargs, outputs)
    return outputs


# ---------------------------------------------------------------------- layers
def _snapshot(layer):
    layers = layer._flatten_layers()
    values = [(v, v._value) for sub in layers for v in sub._own_variables()]
    losses = [(sub, list(sub._losses), sub._losses_epoch, sub._entry_epoch) for sub in layers]
    return values, losses


def _restore(snapshot):
    values, losses = snapshot
    for variable, value in values:
        variable._value = value
    for sub, saved, losses_epoch, entry_epoch in losses:
        sub._losses, sub._losses_epoch, sub._entry_epoch = saved, losses_epoch, entry_epoch


def default_output_spec(layer, args, kwargs):
    """Output KerasTensors of `layer` for KerasTensor arguments."""
    if _layer_module._overrides(type(layer), "compute_output_shape"):
        spec = _layer_module._call_spec(type(layer).call)
        shapes = {}
        for name, value in zip(spec.positional_names, args):
            if _layer_module._holds_tensors(value):
                shapes[f"{name}_shape"] = _layer_module._shape_of(value)
        for name, value in kwargs.items():
            if (
                name in spec.arg_names
                and _layer_module._holds_tensors(value)
                and not name.endswith("mask")
            ):
                shapes[f"{name}_shape"] = _layer_module._shape_of(value)
        try:
            output_shape = _call_with_shapes(layer.compute_output_shape, shapes)
        except NotImplementedError:
            output_shape = None
        if output_shape is not None:
            return _shapes_to_tensors(output_shape, layer.compute_dtype)
    snapshot = _snapshot(layer)
    try:
        return _dry_run(lambda *a, **k: layer._eager_call(a, k), args, kwargs, sizes=(1, 2))
    finally:
        _restore(snapshot)


def _call_with_shapes(fn, shapes):
    import inspect

    params = [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    names = [p.name for p in params]
    if len(names) == 1 or not all(n in shapes for n in names):
        return fn(next(iter(shapes.values()), None))
    return fn(**{n: shapes[n] for n in names})


def _is_shape(value) -> bool:
    return isinstance(value, (tuple, list)) and all(
        d is None or isinstance(d, (int, np.integer)) for d in value
    )


def _shapes_to_tensors(shape, dtype):
    if _is_shape(shape):
        return KerasTensor(tuple(shape), dtype=dtype)
    if isinstance(shape, dict):
        return {k: _shapes_to_tensors(v, dtype) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)):
        return type(shape)(_shapes_to_tensors(s, dtype) for s in shape)
    raise TypeError(f"compute_output_shape returned {shape!r}, which is not a shape.")


def symbolic_layer_call(layer, args, kwargs):
    """`layer(*args, **kwargs)` on KerasTensors: build, infer outputs, record a Node."""
    first = args[0] if args else (next(iter(kwargs.values())) if kwargs else None)
    if layer._input_spec is not None:
        _layer_module.assert_input_compatibility(layer._input_spec, first, layer.name)
    spec = _layer_module._call_spec(type(layer).call)
    if not layer.built:
        layer._maybe_build(args, kwargs, spec)
    outputs = layer.compute_output_spec(*args, **kwargs)
    layer.built = True
    if layer.supports_masking:
        mask = kwargs.get("mask")
        if mask is None:
            mask = _map(lambda x: getattr(x, "_keras_mask", None), first)
        # Called even without an input mask: Embedding(mask_zero) and Masking create one.
        try:
            output_masks = layer.compute_mask(first, mask)
        except (TypeError, ValueError, NotImplementedError):
            output_masks = None
        if output_masks is not None:
            for tensor, m in zip(_flatten(outputs), _flatten(output_masks)):
                if is_keras_tensor(tensor) and m is not None:
                    tensor._keras_mask = m
    Node(layer, args, kwargs, outputs)
    return outputs


def _install():
    _bind_operators()
    _primitive_module.symbolic_handler = _op_handler


_install()

__all__ = [
    "KerasHistory",
    "KerasTensor",
    "Node",
    "SymbolicOp",
    "default_output_spec",
    "is_keras_tensor",
    "symbolic_layer_call",
]
