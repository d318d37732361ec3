"""custom_gradient: give a function of tensors a user-defined gradient."""

from __future__ import annotations

import functools
import inspect

from lamina.autodiff import Node, Tensor
from lamina.autodiff.graph import recording
from lamina.backend import asarray
from lamina.ops._nest import _flatten, _pack, _to_tensor

__all__ = ["custom_gradient"]


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
