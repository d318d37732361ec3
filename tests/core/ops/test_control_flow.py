import collections

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


def _grad(fn, *values):
    """Gradients of sum(fn(*tensors)) for float64 inputs."""
    tensors = [ops.convert_to_tensor(np.asarray(v, "float64")) for v in values]
    with lamina.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        y = ops.sum(fn(*tensors))
    return [g.numpy() for g in tape.gradient(y, tensors)]


# -- cond / switch ----------------------------------------------------------------------


@pytest.mark.parametrize("pred", [True, False, np.array(True), np.array(False)])
def test_cond_runs_only_the_chosen_branch(pred):
    calls = []

    def branch(name, value):
        def fn():
            calls.append(name)
            return value

        return fn

    out = ops.cond(ops.convert_to_tensor(pred), branch("t", 1.0), branch("f", 2.0))
    assert out == (1.0 if bool(pred) else 2.0)
    assert calls == (["t"] if bool(pred) else ["f"])


def test_cond_gradient_flows_through_taken_branch():
    g = _grad(lambda x: ops.cond(True, lambda: x * x, lambda: x * 3.0), [2.0, 3.0])
    np.testing.assert_allclose(g[0], [4.0, 6.0])
    g = _grad(lambda x: ops.cond(False, lambda: x * x, lambda: x * 3.0), [2.0, 3.0])
    np.testing.assert_allclose(g[0], [3.0, 3.0])


@pytest.mark.parametrize("index,expected", [(0, 2.5), (1, 1.5), (-4, 2.5), (7, 1.5)])
def test_switch_clamps_index(index, expected):
    branches = [lambda x, y: x + y, lambda x, y: x - y]
    out = ops.switch(ops.convert_to_tensor(index), branches, ops.convert_to_tensor(2.0), 0.5)
    assert float(out) == expected


def test_switch_needs_branches():
    with pytest.raises(ValueError, match="at least one"):
        ops.switch(0, [])


# -- while_loop / fori_loop -------------------------------------------------------------


def test_while_loop_scalar_and_tuple():
    out = ops.while_loop(lambda i: i < 10, lambda i: i + 1, 0)
    assert isinstance(out, lamina.Tensor) and out.dtype == "int32" and int(out) == 10
    x, y = ops.while_loop(lambda x, y: x < 10, lambda x, y: (x + 1, y + 2), (0, 1))
    assert (int(x), int(y)) == (10, 21)
    out = ops.while_loop(lambda x, y: x < 10, lambda x, y: [x + 1, y], [0, 5])
    assert isinstance(out, tuple) and int(out[0]) == 10


def test_while_loop_maximum_iterations_and_nested_vars():
    out = ops.while_loop(lambda i: i < 100, lambda i: i + 1, 0, maximum_iterations=7)
    assert int(out) == 7
    state = ({"a": 1.0, "b": [2.0]},)
    (final,) = ops.while_loop(
        lambda s: s["a"] < 8, lambda s: ({"a": s["a"] * 2, "b": [s["b"][0] + 1]},), state
    )
    assert float(final["a"]) == 8.0 and float(final["b"][0]) == 5.0


def test_while_loop_body_structure_error():
    with pytest.raises(ValueError, match="body must return 2"):
        ops.while_loop(lambda x, y: x < 3, lambda x, y: x + 1, (0, 0))


def test_while_loop_is_differentiable():
    # x -> x^8 by three squarings
    g = _grad(
        lambda x: ops.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * v), (0, x))[1],
        [1.5],
    )
    np.testing.assert_allclose(g[0], [8 * 1.5**7])


def test_fori_loop():
    assert int(ops.fori_loop(0, 10, lambda i, s: s + i, 0)) == 45
    assert int(ops.fori_loop(ops.convert_to_tensor(2), 4, lambda i, s: s * i, 1)) == 6
    x = np.arange(5.0)
    g = _grad(lambda t: ops.fori_loop(0, 5, lambda i, s: s + t[i] * float(i), 0.0), x)
    np.testing.assert_allclose(g[0], np.arange(5.0))


# -- scan / map / vectorized_map ---------------------------------------------------------


def test_scan_cumulative_sum():
    carry, ys = ops.scan(lambda c, x: (c + x, c + x), 0, ops.convert_to_tensor([1, 2, 3, 4, 5]))
    assert int(carry) == 15
    np.testing.assert_array_equal(ys.numpy(), [1, 3, 6, 10, 15])
    assert ys.dtype == "int32"


def test_scan_reverse_keeps_xs_order():
    xs = ops.convert_to_tensor([1.0, 2.0, 3.0])
    carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, xs, reverse=True)
    assert float(carry) == 6.0
    np.testing.assert_allclose(ys.numpy(), [5.0, 3.0, 0.0])


def test_scan_structures_length_and_none():
    xs = {"a": np.ones((4, 2)), "b": (np.arange(4.0),)}

    def f(carry, x):
        total, count = carry
        return (total + ops.sum(x["a"]) + x["b"][0], count + 1), {"y": x["b"][0] * 2, "z": None}

    (total, count), ys = ops.scan(f, (0.0, 0), xs)
    assert float(total) == 8 + 6 and int(count) == 4
    np.testing.assert_allclose(ys["y"].numpy(), np.arange(4.0) * 2)
    assert ys["z"] is None
    carry, ys = ops.scan(lambda c, _: (c * 2, None), 1, length=5)
    assert int(carry) == 32 and ys is None


