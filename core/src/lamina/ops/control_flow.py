"""Control flow: cond, switch, while_loop, fori_loop, scan, map, associative_scan,
vectorized_map, vectorize and custom_gradient.

lamina is eager, so these run their Python bodies directly: the lamina ops the
bodies call are recorded by an active GradientTape like any other code, and
gradients flow through every branch and iteration that actually ran.
"""

from __future__ import annotations

import functools
import inspect
import math
import re

import numpy as np

from lamina.autodiff import Node, Tensor, primitive
from lamina.autodiff.graph import recording
from lamina.backend import asarray
from lamina.ops._dtypes import xp_of

__all__ = [
    "associative_scan",
    "cond",
    "custom_gradient",
    "fori_loop",
    "map",
    "scan",
    "switch",
    "vectorize",
    "vectorized_map",
    "while_loop",
]


# ---------------------------------------------------------------------------
# nested structures (dicts by sorted key, lists, tuples, namedtuples; None is a leaf)


def _flatten(structure):
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack(structure, leaves):
    """Rebuild `structure` with the items of the iterator `leaves`."""
    if isinstance(structure, dict):
        packed = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, packed[key]) for key in structure)
    if isinstance(structure, (list, tuple)):
        items = [_pack(item, leaves) for item in structure]
        return type(structure)(*items) if hasattr(structure, "_fields") else type(structure)(items)
    return next(leaves)


def _to_tensor(x):
    if x is None or isinstance(x, Tensor):
        return x
    return Tensor(asarray(x))


def _tensors(structure):
    return _pack(structure, iter([_to_tensor(x) for x in _flatten(structure)]))


# ---------------------------------------------------------------------------
# private array primitives for stacking and slicing (one tape node each)


@primitive(multiple_outputs=True)
def _unstack(x):
    """Split `x` along axis 0 into `x.shape[0]` tensors (one node for all)."""
    xp = xp_of(x)

    def vjp(gs):
        return xp.stack(gs)

    return tuple(x[i] for i in range(x.shape[0])), vjp


@functools.cache
def _stack_primitive(n):
    def stack(*args):
        *arrays, axis = args
        xp = xp_of(*arrays)
        out = xp.stack(arrays, axis=axis)

        def vjp(g):
            parts = xp.moveaxis(g, axis, 0)
            grads = tuple(parts[i] for i in range(n))
            return grads if n > 1 else grads[0]

        return out, vjp

    return primitive(nin=n)(stack)


def _stack(tensors, axis=0):
    return _stack_primitive(len(tensors))(*tensors, axis)


@functools.cache
def _concat_primitive(n):
    def concatenate(*args):
        *arrays, axis = args
        xp = xp_of(*arrays)
        sizes = [a.shape[axis] for a in arrays]
        bounds = np.cumsum([0, *sizes])

        def vjp(g):
            grads = tuple(
                _take(g, slice(int(bounds[i]), int(bounds[i + 1])), axis) for i in range(n)
            )
            return grads if n > 1 else grads[0]

        return xp.concatenate(arrays, axis=axis), vjp

    return primitive(nin=n)(concatenate)


def _take(x, index, axis):
    return x[(slice(None),) * axis + (index,)]


@primitive(nin=1)
def _slice_axis(x, start, stop, step, axis):
    """`x[start:stop:step]` along `axis`."""
    key = (slice(None),) * axis + (slice(start, stop, step),)
    xp = xp_of(x)

    def vjp(g):
        grad = xp.zeros(x.shape, dtype=g.dtype)
        grad[key] = g
        return grad

    return x[key], vjp


@primitive(nin=2)
def _interleave(a, b, axis):
    """Elements of `a` at even and of `b` at odd positions along `axis`."""
    xp = xp_of(a, b)
    n = a.shape[axis] + b.shape[axis]
    shape = (*a.shape[:axis], n, *a.shape[axis + 1 :])
    out = xp.empty(shape, dtype=np.result_type(a.dtype, b.dtype))
    even = (slice(None),) * axis + (slice(0, None, 2),)
    odd = (slice(None),) * axis + (slice(1, None, 2),)
    out[even] = a
    out[odd] = b

    def vjp(g):
        return (lambda: g[even]), (lambda: g[odd])

    return out, vjp


