import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.backend.kernels import numpy_kernels

KERAS_LINALG = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eig",
    "eigh",
    "inv",
    "jvp",
    "lstsq",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]


def _spd(rng, shape):
    a = rng.standard_normal(shape)
    n = shape[-1]
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _well(rng, shape):
    """Well-conditioned square matrices."""
    return rng.standard_normal(shape) + 2 * shape[-1] ** 0.5 * np.eye(shape[-1])


def test_linalg_namespace_is_keras_linalg():
    assert sorted(ops.linalg.__all__) == sorted(KERAS_LINALG)
    for name in KERAS_LINALG:
        assert getattr(ops.linalg, name) is getattr(ops, name)
    assert ops.logdet is not None and ops.slogdet is not None


# -- forward values against NumPy ------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)])
def test_square_forwards(shape, rng):
    a = _well(rng, shape)
    s = _spd(rng, shape)
    np.testing.assert_allclose(ops.det(a).numpy(), np.linalg.det(a), rtol=1e-10)
    np.testing.assert_allclose(ops.inv(a).numpy(), np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(ops.cholesky(s).numpy(), np.linalg.cholesky(s), rtol=1e-10)
    np.testing.assert_allclose(
        ops.cholesky(s, upper=True).numpy(), np.swapaxes(np.linalg.cholesky(s), -1, -2)
    )
    sign, logabs = ops.slogdet(a)
    np.testing.assert_allclose(sign.numpy(), np.linalg.slogdet(a)[0])
    np.testing.assert_allclose(logabs.numpy(), np.linalg.slogdet(a)[1], rtol=1e-10)
    np.testing.assert_allclose(ops.logdet(a).numpy(), np.linalg.slogdet(a)[1], rtol=1e-10)
    w, v = ops.eigh(s)
    np.testing.assert_allclose(w.numpy(), np.linalg.eigvalsh(s), rtol=1e-10)
    np.testing.assert_allclose(
        (v.numpy() * w.numpy()[..., None, :]) @ np.swapaxes(v.numpy(), -1, -2), s, atol=1e-9
    )
    chol = np.linalg.cholesky(s)
    np.testing.assert_allclose(ops.cholesky_inverse(chol).numpy(), np.linalg.inv(s), rtol=1e-8)
    upper = np.swapaxes(chol, -1, -2)
    np.testing.assert_allclose(
        ops.cholesky_inverse(upper, upper=True).numpy(), np.linalg.inv(s), rtol=1e-8
    )


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3), (5, 2)])
def test_decompositions_reconstruct(shape, rng):
    x = rng.standard_normal(shape)
    q, r = ops.qr(x)
    np.testing.assert_allclose((q.numpy() @ r.numpy()), x, atol=1e-12)
    q, r = ops.qr(x, mode="complete")
    assert q.shape[-1] == q.shape[-2] == shape[-2]
    np.testing.assert_allclose((q.numpy() @ r.numpy()), x, atol=1e-12)
    u, s, vh = ops.svd(x)
    assert u.shape == shape[:-2] + (shape[-2],) * 2 and vh.shape == shape[:-2] + (shape[-1],) * 2
    u, s, vh = ops.svd(x, full_matrices=False)
    np.testing.assert_allclose((u.numpy() * s.numpy()[..., None, :]) @ vh.numpy(), x, atol=1e-12)
    np.testing.assert_allclose(
        ops.svd(x, compute_uv=False).numpy(), np.linalg.svd(x, compute_uv=False)
    )
    np.testing.assert_allclose(ops.pinv(x).numpy(), np.linalg.pinv(x), atol=1e-12)
    assert ops.matrix_rank(x).dtype == "int32"
    np.testing.assert_array_equal(ops.matrix_rank(x).numpy(), np.linalg.matrix_rank(x))


def test_matrix_rank_tol_and_deficient():
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert int(ops.matrix_rank(a)) == 1
    assert int(ops.matrix_rank(np.diag([1.0, 1e-3]), tol=1e-2)) == 1


@pytest.mark.parametrize("shape", [(3, 3), (4, 4, 4), (3, 2), (2, 3)])
def test_lu_factor_matches_lapack_packing(shape, rng):
    x = rng.standard_normal(shape)
    lu, piv = ops.lu_factor(x)
    assert piv.dtype == "int32" and piv.shape == (*shape[:-2], min(shape[-2:]))
    lu = lu.numpy()
    m, n = shape[-2:]
    k = min(m, n)
    lower = np.tril(lu, -1)[..., :, :k] + np.eye(m, k)
    upper = np.triu(lu)[..., :k, :]
    rows = np.array(x, copy=True)
    for i in range(k):  # apply the row swaps in order
        p = piv.numpy()[..., i]
        idx = np.indices(p.shape)
        ri = rows[(*idx, i)].copy()
        rows[(*idx, i)] = rows[(*idx, p)]
        rows[(*idx, p)] = ri
    np.testing.assert_allclose(lower @ upper, rows, atol=1e-12)