def test_scan_empty_xs_gives_empty_stack():
    carry, ys = ops.scan(lambda c, x: (c + ops.sum(x), x * 2), 0.0, np.zeros((0, 3)))
    assert float(carry) == 0.0
    assert ys.shape == (0, 3)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(init=0), "no `xs`"),
        (dict(init=0, xs=np.ones(3), unroll=0), "unroll"),
        (dict(init=0, xs=[np.ones(3), np.ones(4)]), "same leading size"),
        (dict(init=0, xs=np.ones(3), length=4), "does not match"),
    ],
)
def test_scan_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ops.scan(lambda c, x: (c, x), **kwargs)


def test_scan_gradients():
    def rnn(h0, xs, w):
        def step(h, x):
            h = h * w + x
            return h, h * h

        h, ys = ops.scan(step, h0, xs)
        return h, ys

    rng = np.random.default_rng(0)
    check_gradients(
        rnn, [rng.standard_normal(3), rng.standard_normal((5, 3)), rng.standard_normal(3)]
    )
    check_gradients(
        lambda h0, xs, w: rnn(h0, xs, w)[1],
        [rng.standard_normal(3), rng.standard_normal((4, 3)), rng.standard_normal(3)],
    )


def test_scan_records_one_unstack_node_per_input():
    xs = ops.convert_to_tensor(np.arange(6.0).reshape(3, 2))
    with lamina.GradientTape() as tape:
        tape.watch(xs)
        _, ys = ops.scan(lambda c, x: (c, x * 2.0), 0.0, xs)
    # ys -> stack -> multiply (x3) -> one unstack -> xs
    stack = ys._node
    unstack_nodes = {p[0] for mul, _ in stack.parents for p in mul.parents if p is not None}
    assert len(unstack_nodes) == 1
    np.testing.assert_allclose(tape.gradient(ys, xs).numpy(), np.full((3, 2), 2.0))


def test_map_and_nested_outputs():
    xs = ops.convert_to_tensor([0, 1, 2, 3])
    np.testing.assert_array_equal(ops.map(lambda x: x * x, xs).numpy(), [0, 1, 4, 9])
    out = ops.map(lambda x: {"y1": x * x, "y2": x * 10}, xs)
    np.testing.assert_array_equal(out["y2"].numpy(), [0, 10, 20, 30])
    out = ops.map(lambda p: p[0] + p[1], (np.ones((3, 2)), np.arange(3.0)[:, None]))
    np.testing.assert_allclose(out.numpy(), np.ones((3, 2)) + np.arange(3.0)[:, None])
    assert ops.map(lambda x: x + 1, np.zeros((0, 2))).shape == (0, 2)
    with pytest.raises(ValueError, match="leading axis"):
        ops.map(lambda x: x, 3.0)


def test_vectorized_map_list_and_gradient():
    a, b = np.ones((4, 3)), np.arange(4.0)
    out = ops.vectorized_map(lambda e: ops.sum(e[0]) * e[1], [a, b])
    assert isinstance(out, lamina.Tensor)
    np.testing.assert_allclose(out.numpy(), 3 * np.arange(4.0))
    check_gradients(
        lambda x, y: ops.vectorized_map(lambda e: ops.sum(e[0] * e[0]) * e[1], [x, y]), [a, b]
    )


# -- associative_scan -------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 8, 13])
@pytest.mark.parametrize("reverse", [False, True])
def test_associative_scan_matches_cumsum(n, reverse):
    x = np.arange(1.0, n + 1)
    out = ops.associative_scan(lambda a, b: a + b, x, reverse=reverse)
    expected = np.cumsum(x[::-1])[::-1] if reverse else np.cumsum(x)
    np.testing.assert_allclose(out.numpy(), expected)


def test_associative_scan_axis_structure_and_gradient():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.5, (3, 6))
    out = ops.associative_scan(lambda a, b: a * b, x, axis=1)
    np.testing.assert_allclose(out.numpy(), np.cumprod(x, axis=1))
    check_gradients(lambda t: ops.associative_scan(lambda a, b: a * b, t, axis=-1), [x])
    # affine maps compose associatively: (a1, b1) then (a2, b2) = (a1 a2, b1 a2 + b2)
    a, b = rng.uniform(0.5, 1.5, 7), rng.standard_normal(7)
    fa, fb = ops.associative_scan(lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1]), (a, b))
    h, ref = 0.0, []
    for ai, bi in zip(a, b):
        h = h * ai + bi
        ref.append(h)
    np.testing.assert_allclose(fb.numpy(), ref)
    np.testing.assert_allclose(fa.numpy(), np.cumprod(a))
    check_gradients(
        lambda p, q: ops.associative_scan(lambda u, v: (u[0] * v[0], u[1] * v[0] + v[1]), (p, q)),
        [a, b],
    )