@primitive(nin=1)
def _broadcast_to(x, shape):
    xp = xp_of(x)
    return xp.broadcast_to(x, shape), (lambda g: g)


@primitive(nin=1)
def _reshape(x, shape):
    return x.reshape(shape), (lambda g: g.reshape(x.shape))


def _stack_outputs(outputs, structure):
    """Stack a list of equally structured outputs leaf by leaf along a new axis 0."""
    flat = [_flatten(o) for o in outputs]
    stacked = []
    for i, leaf in enumerate(flat[0]):
        if leaf is None:
            stacked.append(None)
        else:
            stacked.append(_stack([_to_tensor(f[i]) for f in flat]))
    return _pack(structure, iter(stacked))


def _empty_stacked(example):
    """Zero-length stacks shaped like `example`'s leaves (for loops of length 0)."""

    def empty(leaf):
        if leaf is None:
            return None
        leaf = _to_tensor(leaf)
        xp = xp_of(leaf._value)
        return Tensor(xp.zeros((0, *leaf.shape), dtype=leaf._value.dtype))

    return _pack(example, iter([empty(x) for x in _flatten(example)]))


def _zeros_slice(x):
    xp = xp_of(x._value)
    return Tensor(xp.zeros(x.shape[1:], dtype=x._value.dtype))


# ---------------------------------------------------------------------------
# branching


def cond(pred, true_fn, false_fn):
    """Call `true_fn()` if `pred` is true, else `false_fn()` (only one branch runs).

    Args:
        pred: a boolean scalar (Python bool or 0-d tensor).
        true_fn, false_fn: callables without arguments.

    Example:
        >>> ops.cond(ops.convert_to_tensor(True), lambda: 1.0, lambda: 2.0)
        1.0
    """
    return true_fn() if bool(pred) else false_fn()


def switch(index, branches, *operands):
    """Call `branches[index](*operands)`, with `index` clamped to the valid range.

    Example:
        >>> float(ops.switch(1, [lambda x: x + 1, lambda x: x - 1], 2.0))
        1.0
    """
    if not branches:
        raise ValueError("switch: `branches` must contain at least one callable.")
    i = min(max(int(index), 0), len(branches) - 1)
    return branches[i](*operands)


