import collections
import gc
import threading
import weakref

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff import GradientTape, Tensor, Variable, is_recording


def t(value):
    return ops.convert_to_tensor(np.asarray(value, "float32"))


# -- recording --------------------------------------------------------------------------


def test_nothing_is_recorded_outside_a_tape():
    v = Variable([1.0, 2.0])
    x = t([3.0, 4.0])
    assert not is_recording()
    y = ops.sum(v * x + ops.matmul(ops.reshape(x, (1, 2)), ops.reshape(v, (2, 1))))
    assert y._node is None
    assert (v * 2.0)._node is None


def test_only_inputs_that_need_gradients_are_recorded():
    x = t([1.0, 2.0])
    with GradientTape() as tape:
        assert is_recording()
        y = x * 2.0  # x is neither watched nor a variable
        tape.watch(x)
        z = x * 2.0
    assert not is_recording()
    assert y._node is None and z._node is not None
    assert ops.cast(z, "int32")._node is None  # integer outputs carry no node


def test_graph_is_freed_once_the_target_is_dropped():
    x = t(np.ones((100, 100)))
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.sum((x * 2.0) * x)
    node = weakref.ref(y._node)
    inner = weakref.ref(y._node.parents[0][0])
    assert node() is not None and inner() is not None
    del y
    gc.collect()
    assert node() is None and inner() is None
    assert tape.watched_variables() == ()  # the tape holds no reference to results


def test_non_persistent_gradient_releases_the_vjps():
    x = t([1.0, 2.0])
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(x * x)
    tape.gradient(y, x)
    assert y._node.vjp is None and y._node.parents == ()


def test_recording_is_thread_local():
    seen = []
    with GradientTape():
        worker = threading.Thread(target=lambda: seen.append(is_recording()))
        worker.start()
        worker.join()
        assert is_recording()
    assert seen == [False]


# -- gradient basics --------------------------------------------------------------------


def test_variables_are_watched_automatically():
    w = Variable(3.0)
    with GradientTape() as tape:
        y = w * w
    assert float(tape.gradient(y, w)) == 6.0


def test_watch_tensors_and_structures():
    a, b = t([1.0, 2.0]), t(3.0)
    with GradientTape() as tape:
        tape.watch([a, {"b": b}])
        y = ops.sum(a * b)
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_allclose(ga.numpy(), [3.0, 3.0])
    assert float(gb) == 3.0
    with pytest.raises(TypeError, match="expected a lamina Tensor"):
        tape.watch(np.ones(2))


def test_nested_structures_of_sources_and_targets():
    a, b, c = t([1.0, 2.0]), t(3.0), t([[1.0], [2.0]])
    Pair = collections.namedtuple("Pair", "first second")
    with GradientTape(persistent=True) as tape:
        tape.watch([a, b, c])
        y1 = ops.sum(a * b)
        y2 = ops.sum(c * c)
    grads = tape.gradient({"one": y1, "two": [y2]}, {"z": a, "y": (b, [c]), "p": Pair(a, b)})
    assert set(grads) == {"z", "y", "p"}
    assert list(grads) == ["z", "y", "p"]  # insertion order kept
    np.testing.assert_allclose(grads["z"].numpy(), [3.0, 3.0])
    assert isinstance(grads["y"], tuple) and isinstance(grads["y"][1], list)
    assert float(grads["y"][0]) == 3.0
    np.testing.assert_allclose(grads["y"][1][0].numpy(), [[2.0], [4.0]])
    assert isinstance(grads["p"], Pair) and float(grads["p"].second) == 3.0
    # a list target sums the targets' gradients
    (ga,) = tape.gradient([y1, y1], (a,))
    np.testing.assert_allclose(ga.numpy(), [6.0, 6.0])


def test_gradient_with_respect_to_intermediate_results():
    x = t(2.0)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * x
    assert float(tape.gradient(z, y)) == 2.0
    gx, gy = tape.gradient(z, [x, y])
    assert float(gx) == 12.0 and float(gy) == 2.0


