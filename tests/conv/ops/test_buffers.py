"""The im2col buffer pool reuses a block only once no array views it any more."""

import gc

import numpy as np

from lamina_conv.ops import _buffers

SHAPE = (512, 1024)  # 2 MiB of float32: above the pooling threshold


def test_block_is_reused_after_every_view_is_gone():
    first = _buffers.empty(np, SHAPE, np.float32)
    first_address = first.ctypes.data
    view = first.reshape(-1)[::2]
    del first
    gc.collect()
    second = _buffers.empty(np, SHAPE, np.float32)
    second_address = second.ctypes.data
    assert second_address != first_address  # `view` still holds the first block
    second[...] = 1.0
    view[...] = 2.0
    assert (second == 1.0).all()
    del view, second
    gc.collect()
    third = _buffers.empty(np, SHAPE, np.float32)
    assert third.ctypes.data in {first_address, second_address}


def test_small_arrays_are_plain_numpy():
    small = _buffers.empty(np, (8, 8), np.float32)
    assert small.base is None and small.shape == (8, 8)


def test_zeros_are_zero_even_on_a_reused_block():
    dirty = _buffers.empty(np, SHAPE, np.float32)
    dirty[...] = 7.0
    del dirty
    gc.collect()
    assert not _buffers.zeros(np, SHAPE, np.float32).any()
