"""The convolution arguments of the ConvLSTM layers: validation and output shapes.

lamina-layers-conv has its own copy of these rules; a plugin never imports another's
internals, so the few lines the ConvLSTM layers need live here.
"""

from __future__ import annotations

import operator


def standardize_tuple(value, n: int, name: str, owner: str, allow_zero: bool = False):
    """`value` (an int or `n` ints) as a tuple of `n` ints, positive (or >= 0).

    Example:
        >>> standardize_tuple(3, 2, "kernel_size", "ConvLSTM2D")
        (3, 3)
    """
    message = (
        f"{owner}: the `{name}` argument must be an int or a tuple of {n} integers. "
        f"Received: {name}={value!r}"
    )
    values = _as_ints(value, n)
    if values is None:
        raise ValueError(message)
    bad = [v for v in values if v < 0 or (v == 0 and not allow_zero)]
    if bad:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{message}; every value must be {bound}, received {bad}.")
    return values


def _as_ints(value, n: int):
    if isinstance(value, (bool, str)):
        return None
    try:
        return (operator.index(value),) * n
    except TypeError:
        pass
    try:
        values = tuple(value)
        if any(isinstance(v, bool) for v in values):
            return None
        values = tuple(operator.index(v) for v in values)
    except TypeError:
        return None
    return values if len(values) == n else None


def standardize_padding(value, owner: str) -> str:
    """`"valid"` or `"same"`, lower-cased.

    Example:
        >>> standardize_padding("SAME", "ConvLSTM2D")
        'same'
    """
    padding = value.lower() if isinstance(value, str) else value
    if padding not in ("valid", "same"):
        raise ValueError(
            f"{owner}: the `padding` argument must be one of ('valid', 'same'). "
            f"Received: padding={value!r}"
        )
    return padding


def conv_output_length(length, kernel: int, stride: int, padding: str, dilation: int):
    """The length of one spatial axis after a convolution (None stays None).

    Example:
        >>> conv_output_length(10, 3, 1, "valid", 1)
        8
    """
    if length is None:
        return None
    if padding == "same":
        return -(-length // stride)
    return (length - dilation * (kernel - 1) - 1) // stride + 1