def test_associative_scan_errors():
    with pytest.raises(ValueError, match="same size"):
        ops.associative_scan(lambda a, b: a, [np.ones(3), np.ones(4)])
    with pytest.raises(TypeError, match="callable"):
        ops.associative_scan(None, np.ones(3))


# -- vectorize --------------------------------------------------------------------------


def test_vectorize_elementwise_broadcast():
    calls = []

    def add(a, b):
        calls.append(a.shape)
        return a + b

    f = ops.vectorize(add)
    out = f(np.ones((2, 1), "float32"), np.arange(3, dtype="float32"))
    assert out.shape == (2, 3) and out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), 1 + np.arange(3.0)[None].repeat(2, 0))
    assert calls == [()] * 6


def test_vectorize_signature_excluded_and_gradient():
    mv = ops.vectorize(lambda m, v: ops.matmul(m, v), signature="(m,n),(n)->(m)")
    rng = np.random.default_rng(0)
    m, v = rng.standard_normal((4, 2, 3)), rng.standard_normal(3)
    np.testing.assert_allclose(mv(m, v).numpy(), m @ v)
    check_gradients(mv, [m, v])
    scale = ops.vectorize(lambda x, k: x * k, excluded={1})
    np.testing.assert_allclose(scale(np.arange(3.0), 2.0).numpy(), [0.0, 2.0, 4.0])
    two = ops.vectorize(lambda x: (x, x * 2), signature="()->(),()")
    a, b = two(np.arange(3.0))
    np.testing.assert_allclose(a.numpy(), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(b.numpy(), [0.0, 2.0, 4.0])
    assert ops.vectorize(lambda x: x * 2)(np.zeros((0, 2))).shape == (0, 2)


@pytest.mark.parametrize(
    "signature,args,match",
    [
        ("(n)->()", (np.ones(3), np.ones(3)), "names 1 input"),
        ("(n,m)->()", (np.ones(3),), "fewer than the 2 core"),
        ("n->()", (np.ones(3),), "not a valid gufunc signature"),
        ("(n)->(),()", (np.ones(3),), "names 2 output"),
    ],
)
def test_vectorize_errors(signature, args, match):
    with pytest.raises(ValueError, match=match):
        ops.vectorize(lambda *a: ops.sum(a[0]), signature=signature)(*args)


# -- custom_gradient --------------------------------------------------------------------


def test_custom_gradient_upstream_positional():
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(upstream):
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))

        return ops.log(1 + e), grad

    x = ops.convert_to_tensor([0.0, 30.0])
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.5, 1.0])


def test_custom_gradient_portable_keyword_style_and_variables():
    seen = {}

    @ops.custom_gradient
    def scaled(x, w):
        def grad(*args, upstream=None):
            seen["args"] = len(args)
            return upstream * 10.0, ops.sum(upstream * x)

        return x * w, grad

    x = ops.convert_to_tensor([1.0, 2.0])
    w = lamina.Variable(3.0)
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(scaled(x, w))
    gx, gw = tape.gradient(y, [x, w])
    assert seen["args"] == 2
    np.testing.assert_allclose(gx.numpy(), [10.0, 10.0])
    np.testing.assert_allclose(gw.numpy(), 3.0)


def test_custom_gradient_multiple_outputs_and_none():
    @ops.custom_gradient
    def two(x, y):
        def grad(upstream):
            ga, _ = upstream
            return ga * 2.0, None

        return (x + y, x * y), grad

    x, y = ops.convert_to_tensor(1.0), ops.convert_to_tensor(2.0)
    with lamina.GradientTape() as tape:
        tape.watch([x, y])
        a, b = two(x, y)
        total = a + b
    gx, gy = tape.gradient(total, [x, y])
    assert float(gx) == 2.0 and gy is None


def test_custom_gradient_outside_tape_and_records_nothing_inside():
    @ops.custom_gradient
    def f(x):
        inner = x * x
        seen.append(inner._node)
        return inner, lambda g: g

    seen = []
    out = f(ops.convert_to_tensor(3.0))
    assert float(out) == 9.0 and out._node is None
    x = ops.convert_to_tensor(3.0)
    with lamina.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert seen[-1] is None  # the forward is not recorded; only the custom node is
    assert y._node.name == "custom_gradient"
    assert float(tape.gradient(y, x)) == 1.0


def test_custom_gradient_wrong_gradient_count():
    @ops.custom_gradient
    def f(x, y):
        return x * y, lambda g: g

    x, y = ops.convert_to_tensor(1.0), ops.convert_to_tensor(2.0)
    with lamina.GradientTape() as tape:
        tape.watch([x, y])
        z = f(x, y)
    with pytest.raises(ValueError, match="returned 1 gradient"):
        tape.gradient(z, [x, y])


def test_structures_keep_namedtuples():
    Pair = collections.namedtuple("Pair", "a b")
    carry, _ = ops.scan(lambda c, x: (Pair(c.a + x, c.b), None), Pair(0.0, 1.0), np.ones(3))
    assert isinstance(carry, Pair) and float(carry.a) == 3.0