# ---------------------------------------------------------------------------
# loops


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` holds.

    Args:
        cond: predicate on the loop variables (unpacked when `loop_vars` is a
            tuple or list).
        body: returns the new loop variables, in the same structure.
        loop_vars: a tensor or a tuple/list (of nested structures) of tensors.
        maximum_iterations: optional bound on the number of iterations.

    Returns:
        The final loop variables (a tuple when `loop_vars` is a tuple or list).

    Example:
        >>> int(ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0))
        10
    """
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(_tensors(v) for v in loop_vars) if is_tuple else (_tensors(loop_vars),)
    iteration = 0
    while (maximum_iterations is None or iteration < maximum_iterations) and bool(cond(*state)):
        out = body(*state)
        if is_tuple:
            if not isinstance(out, (tuple, list)) or len(out) != len(state):
                raise ValueError(
                    f"while_loop: body must return {len(state)} loop variables like "
                    f"`loop_vars`, received {out!r}."
                )
            state = tuple(out)
        else:
            state = (out,)
        iteration += 1
    state = tuple(_tensors(v) for v in state)
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    """Run `val = body_fun(i, val)` for `i` in `range(lower, upper)`.

    `i` is passed as a Python int.

    Example:
        >>> int(ops.fori_loop(0, 10, lambda i, s: s + i, 0))
        45
    """
    val = _tensors(init_val)
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return _tensors(val)


def _validate_unroll(unroll):
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(
            f"scan: `unroll` must be a positive integer or a boolean, received unroll={unroll!r}."
        )


def _leading_slices(xs, op):
    """Flatten `xs`, check a common leading size, return (n, per-leaf slices)."""
    leaves = [_to_tensor(x) for x in _flatten(xs)]
    if not leaves or any(x is None or x.ndim == 0 for x in leaves):
        raise ValueError(f"{op}: every input must be a tensor with a leading axis to loop over.")
    n = leaves[0].shape[0]
    if any(x.shape[0] != n for x in leaves):
        raise ValueError(
            f"{op}: all inputs must have the same leading size, received shapes "
            f"{[x.shape for x in leaves]}."
        )
    return n, leaves


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop `carry, y = f(carry, x)` over the leading axis of `xs`, stacking the `y`s.

    Args:
        f: `(carry, x) -> (carry, y)`; structures are preserved; `y` may be None.
        init: the initial carry (any nested structure).
        xs: values to loop over (any nested structure of tensors), or None.
        length: the number of iterations when `xs` is None (default: `xs`'s size).
        reverse: iterate from the last element to the first (`ys` keep `xs`'s order).
        unroll: accepted for compatibility (lamina always runs eagerly).

    Returns:
        `(final_carry, stacked_ys)`.

    Example:
        >>> carry, ys = ops.scan(lambda c, x: (c + x, c + x), 0, ops.convert_to_tensor([1, 2, 3]))
        >>> ys.numpy()
        array([1, 3, 6], dtype=int32)
    """
    if not callable(f):
        raise TypeError(f"scan: `f` must be callable, received {f!r}.")
    _validate_unroll(unroll)
    if xs is None and length is None:
        raise ValueError("scan: got no `xs` to scan over and `length` was not provided.")
    if xs is None:
        n, columns = int(length), []
    else:
        n, leaves = _leading_slices(xs, "scan")
        if length is not None and int(length) != n:
            raise ValueError(f"scan: length={length} does not match the leading size {n} of xs.")
        columns = [_unstack(x) if n else () for x in leaves]
    carry = _tensors(init)
    order = range(n - 1, -1, -1) if reverse else range(n)
    ys = [None] * n
    for i in order:
        x = _pack(xs, iter([c[i] for c in columns])) if xs is not None else None
        carry, ys[i] = f(carry, x)
    if n == 0:
        x = _pack(xs, iter([_zeros_slice(t) for t in leaves])) if xs is not None else None
        _, example = f(carry, x)
        return _tensors(carry), _empty_stacked(example)
    return _tensors(carry), _stack_outputs(ys, ys[0])


def map(f, xs):
    """Apply `f` to each slice of `xs` along its leading axis and stack the results.

    Args:
        f: function of one slice (same structure as `xs`); may return a structure.
        xs: tensor or nested structure of tensors with a common leading size.

    Example:
        >>> ops.map(lambda x: x * x, ops.arange(4)).numpy()
        array([0, 1, 4, 9], dtype=int32)
    """
    n, leaves = _leading_slices(xs, "map")
    if n == 0:
        return _empty_stacked(f(_pack(xs, iter([_zeros_slice(t) for t in leaves]))))
    columns = [_unstack(x) for x in leaves]
    outputs = [f(_pack(xs, iter([c[i] for c in columns]))) for i in range(n)]
    return _stack_outputs(outputs, outputs[0])


def vectorized_map(function, elements):
    """Map `function` over axis 0 of `elements` and stack the results.

    `function` receives one slice with `elements`' structure (for a list of
    tensors, a list of their slices). lamina evaluates it slice by slice.

    Example:
        >>> ops.vectorized_map(lambda x: ops.sum(x), ops.ones((3, 2))).numpy()
        array([2., 2., 2.], dtype=float32)
    """
    return map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan with an associative binary `f`, in O(log n) vectorized steps.

    Args:
        f: associative `r = f(a, b)` applied elementwise over `axis`; `a`, `b` and
            `r` share `elems`' structure.
        elems: tensor or nested structure of tensors with a common size on `axis`.
        reverse: scan from the end.
        axis: the axis to scan over.

    Returns:
        `elems`' structure, where element k combines elements 0..k.

    Example:
        >>> ops.associative_scan(lambda a, b: a + b, ops.arange(5)).numpy()
        array([ 0,  1,  3,  6, 10], dtype=int32)
    """
    if not callable(f):
        raise TypeError(f"associative_scan: `f` must be callable, received {f!r}.")
    leaves = [_to_tensor(x) for x in _flatten(elems)]
    if not leaves or any(x is None or x.ndim == 0 for x in leaves):
        raise ValueError("associative_scan: every element must be a tensor of rank >= 1.")
    axis = int(axis) % leaves[0].ndim
    n = leaves[0].shape[axis]
    if any(x.shape[axis] != n for x in leaves):
        raise ValueError(
            "associative_scan: all inputs must have the same size on the scanned axis, "
            f"received shapes {[x.shape for x in leaves]}."
        )

    def sl(x, start, stop=None, step=1):
        return _slice_axis(x, start, stop, step, axis)

    def combine(a, b):
        out = f(_pack(elems, iter(a)), _pack(elems, iter(b)))
        return [_to_tensor(x) for x in _flatten(out)]

    def run(items):
        count = items[0].shape[axis]
        if count < 2:
            return items
        reduced = combine([sl(e, 0, -1, 2) for e in items], [sl(e, 1, None, 2) for e in items])
        odd = run(reduced)
        if count % 2 == 0:
            even = combine([sl(e, 0, -1) for e in odd], [sl(e, 2, None, 2) for e in items])
        else:
            even = combine(odd, [sl(e, 2, None, 2) for e in items])
        even = [_concat_primitive(2)(sl(e, 0, 1), r, axis) for e, r in zip(items, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    if reverse:
        leaves = [sl(x, None, None, -1) for x in leaves]
    result = run(leaves)
    if reverse:
        result = [sl(x, None, None, -1) for x in result]
    return _pack(elems, iter(result))


# ---------------------------------------------------------------------------
# vectorize

_DIMS = r"\w+"
_CORE = rf"\((?:{_DIMS}(?:,{_DIMS})*)?\)"
_ARGS = rf"{_CORE}(?:,{_CORE})*"
_SIGNATURE = re.compile(rf"^({_ARGS})->({_ARGS})$")


def _parse_signature(signature):
    match = _SIGNATURE.match(signature.replace(" ", ""))
    if not match:
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature!r}.")

    def parse(part):
        return [tuple(re.findall(_DIMS, arg)) for arg in re.findall(_CORE, part)]

    return parse(match.group(1)), parse(match.group(2))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Make `pyfunc` broadcast over leading axes, like `numpy.vectorize`.

    Args:
        pyfunc: function of tensors.
        excluded: positions (ints) or names of arguments passed through unchanged.
        signature: gufunc signature such as `"(n),(n)->()"`, naming each
            argument's core axes (default: all scalar).

    Returns:
        The vectorized function. It calls `pyfunc` once per element of the
        broadcast batch shape and stacks the results (differentiably).

    Example:
        >>> f = ops.vectorize(lambda a, b: a + b)
        >>> f(ops.ones(3), 2.0).numpy()
        array([3., 3., 3.], dtype=float32)
    """
    excluded = set(excluded or ())
    core_in = core_out = None
    if signature is not None:
        core_in, core_out = _parse_signature(signature)

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        args = list(args)
        positions = [i for i in range(len(args)) if i not in excluded]
        if core_in is not None and len(core_in) != len(positions):
            raise ValueError(
                f"vectorize: the signature {signature!r} names {len(core_in)} input(s), "
                f"but {len(positions)} were given."
            )
        tensors = [_to_tensor(args[i]) for i in positions]
        cores = [len(core_in[k]) if core_in else 0 for k in range(len(positions))]
        for t, c in zip(tensors, cores):
            if t.ndim < c:
                raise ValueError(
                    f"vectorize: an input of shape {t.shape} has fewer than the {c} core "
                    f"axes its signature names ({signature!r})."
                )
        batch = np.broadcast_shapes(*[t.shape[: t.ndim - c] for t, c in zip(tensors, cores)])
        size = math.prod(batch)
        flat = []
        for t, c in zip(tensors, cores):
            core_shape = t.shape[t.ndim - c :]
            if t.shape != batch + core_shape:
                t = _broadcast_to(t, batch + core_shape)
            flat.append(_reshape(t, (size, *core_shape)))

        def call(i):
            for k, pos in enumerate(positions):
                args[pos] = rows[k][i]
            return pyfunc(*args, **kwargs)

        if size == 0:
            rows = [[_zeros_slice(t)] for t in flat]
            example = call(0)
            stacked = _empty_stacked(example)
        else:
            rows = [_unstack(t) for t in flat]
            outputs = [call(i) for i in range(size)]
            stacked = _stack_outputs(outputs, outputs[0])
        results = _flatten(stacked)
        if core_out is not None and len(core_out) != len(results):
            raise ValueError(
                f"vectorize: the signature {signature!r} names {len(core_out)} output(s), "
                f"but the function returned {len(results)}."
            )
        reshaped = [None if r is None else _reshape(r, batch + r.shape[1:]) for r in results]
        return _pack(stacked, iter(reshaped))

    return wrapped


# ---------------------------------------------------------------------------
# custom_gradient


def _calls_with_keyword_upstream(grad_fn):
    try:
        params = inspect.signature(grad_fn).parameters
    except (TypeError, ValueError):
        return False
    upstream = params.get("upstream")
    return upstream is not None and upstream.kind is inspect.Parameter.KEYWORD_ONLY


def custom_gradient(f):
    """Decorate `f(*args) -> (output, grad_fn)` so that its gradient is `grad_fn`.

    `grad_fn` receives the upstream gradient: as `grad_fn(upstream)` (the
    JAX/TensorFlow style), or as `grad_fn(*args, upstream=upstream)` when it
    declares a keyword-only `upstream` parameter (the portable style below). It
    returns one gradient per tensor in the flattened `args` (a single tensor
    when there is one). `upstream` is one tensor per output (a tuple when the
    output is a structure of several tensors).

    Example:
        >>> @ops.custom_gradient
        ... def log1pexp(x):
        ...     e = ops.exp(x)
        ...     def grad(*args, upstream=None):
        ...         if upstream is None:
        ...             (upstream,) = args
        ...         return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))
        ...     return ops.log(1 + e), grad
    """

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        arg_leaves = _flatten(args)
        tensor_leaves = [x for x in arg_leaves if isinstance(x, Tensor)]
        # Read variables as plain tensors: `grad_fn` answers for them, not the tape.
        inner_args = _pack(
            args, iter([Tensor(x._value) if isinstance(x, Tensor) else x for x in arg_leaves])
        )
        depth, recording.depth = recording.depth, 0
        try:
            output, grad_fn = f(*inner_args, **kwargs)
        finally:
            recording.depth = depth
        out_leaves = [_to_tensor(o) for o in _flatten(output)]
        parents = tuple((t._node, t._index) if t._node is not None else None for t in tensor_leaves)
        if depth == 0 or not any(p is not None for p in parents):
            return _pack(output, iter(out_leaves))
        keyword = _calls_with_keyword_upstream(grad_fn)
        single_output = len(out_leaves) == 1
        grad_inputs = [Tensor(t._value) for t in tensor_leaves]

        def vjp(cotangents):
            upstream_list = [
                Tensor(g) for g in (cotangents if not single_output else (cotangents,))
            ]
            upstream = upstream_list[0] if single_output else _pack(output, iter(upstream_list))
            if keyword:
                grads = grad_fn(
                    *_pack(args, iter(_replace(arg_leaves, grad_inputs))), upstream=upstream
                )
            else:
                grads = grad_fn(upstream)
            grads = list(grads) if isinstance(grads, (tuple, list)) else [grads]
            if len(grads) != len(tensor_leaves):
                raise ValueError(
                    f"custom_gradient: grad_fn of {getattr(f, '__name__', f)!r} returned "
                    f"{len(grads)} gradient(s) for {len(tensor_leaves)} tensor input(s)."
                )
            return tuple(
                None if g is None else (g._value if isinstance(g, Tensor) else asarray(g))
                for g in grads
            )

        meta = tuple((o._value.shape, o._value.dtype) for o in out_leaves)
        node = Node(vjp, parents, meta, "custom_gradient", multiple_outputs=not single_output)
        results = [
            Tensor(o._value, node if o._value.dtype.kind in "fc" else None, i)
            for i, o in enumerate(out_leaves)
        ]
        return _pack(output, iter(results))

    return wrapper


def _replace(leaves, tensors):
    """`leaves` with its Tensor entries replaced, in order, by `tensors`."""
    it = iter(tensors)
    return [next(it) if isinstance(x, Tensor) else x for x in leaves]
