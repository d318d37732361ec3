"""Recycled memory for im2col's large arrays (NumPy only).

A fresh NumPy array of many megabytes is a new memory mapping: every page faults on first
write, which makes filling it about twice as slow as copying into memory already touched.
A training step allocates the same im2col shapes every time, so `empty` hands out blocks
that earlier steps have dropped. A block goes back to the pool only once every array viewing
it is gone: the arrays are built over a small lease object (through `__array_interface__`),
which NumPy keeps as the base of every view, and the lease's finalizer returns the block.
"""

from __future__ import annotations

import weakref

import numpy as np

_MIN_BYTES = 1 << 20  # smaller arrays come from malloc's own free lists already
_MAX_POOLED_BYTES = 512 << 20
_pool: dict[int, list[np.ndarray]] = {}
_pooled_bytes = 0


class _Lease:
    """Owns a pooled block while arrays view it; exposes it to NumPy."""

    __slots__ = ("__array_interface__", "__weakref__", "block")

    def __init__(self, block: np.ndarray, shape: tuple, dtype: np.dtype):
        self.block = block
        self.__array_interface__ = {
            "data": (block.ctypes.data, False),
            "shape": shape,
            "typestr": dtype.str,
            "version": 3,
        }


def empty(xp, shape, dtype):
    """An uninitialized array, like `xp.empty`, whose memory is reused after it is dropped."""
    dtype = np.dtype(dtype)
    nbytes = dtype.itemsize * int(np.prod(shape))
    if xp is not np or nbytes < _MIN_BYTES:  # CuPy has its own memory pool
        return xp.empty(shape, dtype)
    global _pooled_bytes
    free = _pool.get(nbytes)
    if free:
        block = free.pop()
        _pooled_bytes -= nbytes
    else:
        block = np.empty(nbytes, np.uint8)
    lease = _Lease(block, tuple(shape), dtype)
    weakref.finalize(lease, _give_back, block)
    return np.asarray(lease)


def _give_back(block: np.ndarray) -> None:
    global _pooled_bytes
    if _pooled_bytes + block.nbytes <= _MAX_POOLED_BYTES:
        _pool.setdefault(block.nbytes, []).append(block)
        _pooled_bytes += block.nbytes


def zeros(xp, shape, dtype):
    """`empty` filled with zeros."""
    out = empty(xp, shape, dtype)
    out.fill(0)
    return out
