"""Argument checks shared by the regularization layers."""

from __future__ import annotations


def check_rate(rate, arg="rate"):
    """Raise unless `0 <= rate <= 1` (Keras's message)."""
    if not 0 <= rate <= 1:
        raise ValueError(
            f"Invalid value received for argument `{arg}`. Expected a float value between "
            f"0 and 1. Received: {arg}={rate}"
        )
    return rate


def check_noise_shape(noise_shape):
    """`noise_shape` as a tuple of positive ints or None entries."""
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str):
        raise ValueError(
            "Invalid value received for argument `noise_shape`. Expected a tuple or list "
            f"of integers. Received: noise_shape={noise_shape}"
        )
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError(
            "Invalid value received for argument `noise_shape`. Expected an iterable of "
            f"integers (e.g., a tuple or list). Received: noise_shape={noise_shape}"
        ) from None
    for i, dim in enumerate(noise_shape):
        if dim is None:
            continue
        if not isinstance(dim, int) or isinstance(dim, bool):
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected all elements "
                f"to be integers or None. Received element at index {i}: {dim} "
                f"(type: {type(dim).__name__})"
            )
        if dim <= 0:
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected all dimensions "
                f"to be positive integers or None. Received negative or zero value at "
                f"index {i}: {dim}"
            )
    return noise_shape
