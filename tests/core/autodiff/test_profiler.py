"""PrimitiveProfile: calls and seconds per primitive, forward and backward."""

import numpy as np

import lamina
from lamina import ops
from lamina.autodiff import profiler
from lamina.autodiff.profiler import PrimitiveProfile


def test_counts_forward_and_backward_per_primitive():
    w = lamina.Variable(np.ones((3, 2), "float32"))
    x = ops.convert_to_tensor(np.ones((4, 3), "float32"))
    with PrimitiveProfile() as profile:
        with lamina.GradientTape() as tape:
            loss = ops.sum(ops.matmul(x, w) * 2.0)
        tape.gradient(loss, w)
    assert profile.forward["matmul"][0] == 1
    assert profile.forward["multiply"][0] == 1
    assert profile.forward["sum"][0] == 1
    assert {name for name in profile.backward} == {"matmul", "multiply", "sum"}
    assert all(calls == 1 and seconds >= 0 for calls, seconds in profile.backward.values())
    assert profile.total("forward") == sum(s for _, s in profile.forward.values())


def test_inactive_outside_the_block_and_nested_blocks_restore():
    x = ops.convert_to_tensor(np.ones((2,), "float32"))
    with PrimitiveProfile() as outer:
        with PrimitiveProfile() as inner:
            ops.add(x, x)
        assert profiler.active is outer
        ops.add(x, x)
    assert profiler.active is None
    ops.add(x, x)
    assert inner.forward["add"][0] == 1 and outer.forward["add"][0] == 1


def test_synchronize_is_called_around_each_timed_op():
    calls = []
    x = ops.convert_to_tensor(np.ones((2,), "float32"))
    with PrimitiveProfile(synchronize=lambda: calls.append(1)):
        ops.add(x, x)
    assert len(calls) == 2


def test_results_are_unchanged_by_profiling():
    x = ops.convert_to_tensor(np.arange(6, dtype="float32").reshape(2, 3))
    plain = ops.softmax(x).numpy()
    with PrimitiveProfile():
        profiled = ops.softmax(x).numpy()
    np.testing.assert_array_equal(plain, profiled)
