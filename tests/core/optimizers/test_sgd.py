"""lamina.optimizers.SGD: update rules against NumPy, and updates written in place."""

import numpy as np
import pytest

import lamina
from lamina.optimizers import SGD


def _reference(w, grads, lr, momentum, nesterov):
    w, velocity = w.copy(), np.zeros_like(w)
    for g in grads:
        if momentum == 0:
            w = w - g * np.float32(lr)
            continue
        velocity = velocity * np.float32(momentum) - g * np.float32(lr)
        if nesterov:
            w = w + (velocity * np.float32(momentum) - g * np.float32(lr))
        else:
            w = w + velocity
    return w


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_update_rule_matches_numpy(momentum, nesterov, rng):
    w0 = rng.standard_normal((4, 3)).astype("float32")
    grads = [rng.standard_normal((4, 3)).astype("float32") for _ in range(5)]
    v = lamina.Variable(w0)
    opt = SGD(learning_rate=0.05, momentum=momentum, nesterov=nesterov)
    for g in grads:
        opt.apply_gradients([(lamina.ops.convert_to_tensor(g), v)])
    np.testing.assert_allclose(
        v.numpy(), _reference(w0, grads, 0.05, momentum, nesterov), rtol=1e-6
    )
    assert len(opt.variables) == (2 if momentum == 0 else 3)


def _train_step(model, opt, x, y):
    with lamina.GradientTape() as tape:
        loss = lamina.ops.mean((model(x) - y) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply(grads, model.trainable_variables)


def test_updates_reuse_the_variables_arrays(rng):
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4), lamina.layers.Dense(1)])
    opt = SGD(momentum=0.9, nesterov=True, weight_decay=0.01, use_ema=True)
    x = rng.standard_normal((8, 3)).astype("float32")
    y = rng.standard_normal((8, 1)).astype("float32")
    _train_step(model, opt, x, y)  # the first step may copy arrays the variables share
    tracked = model.trainable_variables + opt.variables
    ids = [id(v._value) for v in tracked]
    for _ in range(3):
        _train_step(model, opt, x, y)
    assert [id(v._value) for v in tracked] == ids


def test_shared_arrays_are_not_modified(rng):
    initial = rng.standard_normal(3).astype("float32")
    v = lamina.Variable(initial)
    kept = initial.copy()
    opt = SGD(learning_rate=1.0, momentum=0.5)
    opt.apply([np.ones(3, "float32")], [v])
    np.testing.assert_array_equal(initial, kept)  # the user's array is untouched
    snapshot = v.numpy()
    before = snapshot.copy()
    value = v.value
    opt.apply([np.ones(3, "float32")], [v])
    np.testing.assert_array_equal(snapshot, before)
    np.testing.assert_array_equal(value.numpy(), before)
    assert not np.array_equal(v.numpy(), before)


def test_scalar_variables_stay_arrays():
    v = lamina.Variable(np.float32(1.0))
    opt = SGD(learning_rate=0.5, momentum=0.5, nesterov=True, use_ema=True)
    for _ in range(3):
        opt.apply([np.float32(1.0)], [v])
    assert v.shape == () and isinstance(v._value, np.ndarray) and v.dtype == "float32"


def test_gradient_dtype_is_cast_to_the_variable_dtype():
    v = lamina.Variable(np.ones(2, "float32"))
    SGD(learning_rate=0.5).apply([np.ones(2, "float64")], [v])
    assert v.dtype == "float32"
    np.testing.assert_array_equal(v.numpy(), 0.5)


def test_float16_variables():
    v = lamina.Variable(np.ones(2, "float16"))
    opt = SGD(learning_rate=0.1, momentum=0.9)
    opt.apply([np.ones(2, "float16")], [v])
    assert v.dtype == "float16" and opt.variables[-1].dtype == "float16"
    np.testing.assert_array_equal(v.numpy(), np.float16(1) - np.float16(0.1))


def test_step_cost_is_small_next_to_a_matmul():
    # Regression guard: one SGD(momentum) step on ~1M parameters must stay within a
    # small multiple of one 1000x1000 float32 matmul (no per-step reallocation storm).
    import time

    shapes = [(1000, 500), (500,), (500, 1000), (1000,)]
    variables = [lamina.Variable(np.zeros(s, "float32")) for s in shapes]
    grads = [np.ones(s, "float32") for s in shapes]
    opt = SGD(momentum=0.9)
    opt.apply(grads, variables)
    a = np.ones((1000, 1000), "float32")

    def best(fn, n=5):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    step = best(lambda: opt.apply(grads, variables))
    matmul = best(lambda: a @ a)
    assert step < 5 * matmul + 0.005
