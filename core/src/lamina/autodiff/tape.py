"""`GradientTape`: tf.GradientTape's API over lamina's recorded graph."""

from __future__ import annotations

import contextlib
import enum
import threading
import weakref

from lamina.autodiff import backprop
from lamina.autodiff.graph import leaf_node, recording
from lamina.autodiff.nest import flatten, pack_like
from lamina.autodiff.tensor import Tensor
from lamina.backend import namespace


class UnconnectedGradients(str, enum.Enum):
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class _LiveTapes(threading.local):
    """Tapes of this thread that may still differentiate the recorded graph.

    Nested or overlapping tapes share one graph, so a non-persistent tape frees
    the graph after its gradient only when no other live tape may still need it.
    """

    def __init__(self) -> None:
        self.tapes = weakref.WeakSet()


_live = _LiveTapes()


class GradientTape:
    """Record operations for automatic differentiation, like `tf.GradientTape`.

    Args:
        persistent: allow several `gradient` calls on one tape.
        watch_accessed_variables: watch every trainable variable automatically.

    Example:
        >>> w = lamina.Variable(3.0)
        >>> with lamina.GradientTape() as tape:
        ...     y = w * w
        >>> float(tape.gradient(y, w))
        6.0
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._watched: set = set()
        self._watched_variables: dict = {}  # id -> Variable watched explicitly
        self._recording = False
        self._used = False

    def __enter__(self) -> GradientTape:
        self._push()
        return self

    def __exit__(self, *exc) -> None:
        self._pop()

    def _push(self) -> None:
        if self._recording:
            raise ValueError("GradientTape: this tape is already recording.")
        self._recording = True
        recording.depth += 1
        if not self._used:
            _live.tapes.add(self)

    def _pop(self) -> None:
        if self._recording:
            self._recording = False
            recording.depth -= 1

    def watch(self, tensor) -> None:
        """Ensure `tensor` (or a nested structure of tensors) is traced by this tape."""
        for item in flatten(tensor):
            if not isinstance(item, Tensor):
                raise TypeError(
                    "GradientTape.watch: expected a lamina Tensor or Variable, "
                    f"received {type(item).__name__}. Convert it with "
                    "lamina.ops.convert_to_tensor first."
                )
            if item._node is None:
                item._node = leaf_node(item._value)
                item._index = 0
            self._watched.add(item._node)
            if hasattr(item, "assign"):  # a Variable
                self._watched_variables[id(item)] = item

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stop recording operations on this tape."""
        if not self._recording:
            raise ValueError("GradientTape.stop_recording: the tape is not recording.")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self) -> None:
        """Forget what was watched on this tape."""
        self._watched.clear()
        self._watched_variables.clear()

    def watched_variables(self) -> tuple:
        """The variables watched explicitly with `watch` (trainable ones are implicit)."""
        return tuple(self._watched_variables.values())

    def _node_of(self, source):
        node = getattr(source, "_node", None)
        if node is None:
            return None
        if node in self._watched:
            return node
        if node.name != "leaf":  # an intermediate result recorded from watched inputs
            return node
        if self._watch_accessed and getattr(source, "trainable", False):
            return node
        return None

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """Gradients of `target` (summed over its elements) with respect to `sources`.

        Args:
            target: a tensor or nested structure of tensors.
            sources: a tensor, variable, or nested structure of them.
            output_gradients: initial cotangents, one per target (default ones).
            unconnected_gradients: `"none"` or `"zero"` for sources not reached.

        Returns:
            Gradients in the structure of `sources`.
        """
        if self._used and not self._persistent:
            raise RuntimeError(
                "GradientTape.gradient can only be called once on a non-persistent "
                "tape. Create the tape with persistent=True to call it several times."
            )
        self._used = True
        free_graph = False
        if not self._persistent:
            _live.tapes.discard(self)
            free_graph = not _live.tapes
        unconnected = UnconnectedGradients(unconnected_gradients)
        targets = flatten(target)
        out_grads = [None] * len(targets) if output_gradients is None else flatten(output_gradients)
        seeds = []
        for t, og in zip(targets, out_grads):
            if not isinstance(t, Tensor) or t._node is None:
                continue
            value = t._value
            g = namespace(value).ones_like(value) if og is None else _raw(og, value)
            seeds.append((t._node, t._index, g))
        source_list = flatten(sources)
        source_nodes = [self._node_of(s) for s in source_list]
        wanted = {n for n in source_nodes if n is not None}
        grads = backprop.backward(seeds, wanted, free_graph=free_graph) if seeds and wanted else {}
        results = []
        for src, node in zip(source_list, source_nodes):
            slots = grads.get(node) if node is not None else None
            g = None
            if slots is not None:
                g = slots[src._index if node is src._node else 0]
            if g is None and unconnected is UnconnectedGradients.ZERO:
                value = src._value
                g = namespace(value).zeros_like(value)
            results.append(None if g is None else Tensor(g))
        return pack_like(sources, iter(results))

    def jacobian(
        self,
        target,
        sources,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """Full Jacobian of `target` with respect to `sources`, shape `target.shape + source.shape`.

        Runs one backward pass per element of `target` (the tape must be persistent).
        `parallel_iterations` and `experimental_use_pfor` are accepted for
        compatibility and ignored.
        """
        if not self._persistent:
            raise RuntimeError("GradientTape.jacobian needs a persistent tape.")
        unconnected = UnconnectedGradients(unconnected_gradients)
        value = target._value
        xp = namespace(value)
        flat_sources = flatten(sources)
        rows = [[] for _ in flat_sources]
        connected = [False] * len(flat_sources)
        for i in range(value.size):
            seed = xp.zeros(value.size, value.dtype)
            seed[i] = 1
            grads = self.gradient(target, flat_sources, output_gradients=seed.reshape(value.shape))
            for k, (row, g, src) in enumerate(zip(rows, grads, flat_sources)):
                if g is not None:
                    connected[k] = True
                    row.append(g._value)
                else:
                    row.append(namespace(src._value).zeros_like(src._value))
        jacobians = []
        for row, src, hit in zip(rows, flat_sources, connected):
            if not hit and unconnected is UnconnectedGradients.NONE:
                jacobians.append(None)
            elif row:
                jacobians.append(Tensor(xp.stack(row).reshape(value.shape + src.shape)))
            else:  # an empty target
                jacobians.append(Tensor(xp.zeros(value.shape + src.shape, src._value.dtype)))
        return pack_like(sources, iter(jacobians))


def _raw(value, like):
    xp = namespace(like)
    array = value._value if isinstance(value, Tensor) else xp.asarray(value)
    if array.shape != like.shape:  # a scalar (or broadcastable) output gradient
        array = xp.broadcast_to(array, like.shape)
    return array.astype(like.dtype, copy=False)
