"""The recorded graph: one `Node` per primitive call, and the recording switch.

A node is recorded only while a `GradientTape` is active *and* one of the
call's inputs already has a node (it is a watched leaf or was computed from
one). Outside a tape nothing is kept, so inference pays nothing.
"""

from __future__ import annotations

import threading


class Node:
    """One recorded primitive call (or a leaf, when `vjp` is None).

    Attributes:
        vjp: maps output cotangent(s) to a tuple of input cotangents; each entry
            is an array, None, or a zero-argument callable evaluated only when
            that input needs a gradient.
        parents: per input, `(node, output_index)` or None when the input needs
            no gradient.
        out_meta: per output, `(shape, dtype)` (used to make zero cotangents
            and to cast/reduce incoming ones).
    """

    __slots__ = ("__weakref__", "multiple_outputs", "name", "out_meta", "parents", "vjp")

    def __init__(self, vjp, parents, out_meta, name="", multiple_outputs=False):
        self.multiple_outputs = multiple_outputs
        self.vjp = vjp
        self.parents = parents
        self.out_meta = out_meta
        self.name = name

    def __repr__(self) -> str:
        kind = "leaf" if self.vjp is None and not self.parents else self.name
        return f"<Node {kind} outputs={[m[0] for m in self.out_meta]}>"


class _Recording(threading.local):
    def __init__(self) -> None:
        self.depth = 0  # active, recording tapes in this thread


recording = _Recording()


def is_recording() -> bool:
    """True while a GradientTape is recording in this thread."""
    return recording.depth > 0


def leaf_node(array) -> Node:
    """A leaf node for a watched tensor or a trainable variable."""
    return Node(None, (), ((array.shape, array.dtype),), "leaf")
