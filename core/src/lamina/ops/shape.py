"""Shape ops: reshape, transpose, expand_dims, squeeze, concatenate, stack, ..."""

from lamina.autodiff import primitive
from lamina.ops._dtypes import xp_of

__all__ = ["reshape", "transpose"]


@primitive(nin=1)
def reshape(x, newshape):
    """Give `x` a new shape with the same number of elements (-1 infers one dim)."""
    newshape = (newshape,) if isinstance(newshape, int) else tuple(int(n) if n is not None else -1 for n in newshape)
    try:
        out = x.reshape(newshape)
    except ValueError as err:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
            f"into shape {newshape}."
        ) from err

    def vjp(g):
        return g.reshape(x.shape)

    return out, vjp


@primitive
def transpose(x, axes=None):
    """Permute the axes of `x` (reverse them when `axes` is None)."""
    xp = xp_of(x)
    axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(int(a) % max(x.ndim, 1) for a in axes)
    inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))

    def vjp(g):
        return xp.permute_dims(g, inverse)

    return xp.permute_dims(x, axes), vjp
