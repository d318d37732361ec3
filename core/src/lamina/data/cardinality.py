"""Cardinality arithmetic of the dataset transformations, with tf.data's rules."""

from __future__ import annotations

import math

INFINITE = -1
UNKNOWN = -2


def repeated(n: int, count: int) -> int:
    if n in (INFINITE, UNKNOWN):
        return n
    if count < 0:
        return 0 if n == 0 else INFINITE
    return n * count


def taken(n: int, count: int) -> int:
    if n == UNKNOWN:
        return UNKNOWN
    if count < 0:
        return n
    if n == INFINITE:
        return count
    return min(n, count)


def skipped(n: int, count: int) -> int:
    if n in (INFINITE, UNKNOWN):
        return n
    if count < 0:
        return 0
    return max(0, n - count)


def batched(n: int, batch_size: int, drop_remainder: bool) -> int:
    if n in (INFINITE, UNKNOWN):
        return n
    return n // batch_size if drop_remainder else math.ceil(n / batch_size)


def concatenated(a: int, b: int) -> int:
    if INFINITE in (a, b):
        return INFINITE
    if UNKNOWN in (a, b):
        return UNKNOWN
    return a + b


def zipped(sizes: list) -> int:
    if UNKNOWN in sizes:
        return UNKNOWN
    finite = [n for n in sizes if n != INFINITE]
    return min(finite) if finite else INFINITE


def sharded(n: int, num_shards: int, index: int) -> int:
    if n in (INFINITE, UNKNOWN):
        return n
    return n // num_shards + (1 if index < n % num_shards else 0)