def test_persistent_and_non_persistent():
    x = t(3.0)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(y, x)) == 6.0
    assert float(tape.gradient(z, x)) == 108.0
    assert float(tape.gradient(y, x)) == 6.0
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="only be called once"):
        tape.gradient(y, x)


def test_unconnected_gradients():
    x, unused = t([1.0, 2.0]), t([5.0])
    w = Variable([[1.0]])
    with GradientTape(persistent=True) as tape:
        tape.watch([x, unused])
        y = ops.sum(x * x)
    assert tape.gradient(y, unused) is None
    assert tape.gradient(y, w) is None
    gx, gu, gw = tape.gradient(y, [x, unused, w], unconnected_gradients="zero")
    np.testing.assert_allclose(gx.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(gu.numpy(), [0.0])
    assert gw.shape == (1, 1) and gw.dtype == "float32"
    g = tape.gradient(y, unused, unconnected_gradients=lamina.autodiff.UnconnectedGradients.ZERO)
    np.testing.assert_array_equal(g.numpy(), [0.0])
    with pytest.raises(ValueError):
        tape.gradient(y, x, unconnected_gradients="sometimes")


def test_target_without_node_gives_unconnected():
    x = t(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.stop_gradient(x * 2.0)
    assert tape.gradient(y, x) is None


def test_stop_gradient_blocks_one_path():
    x = t(2.0)
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x + ops.stop_gradient(x * x) * x
    # d/dx (x^2 + c x) with c = x^2 held constant = 2x + c
    assert float(tape.gradient(y, x)) == 8.0


def test_watch_accessed_variables_false():
    w, v = Variable(2.0), Variable(5.0)
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = w * v
    gw, gv = tape.gradient(y, [w, v])
    assert gw is None and float(gv) == 2.0
    assert tape.watched_variables() == (v,)


def test_non_trainable_variables_are_not_watched_unless_asked():
    frozen = Variable(2.0, trainable=False)
    with GradientTape() as tape:
        y = frozen * frozen
    assert tape.gradient(y, frozen) is None
    with GradientTape() as tape:
        tape.watch(frozen)
        y = frozen * frozen
    assert float(tape.gradient(y, frozen)) == 4.0


def test_stop_recording():
    x = t(3.0)
    with GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            assert not is_recording()
            hidden = x * x
        y = x * 2.0 + hidden
    assert hidden._node is None
    assert float(tape.gradient(y, x)) == 2.0
    with pytest.raises(ValueError, match="not recording"):
        with tape.stop_recording():
            pass


def test_reentering_a_recording_tape_fails():
    tape = GradientTape()
    with tape:
        with pytest.raises(ValueError, match="already recording"):
            tape.__enter__()


def test_nested_tapes_record_first_order_gradients():
    x = t(3.0)
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        g_inner = inner.gradient(y, x)
        z = y * 2.0
    assert float(g_inner) == 27.0
    assert float(outer.gradient(z, x)) == 54.0
    assert not is_recording()


def test_reset_forgets_watched_tensors():
    x = t(1.0)
    with GradientTape() as tape:
        tape.watch(x)
        tape.reset()
        y = x * 2.0
    assert tape.gradient(y, x) is None


def test_output_gradients():
    x = t([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = ops.sum(x)
    g = tape.gradient(y, x, output_gradients=np.array([1.0, 0.0, -1.0]))
    np.testing.assert_allclose(g.numpy(), [2.0, 0.0, -6.0])
    g = tape.gradient(y, x, output_gradients=t(2.0))  # broadcast to the target's shape
    np.testing.assert_allclose(g.numpy(), [4.0, 8.0, 12.0])
    g = tape.gradient([y, z], x, output_gradients=[t([1.0, 1.0, 1.0]), None])
    np.testing.assert_allclose(g.numpy(), [3.0, 5.0, 7.0])


def test_gradient_dtype_follows_the_source():
    x = ops.convert_to_tensor(np.array([1.0, 2.0], "float64"))
    with GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.cast(x, "float32") * x)
    assert tape.gradient(y, x).dtype == "float64"


def test_broadcast_gradients_are_reduced_to_the_source_shape():
    b = Variable([1.0, 2.0, 3.0])
    x = t(np.ones((4, 3)))
    with GradientTape() as tape:
        y = ops.sum(x + b)
    np.testing.assert_allclose(tape.gradient(y, b).numpy(), [4.0, 4.0, 4.0])


def test_jacobian():
    x = t([1.0, 2.0])
    w = t([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    unused = t(0.0)
    with GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = ops.matmul(w, x * x)
    jx, jw = tape.jacobian(y, [x, w])
    assert jx.shape == (3, 2) and jw.shape == (3, 3, 2)
    np.testing.assert_allclose(jx.numpy(), w.numpy() * 2 * x.numpy())
    expected = np.zeros((3, 3, 2), "float32")
    for i in range(3):
        expected[i, i] = x.numpy() ** 2
    np.testing.assert_allclose(jw.numpy(), expected)
    assert tape.jacobian(y, unused) is None
    assert tape.jacobian(y, unused, unconnected_gradients="zero").shape == (3,)
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match="persistent"):
        tape.jacobian(y, x)


# -- Variable ---------------------------------------------------------------------------


def test_variable_attributes():
    v = Variable([1.0, 2.0], name="kernel")
    assert v.name == "kernel" and v.path == "kernel"
    assert v.dtype == "float32" and v.shape == (2,) and v.ndim == 1
    assert v.trainable and v.constraint is None
    assert isinstance(v.numpy(), np.ndarray)
    assert isinstance(v.value, Tensor) and not isinstance(v.value, Variable)
    assert ops.is_tensor(v)
    assert "kernel" in repr(v)
    assert Variable([1, 2]).dtype == "int32"
    assert Variable([1, 2], dtype="float16").dtype == "float16"
    v.path = "dense/kernel"
    assert v.path == "dense/kernel" and v.name == "kernel"
    v.trainable = False
    assert not v.trainable


def test_variable_callable_initializer_and_constraint():
    v = Variable(lambda shape, dtype: np.full(shape, 2.0, dtype), shape=(2, 3), dtype="float16")
    assert v.shape == (2, 3) and v.dtype == "float16"
    np.testing.assert_array_equal(v.numpy(), np.full((2, 3), 2.0))
    clip = lambda x: x  # noqa: E731
    assert Variable(1.0, constraint=clip).constraint is clip
    with pytest.raises(ValueError, match="needs `shape`"):
        Variable(lambda shape, dtype: np.zeros(shape))
    with pytest.raises(ValueError, match="name"):
        Variable(1.0, name="a/b")
    with pytest.raises(ValueError, match="shape"):
        Variable([1.0, 2.0], shape=(3,))


def test_variable_assignments():
    v = Variable([1.0, 2.0])
    assert v.assign([3.0, 4.0]) is v
    np.testing.assert_array_equal(v.numpy(), [3.0, 4.0])
    v.assign_add(t([1.0, 1.0]))
    np.testing.assert_array_equal(v.numpy(), [4.0, 5.0])
    v.assign_sub(np.array([0.5, 0.5]))
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])
    v.assign([1, 2])  # cast to the variable's dtype
    assert v.dtype == "float32"
    with pytest.raises(ValueError, match="expected a value of shape"):
        v.assign([1.0, 2.0, 3.0])


def test_variable_value_traces_back_to_the_variable():
    v = Variable(2.0)
    with GradientTape() as tape:
        y = v.value * 3.0
    assert float(tape.gradient(y, v)) == 3.0


def test_gradient_after_assign_uses_the_recorded_values():
    v = Variable(2.0)
    with GradientTape() as tape:
        y = v * v
    v.assign(10.0)
    assert float(tape.gradient(y, v)) == 4.0