def test_lu_factor_numpy_fallback_matches_scipy_path(rng, monkeypatch):
    x = rng.standard_normal((5, 5))
    lu, piv = numpy_kernels.lu_factor(x)
    batched_lu, batched_piv = numpy_kernels.lu_factor(x[None])  # the pure NumPy path
    np.testing.assert_allclose(batched_lu[0], lu, rtol=1e-12)
    np.testing.assert_array_equal(batched_piv[0], piv)


def test_kernels_without_scipy(rng, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name.startswith("scipy"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    a = np.tril(_well(rng, (4, 4)))
    b = rng.standard_normal((4, 2))
    np.testing.assert_allclose(a @ numpy_kernels.solve_triangular(a, b, lower=True), b, atol=1e-12)
    lu, piv = numpy_kernels.lu_factor(a.T)
    assert lu.shape == (4, 4) and piv.dtype == np.int32


@pytest.mark.parametrize(
    "a_shape,b_shape",
    [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 4)), ((2, 3, 3), (3, 1)), ((1, 1), (1,))],
)
def test_solve(a_shape, b_shape, rng):
    a, b = _well(rng, a_shape), rng.standard_normal(b_shape)
    out = ops.solve(a, b)
    np.testing.assert_allclose(out.numpy(), np.linalg.solve(a, b), rtol=1e-10)
    check_gradients(ops.solve, [a, b])


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize(
    "a_shape,b_shape",
    [
        ((3, 3), (3,)),
        ((3, 3), (3, 2)),
        ((2, 3, 3), (2, 3)),
        ((2, 3, 3), (1, 3, 4)),
        ((3, 3), (2, 3, 1)),
    ],
)
def test_solve_triangular(lower, a_shape, b_shape, rng):
    a, b = _well(rng, a_shape), rng.standard_normal(b_shape)
    tri = np.tril(a) if lower else np.triu(a)
    out = ops.solve_triangular(a, b, lower=lower).numpy()
    vector = len(b_shape) == len(a_shape) - 1
    core = 1 if vector else 2
    batch = np.broadcast_shapes(a_shape[:-2], b_shape[: len(b_shape) - core])
    assert out.shape == batch + b_shape[len(b_shape) - core :]
    recon = (tri @ out[..., None])[..., 0] if vector else tri @ out
    np.testing.assert_allclose(recon, np.broadcast_to(b, recon.shape), atol=1e-10)
    check_gradients(lambda x, y: ops.solve_triangular(x, y, lower=lower), [a, b])


@pytest.mark.parametrize(
    "a_shape,b_shape", [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 3), (3,)), ((2, 4), (2,))]
)
def test_lstsq(a_shape, b_shape, rng):
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    np.testing.assert_allclose(
        ops.lstsq(a, b).numpy(), np.linalg.lstsq(a, b, rcond=None)[0], rtol=1e-8, atol=1e-10
    )
    check_gradients(ops.lstsq, [a, b])


# -- gradients --------------------------------------------------------------------------

SQUARE_GRADS = {
    "det": (ops.det, _well),
    "inv": (ops.inv, _well),
    "logdet": (ops.logdet, _well),
    "slogdet": (lambda x: ops.slogdet(x)[1], _well),
    "cholesky": (ops.cholesky, _spd),
    "cholesky_upper": (lambda x: ops.cholesky(x, upper=True), _spd),
    "cholesky_inverse": (lambda x: ops.cholesky_inverse(ops.cholesky(x)), _spd),
    "cholesky_inverse_factor": (ops.cholesky_inverse, lambda r, s: np.tril(_well(r, s))),
    "cholesky_inverse_upper": (
        lambda x: ops.cholesky_inverse(x, upper=True),
        lambda r, s: np.triu(_well(r, s)),
    ),
    "eigh_values": (lambda x: ops.eigh(x)[0], _spd),
    "eigh_vectors_squared": (lambda x: ops.eigh(x)[1] ** 2, _spd),
    "eigh_both": (lambda x: ops.eigh(x), _spd),
    "lu_factor": (lambda x: ops.lu_factor(x)[0], lambda r, s: r.standard_normal(s)),
    "pinv_square": (ops.pinv, _well),
}


