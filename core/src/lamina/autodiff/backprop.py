"""Reverse-mode accumulation over the recorded graph."""

from __future__ import annotations

from lamina.autodiff import profiler
from lamina.backend import namespace


def sum_to_shape(g, shape):
    """Sum a broadcast cotangent back to `shape`."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and g.shape[i + extra] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def _fit(g, meta):
    shape, dtype = meta
    if g.shape != shape:
        g = sum_to_shape(g, shape)
    if g.dtype != dtype:
        g = g.astype(dtype)
    return g


def _topological_order(roots, wanted):
    """Nodes reachable from `roots` that lead to a `wanted` node, parents first."""
    order = []
    useful = {}
    stack = [(node, False) for node in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            hit = node in wanted or any(
                p is not None and useful.get(p[0], False) for p in node.parents
            )
            useful[node] = hit
            if hit:
                order.append(node)
            continue
        if node in useful:
            continue
        useful[node] = False  # placeholder: being visited
        stack.append((node, True))
        for parent in node.parents:
            if parent is not None and parent[0] not in useful:
                stack.append((parent[0], False))
    return order, useful


def backward(seeds, wanted, free_graph):
    """Propagate cotangents from `seeds` to the nodes in `wanted`.

    Args:
        seeds: list of `(node, output_index, cotangent)`.
        wanted: set of nodes whose cotangents are returned.
        free_graph: drop each node's vjp (and the arrays it holds) once used.

    Returns:
        dict node -> list of cotangents (None where none arrived), for wanted nodes.
    """
    grads: dict = {}

    def accumulate(node, index, g):
        slots = grads.get(node)
        if slots is None:
            slots = grads[node] = [None] * len(node.out_meta)
        g = _fit(g, node.out_meta[index])
        slots[index] = g if slots[index] is None else slots[index] + g

    for node, index, g in seeds:
        accumulate(node, index, g)
    order, useful = _topological_order([s[0] for s in seeds], wanted)
    results = {}
    profile = profiler.active
    for node in reversed(order):
        slots = grads.pop(node, None)
        if node in wanted:
            results[node] = slots
        if slots is None or node.vjp is None:
            continue
        if not node.multiple_outputs:
            cotangent = slots[0]
        else:
            cotangent = tuple(
                g if g is not None else namespace(_any(slots)).zeros(shape, dtype)
                for g, (shape, dtype) in zip(slots, node.out_meta)
            )
        if profile is not None:
            start = profile.clock()
        input_grads = node.vjp(cotangent)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        del cotangent, slots
        for parent, g in zip(node.parents, input_grads):
            if parent is None or g is None or not useful.get(parent[0]):
                continue
            if callable(g):
                g = g()
            accumulate(parent[0], parent[1], g)
        if profile is not None:
            profile.add_backward(node.name, profile.clock() - start)
        if free_graph:
            node.vjp = None
            node.parents = ()
    return results


def _any(slots):
    return next(g for g in slots if g is not None)
