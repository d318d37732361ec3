"""Validation of the layers' constructor arguments, with Keras's rules and messages."""

from __future__ import annotations

import operator
from collections.abc import Sequence


def standardize_tuple(
    value, n: int, name: str, owner: str, allow_zero: bool = False
) -> tuple[int, ...]:
    """`value` (an int or `n` ints) as a tuple of `n` ints, positive (or >= 0).

    Args:
        value: an int, or a sequence of `n` ints.
        n: the length of the tuple.
        name: the argument's name, for the error message.
        owner: the class that received it, for the error message.
        allow_zero: accept 0 as well as positive values.

    Example:
        >>> standardize_tuple(3, 2, "kernel_size", "Conv2D")
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


def _as_ints(value, n: int) -> tuple[int, ...] | None:
    """`value` as a tuple of `n` ints (an int is repeated), or None if it is not one."""
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


def standardize_padding(value, owner: str, allow_causal: bool = False) -> str:
    """`"valid"`, `"same"` (or `"causal"` where allowed), lower-cased.

    Example:
        >>> standardize_padding("SAME", "Conv2D")
        'same'
    """
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(
            f"{owner}: the `padding` argument must be one of {allowed}. Received: padding={value!r}"
        )
    return padding


def standardize_pairs(value, n: int, name: str, owner: str) -> tuple[tuple[int, int], ...]:
    """`value` as `n` (before, after) pairs of ints >= 0, the form of ZeroPadding/Cropping.

    Accepts an int (the same everywhere), `n` ints (symmetric per axis) or `n` pairs.

    Example:
        >>> standardize_pairs((1, (2, 3)), 2, "padding", "ZeroPadding2D")
        ((1, 1), (2, 3))
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{owner}: `{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * n
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != n:
        raise ValueError(
            f"{owner}: `{name}` must be an int, a tuple of {n} ints (symmetric per axis) "
            f"or a tuple of {n} tuples of 2 ints ((before, after) per axis). "
            f"Received: {name}={value!r}."
        )
    ordinal = ("1st", "2nd", "3rd")
    return tuple(
        standardize_tuple(v, 2, f"{ordinal[i]} entry of {name}", owner, allow_zero=True)
        for i, v in enumerate(value)
    )


def check_positive_int(value, name: str, owner: str, allow_none: bool = False) -> None:
    """Raise a ValueError naming `owner` unless `value` is a positive int (or None)."""
    if value is None and allow_none:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"{owner}: invalid value for argument `{name}`, expected a strictly positive "
            f"integer. Received: {name}={value!r}."
        )
