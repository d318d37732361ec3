"""Shared axis checks of the normalization layers."""


def check_axes(layer, input_shape):
    """Raise if any of `layer.axis` is out of bounds for `input_shape`; return the shape."""
    axes = [layer.axis] if isinstance(layer.axis, int) else layer.axis
    for axis in axes:
        if axis >= len(input_shape) or axis < -len(input_shape):
            raise ValueError(
                f"Layer '{layer.name}' ({type(layer).__name__}): axis {axis} is out of bounds "
                f"for input shape {tuple(input_shape)}. Received: axis={layer.axis}"
            )
    return input_shape


def as_axis(axis, what="axis"):
    """An int stays an int; a list/tuple of ints becomes a list."""
    if isinstance(axis, (list, tuple)):
        return list(axis)
    if isinstance(axis, int):
        return axis
    raise TypeError(
        f"Expected an int or a list/tuple of ints for the argument '{what}', but received: {axis!r}"
    )