@pytest.mark.parametrize("name", SQUARE_GRADS)
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (1, 1)])
def test_square_gradients(name, shape, rng):
    fn, make = SQUARE_GRADS[name]
    check_gradients(fn, [make(rng, shape)], rtol=1e-4)


def test_det_gradient_of_singular_matrix_is_adjugate():
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    t = ops.convert_to_tensor(a)
    with lamina.GradientTape() as tape:
        tape.watch(t)
        d = ops.det(t)
    # d det / dA = adj(A)^T = [[d, -c], [-b, a]]
    np.testing.assert_allclose(tape.gradient(d, t).numpy(), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)


RECT_GRADS = {
    "qr_reduced": (lambda x: ops.qr(x)),
    "svd_values": (lambda x: ops.svd(x, compute_uv=False)),
    "svd_reduced": (lambda x: ops.svd(x, full_matrices=False)),
    "pinv": ops.pinv,
    "norm_nuc": (lambda x: ops.norm(x, ord="nuc", axis=(-2, -1))),
    "norm_2": (lambda x: ops.norm(x, ord=2, axis=(-2, -1))),
    "norm_m2": (lambda x: ops.norm(x, ord=-2, axis=(-1, -2))),
}


@pytest.mark.parametrize("name", RECT_GRADS)
@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3), (3, 3)])
def test_rectangular_gradients(name, shape, rng):
    check_gradients(RECT_GRADS[name], [rng.standard_normal(shape)], rtol=1e-4)


@pytest.mark.parametrize("shape", [(3, 5), (2, 4)])
def test_wide_svd_and_pinv_gradients(shape, rng):
    x = rng.standard_normal(shape)
    check_gradients(lambda t: ops.svd(t, full_matrices=False), [x], rtol=1e-4)
    check_gradients(ops.svd, [rng.standard_normal((3, 3))], rtol=1e-4)
    check_gradients(ops.pinv, [x], rtol=1e-4)


@pytest.mark.parametrize(
    "fn,shape,match",
    [
        (lambda x: ops.qr(x)[0], (2, 4), "qr: the gradient"),
        (lambda x: ops.qr(x, mode="complete")[0], (4, 2), "qr: the gradient"),
        (lambda x: ops.svd(x)[0], (4, 2), "svd: the gradient"),
        (lambda x: ops.lu_factor(x)[0], (4, 2), "lu_factor: the gradient"),
    ],
)
def test_unsupported_gradients_raise_clearly(fn, shape, match):
    t = ops.convert_to_tensor(np.random.default_rng(0).standard_normal(shape))
    with lamina.GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
    with pytest.raises(ValueError, match=match):
        tape.gradient(y, t)


def test_eig_has_no_gradient_and_complex_outputs(rng):
    x = rng.standard_normal((3, 3)).astype("float32")
    w, v = ops.eig(x)
    assert w.dtype == "complex64" and v.dtype == "complex64"
    np.testing.assert_allclose(x @ v.numpy(), v.numpy() * w.numpy()[None, :], atol=1e-5)
    t = ops.convert_to_tensor(x)
    with lamina.GradientTape() as tape:
        tape.watch(t)
        w, _ = ops.eig(t)
    assert w._node is None


# -- norm -------------------------------------------------------------------------------

VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 3, 0.5, -1, -2]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("axis,keepdims", [(None, False), (-1, False), (0, True), ((1,), False)])
def test_vector_norms(ord, axis, keepdims, rng):
    x = rng.standard_normal((3, 4)) + 0.1
    if axis is None:
        x = x[0]
    out = ops.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    expected = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    check_gradients(lambda t: ops.norm(t, ord=ord, axis=axis, keepdims=keepdims), [x])


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize(
    "axis,keepdims", [(None, False), ((0, 1), True), ((2, 0), False), ((-1, -2), True)]
)
def test_matrix_norms(ord, axis, keepdims, rng):
    x = rng.standard_normal((3, 4) if axis is None else (3, 2, 4))
    out = ops.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    expected = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)
    check_gradients(lambda t: ops.norm(t, ord=ord, axis=axis, keepdims=keepdims), [x], rtol=1e-4)


def test_norm_whole_tensor_and_dtypes(rng):
    x = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(ops.norm(x).numpy(), np.linalg.norm(x.ravel()))
    assert ops.norm(x, keepdims=True).shape == (1, 1, 1)
    check_gradients(ops.norm, [x])
    assert ops.norm(np.array([3, 4], "int32")).dtype == "float32"
    assert ops.norm(np.array([3, 4], "float16")).dtype == "float16"
    assert float(ops.norm(np.array([0.0, 2.0, 0.0]), ord=0)) == 1.0


