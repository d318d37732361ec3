"""Axis helpers shared by reductions and shape ops."""


def normalize_axis(axis, ndim):
    """Return None or a sorted tuple of non-negative axes, validated against `ndim`."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, int) or hasattr(axis, "__index__") else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1) and not (ndim == 0 and a in (0, -1)):
            raise ValueError(
                f"axis {a} is out of bounds for a tensor of rank {ndim}; "
                f"expected an axis in [{-ndim}, {ndim - 1}]."
            )
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def expand_reduced(g, axis, ndim, keepdims):
    """Re-insert the reduced axes of `g` (size 1) so it broadcasts against the input."""
    if keepdims or axis is None and g.ndim == ndim:
        return g
    if axis is None:
        return g.reshape((1,) * ndim)
    shape = list(g.shape)
    for a in axis:
        shape.insert(a, 1)
    return g.reshape(shape)
