"""Core ops and control flow against Keras on JAX: values, dtypes and gradients."""

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import ops


def _rand(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    "src,dst",
    [
        ("float32", "int32"),
        ("float32", "float16"),
        ("int32", "float32"),
        ("float32", "bool"),
        ("int32", "uint8"),
        ("float16", "float32"),
    ],
)
def test_cast_parity(src, dst):
    x = np.array([[-1.7, 0.0, 2.5], [300.2, 1.0, -0.4]]).astype(src)
    assert_parity(lambda t: ops.cast(t, dst), lambda t: keras.ops.cast(t, dst), [x])


@pytest.mark.parametrize(
    "src,dst",
    [
        ("float32", "uint8"),
        ("float32", "int8"),
        ("int32", "uint8"),
        ("int32", "int8"),
        ("float32", "float16"),
        ("float32", "int32"),
    ],
)
def test_saturate_cast_parity(src, dst):
    x = np.array([-1e6, -300.5, -1.0, 0.0, 3.7, 255.0, 300.2, 1e6]).astype(src)
    assert_parity(
        lambda t: ops.saturate_cast(t, dst), lambda t: keras.ops.saturate_cast(t, dst), [x]
    )


@pytest.mark.parametrize("value", [2.0, 2, True, [1.5, 2.0], [[1, 2]], np.ones(2, "float16")])
def test_convert_to_tensor_parity(value):
    lam, ker = ops.convert_to_tensor(value), keras.ops.convert_to_tensor(value)
    assert lam.dtype == keras.ops.dtype(ker) and lam.shape == tuple(ker.shape)
    assert ops.shape(lam) == keras.ops.shape(ker)
    assert ops.dtype(lam) == keras.ops.dtype(ker)
    np.testing.assert_array_equal(ops.convert_to_numpy(lam), keras.ops.convert_to_numpy(ker))


def test_stop_gradient_parity():
    x = _rand((3,))
    assert_parity(
        lambda t: t * ops.stop_gradient(t * t), lambda t: t * keras.ops.stop_gradient(t * t), [x]
    )


# -- control flow -----------------------------------------------------------------------


@pytest.mark.parametrize("pred", [True, False])
def test_cond_parity(pred):
    x = _rand((3,))
    assert_parity(
        lambda t: ops.cond(pred, lambda: t * t, lambda: t * 3.0),
        lambda t: keras.ops.cond(pred, lambda: t * t, lambda: t * 3.0),
        [x],
    )


@pytest.mark.parametrize("index", [-1, 0, 1, 5])
def test_switch_parity(index):
    branches = lambda lib: [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: lib.exp(a) - b]  # noqa: E731
    x, y = _rand((3,), 1), _rand((3,), 2)
    assert_parity(
        lambda a, b: ops.switch(index, branches(ops), a, b),
        lambda a, b: keras.ops.switch(index, branches(keras.ops), a, b),
        [x, y],
    )


def test_fori_loop_parity():
    x = _rand((4,), 3)

    def run(lib):
        return lambda t: lib.fori_loop(0, 4, lambda i, s: s * t + t[i], lib.zeros_like(t))

    assert_parity(run(ops), run(keras.ops), [x])


def test_while_loop_parity():
    # JAX's while_loop is forward-only (no reverse-mode), so compare values.
    def run(lib):
        return lib.while_loop(
            lambda i, s: i < 5, lambda i, s: (i + 1, s * 2.0 + 1.0), (0, 1.0), maximum_iterations=4
        )

    (li, ls), (ki, ks) = run(ops), run(keras.ops)
    assert int(li) == int(ki) and float(ls) == float(ks)
    assert li.dtype == keras.ops.dtype(ki) and ls.dtype == keras.ops.dtype(ks)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_parity(reverse):
    h0, xs, w = _rand((3,), 4), _rand((5, 3), 5), _rand((3,), 6)

    def run(lib):
        def fn(h0, xs, w):
            def step(h, x):
                h = h * w + x
                h = lib.divide(h, 1.0 + lib.abs(h))  # softsign keeps the state bounded
                return h, {"sq": h * h, "sum": lib.sum(h)}

            carry, ys = lib.scan(step, h0, xs, reverse=reverse)
            return carry, ys["sq"], ys["sum"]

        return fn

    assert_parity(run(ops), run(keras.ops), [h0, xs, w])


def test_scan_length_only_parity():
    h0 = _rand((2,), 7)

    def run(lib):
        return lambda h: lib.scan(lambda c, _: (c * 1.5 + 1.0, c), h, length=4)

    assert_parity(run(ops), run(keras.ops), [h0])


def test_map_parity():
    xs = _rand((4, 3), 8)

    def run(lib):
        return lambda t: lib.map(lambda x: {"a": x * x, "b": lib.sum(x)}, t)["a"]

    assert_parity(run(ops), run(keras.ops), [xs])


def test_vectorized_map_parity():
    a, b = _rand((4, 3), 9), _rand((4,), 10)

    def run(lib):
        return lambda x, y: lib.vectorized_map(lambda e: lib.sum(e[0] * e[0]) * e[1], [x, y])

    assert_parity(run(ops), run(keras.ops), [a, b])


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("n", [1, 6, 7])
def test_associative_scan_parity(reverse, n):
    a = np.random.default_rng(11).uniform(0.5, 1.5, (2, n)).astype("float32")
    b = _rand((2, n), 12)

    def run(lib):
        def fn(p, q):
            combine = lambda u, v: (u[0] * v[0], u[1] * v[0] + v[1])  # noqa: E731
            return lib.associative_scan(combine, (p, q), reverse=reverse, axis=1)

        return fn

    assert_parity(run(ops), run(keras.ops), [a, b])


def test_associative_scan_int_parity():
    x = np.arange(9, dtype="int32")
    assert_parity(
        lambda t: ops.associative_scan(lambda u, v: u + v, t),
        lambda t: keras.ops.associative_scan(lambda u, v: u + v, t),
        [x],
    )


def test_vectorize_parity():
    m, v = _rand((4, 2, 3), 13), _rand((3,), 14)
    assert_parity(
        ops.vectorize(lambda a, b: ops.matmul(a, b), signature="(m,n),(n)->(m)"),
        keras.ops.vectorize(lambda a, b: keras.ops.matmul(a, b), signature="(m,n),(n)->(m)"),
        [m, v],
    )
    assert_parity(
        ops.vectorize(lambda a, b: a * b + 1.0),
        keras.ops.vectorize(lambda a, b: a * b + 1.0),
        [_rand((2, 1), 15), _rand((3,), 16)],
    )


def test_custom_gradient_parity():
    def make(lib):
        @lib.custom_gradient
        def clipped_square(x):
            # Deliberately not the true derivative (2x), so the custom rule is what is compared.
            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                return upstream * lib.exp(x)

            return x * x, grad

        return clipped_square

    assert_parity(make(ops), make(keras.ops), [_rand((5,), 17)])