def test_norm_ties_share_gradient():
    t = ops.convert_to_tensor(np.array([3.0, -3.0, 1.0]))
    with lamina.GradientTape() as tape:
        tape.watch(t)
        y = ops.norm(t, ord=np.inf)
    np.testing.assert_allclose(tape.gradient(y, t).numpy(), [0.5, -0.5, 0.0])


def test_norm_of_zero_vector_has_zero_gradient():
    t = ops.convert_to_tensor(np.zeros(3))
    with lamina.GradientTape() as tape:
        tape.watch(t)
        y = ops.norm(t)
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), np.zeros(3))


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(ord=2), "improper number of axes"),
        (dict(axis=(0, 1, 2)), "improper number of axes"),
        (dict(ord="fro", axis=0), "invalid ord"),
        (dict(ord=3, axis=(0, 1)), "invalid ord"),
        (dict(axis=5), "out of bounds"),
    ],
)
def test_norm_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ops.norm(np.ones((2, 3, 4)), **kwargs)


# -- dtypes and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        ops.det,
        ops.inv,
        ops.logdet,
        ops.pinv,
        ops.cholesky,
        lambda x: ops.eigh(x)[0],
        lambda x: ops.qr(x)[0],
        lambda x: ops.svd(x)[1],
        lambda x: ops.slogdet(x)[0],
        lambda x: ops.lu_factor(x)[0],
        lambda x: ops.solve(x, x),
        lambda x: ops.lstsq(x, x),
        lambda x: ops.solve_triangular(x, x),
        ops.cholesky_inverse,
    ],
)
@pytest.mark.parametrize(
    "dtype,expected", [("int32", "float32"), ("float16", "float16"), ("float64", "float64")]
)
def test_output_dtypes(fn, dtype, expected):
    x = np.array([[4, 1], [1, 3]]).astype(dtype)
    assert fn(x).dtype == expected


@pytest.mark.parametrize(
    "fn,arg,match",
    [
        (ops.det, np.ones(3), "rank >= 2"),
        (ops.inv, np.ones((2, 3)), "square"),
        (ops.cholesky, -np.eye(2), "cholesky: decomposition failed"),
        (ops.inv, np.zeros((2, 2)), "singular"),
        (lambda x: ops.solve(x, np.ones(3)), np.eye(2), "incompatible shapes"),
        (lambda x: ops.solve_triangular(x, np.ones((3, 1))), np.eye(2), "incompatible shapes"),
        (lambda x: ops.lstsq(x, np.ones(3)), np.ones((2, 2, 2)), "rank 2"),
        (lambda x: ops.qr(x, mode="r"), np.eye(2), "mode"),
    ],
)
def test_errors(fn, arg, match):
    with pytest.raises(ValueError, match=match):
        fn(arg)


def test_empty_batch(rng):
    x = np.zeros((0, 3, 3))
    assert ops.det(x).shape == (0,)
    assert ops.inv(x).shape == (0, 3, 3)


# -- jvp --------------------------------------------------------------------------------


def test_jvp_matches_jacobian(rng):
    x = rng.standard_normal(3)
    a = rng.standard_normal((2, 3))
    tx, ta = rng.standard_normal(3), rng.standard_normal((2, 3))

    def fun(x, a):
        y = ops.matmul(a, x)
        return ops.exp(y) * y

    out, tangent = ops.jvp(fun, (x, a), (tx, ta))
    eps = 1e-6
    numeric = (
        fun(x + eps * tx, a + eps * ta).numpy() - fun(x - eps * tx, a - eps * ta).numpy()
    ) / (2 * eps)
    np.testing.assert_allclose(tangent.numpy(), numeric, rtol=1e-6)
    np.testing.assert_allclose(out.numpy(), fun(x, a).numpy())


def test_jvp_structures_and_aux():
    x = ops.convert_to_tensor([1.0, 2.0])

    def fun(d):
        return {"sq": d["x"] * d["x"], "lin": d["x"] * 3.0}, "aux"

    out, tangent, aux = ops.linalg.jvp(
        fun, ({"x": x},), ({"x": ops.convert_to_tensor([1.0, 0.0])},), has_aux=True
    )
    assert aux == "aux"
    np.testing.assert_allclose(tangent["sq"].numpy(), [2.0, 0.0])
    np.testing.assert_allclose(tangent["lin"].numpy(), [3.0, 0.0])
    np.testing.assert_allclose(out["sq"].numpy(), [1.0, 4.0])


def test_jvp_errors():
    with pytest.raises(TypeError, match="tuples or lists"):
        ops.jvp(lambda x: x, np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="shape"):
        ops.jvp(lambda x: x, (np.ones(2),), (np.ones(3),))
