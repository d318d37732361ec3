"""Splitting tensors: split, array_split, hsplit, vsplit, dsplit, unstack.

One multi-output primitive does them all; its vjp concatenates the pieces'
cotangents (zeros for pieces that received none).
"""

from lamina.autodiff import Tensor, primitive
from lamina.ops._axes import canonical_axis, named
from lamina.ops._dtypes import xp_of

__all__ = ["array_split", "dsplit", "hsplit", "split", "unstack", "vsplit"]


def _sections(indices_or_sections, name):
    value = indices_or_sections
    if isinstance(value, Tensor):
        value = value.numpy()
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, int):
        if value <= 0:
            raise ValueError(f"{name}: the number of sections must be positive, received {value}.")
        return value
    return [int(v) for v in value]


@primitive(nin=1, multiple_outputs=True)
@named("split")
def _split(x, indices_or_sections, axis, equal, squeeze, name):
    xp = xp_of(x)
    if x.ndim == 0:
        raise ValueError(f"{name}: cannot split a 0-d tensor.")
    axis = canonical_axis(axis, x.ndim, name)
    n = x.shape[axis]
    sections = indices_or_sections
    if isinstance(sections, int) and equal and n % sections:
        raise ValueError(
            f"{name}: an axis of length {n} cannot be split into {sections} equal "
            "sections; pass split indices, or use array_split for unequal sections."
        )
    if isinstance(sections, int):  # NumPy's array_split sizes: the first n % k get one more
        size, extra = divmod(n, sections)
        bounds = [i * size + min(i, extra) for i in range(1, sections)]
    else:
        bounds = sections
    pieces = xp.split(x, bounds, axis=axis)
    if squeeze:
        pieces = [p.reshape(p.shape[:axis] + p.shape[axis + 1 :]) for p in pieces]

    def vjp(gs):
        if squeeze:
            return xp.stack(gs, axis=axis)
        return xp.concatenate(gs, axis=axis)

    return tuple(pieces), vjp


def split(x, indices_or_sections, axis=0):
    """Split `x` into equal sections, or at the given indices, along `axis`.

    Args:
        x: input tensor.
        indices_or_sections: a number of equal sections, or a list of
            indices at which to split.
        axis: the axis to split along.

    Returns:
        A list of tensors.

    Example:
        >>> [p.shape for p in ops.split(ops.ones((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    sections = _sections(indices_or_sections, "split")
    return list(_split(x, sections, axis, True, False, "split"))


def array_split(x, indices_or_sections, axis=0):
    """Split `x` into `indices_or_sections` nearly equal sections along `axis`.

    The first `len % sections` pieces get one extra element.

    Example:
        >>> [p.shape for p in ops.array_split(ops.ones(5), 2)]
        [(3,), (2,)]
    """
    if not isinstance(indices_or_sections, int):
        raise TypeError(
            f"array_split: `indices_or_sections` must be an int, received {indices_or_sections!r}."
        )
    if not isinstance(axis, int):
        raise TypeError(f"array_split: `axis` must be an int, received {axis!r}.")
    sections = _sections(indices_or_sections, "array_split")
    return list(_split(x, sections, axis, False, False, "array_split"))


def _rank(x):
    return x.ndim if hasattr(x, "ndim") else len(getattr(x, "shape", ())) or _list_rank(x)


def _list_rank(x):
    rank = 0
    while isinstance(x, (list, tuple)):
        rank += 1
        x = x[0] if x else None
    return rank


def hsplit(x, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D tensors).

    Example:
        >>> [p.shape for p in ops.hsplit(ops.ones((2, 4)), 2)]
        [(2, 2), (2, 2)]
    """
    axis = 0 if _rank(x) == 1 else 1
    sections = _sections(indices_or_sections, "hsplit")
    return list(_split(x, sections, axis, True, False, "hsplit"))


def vsplit(x, indices_or_sections):
    """Split along axis 0 (tensors of rank >= 2).

    Example:
        >>> [p.shape for p in ops.vsplit(ops.ones((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    if _rank(x) < 2:
        raise ValueError("vsplit: expected a tensor of rank >= 2.")
    sections = _sections(indices_or_sections, "vsplit")
    return list(_split(x, sections, 0, True, False, "vsplit"))


def dsplit(x, indices_or_sections):
    """Split along axis 2 (tensors of rank >= 3).

    Example:
        >>> [p.shape for p in ops.dsplit(ops.ones((1, 2, 4)), 2)]
        [(1, 2, 2), (1, 2, 2)]
    """
    if _rank(x) < 3:
        raise ValueError("dsplit: expected a tensor of rank >= 3.")
    sections = _sections(indices_or_sections, "dsplit")
    return list(_split(x, sections, 2, True, False, "dsplit"))


def unstack(x, num=None, axis=0):
    """Split `x` into its slices along `axis` (each one rank lower).

    Args:
        x: input tensor.
        num: the expected number of slices (checked when given).
        axis: the axis to unstack along.

    Example:
        >>> len(ops.unstack(ops.ones((3, 2))))
        3
    """
    shape = getattr(x, "shape", None)
    if shape is None:
        from lamina.backend import asarray

        x = asarray(x)
        shape = x.shape
    if not shape:
        raise ValueError("unstack: cannot unstack a 0-d tensor.")
    n = shape[canonical_axis(axis, len(shape), "unstack")]
    if num is not None and num != n:
        raise ValueError(f"unstack: `num`={num} does not match the axis length {n}.")
    if n == 0:
        return []
    return list(_split(x, n, axis, True, True, "unstack"))
