"""Tiny helpers for the (possibly nested) lists of recurrent states."""

from __future__ import annotations


def is_nested(x) -> bool:
    return isinstance(x, (list, tuple))


def flatten(x) -> list:
    if not is_nested(x):
        return [x]
    return [leaf for item in x for leaf in flatten(item)]


def map_structure(fn, *structures):
    """Apply `fn` leaf-wise to structures of the same nesting; lists come back as lists."""
    first = structures[0]
    if not is_nested(first):
        return fn(*structures)
    return [map_structure(fn, *items) for items in zip(*structures)]
