"""keras.ops.linalg (and logdet/slogdet) against Keras on JAX, values and gradients."""

import numpy as np
import pytest
from harness import assert_parity, keras

from lamina import ops

# LAPACK (NumPy) and XLA factorize in different orders; float32 results agree to
# about 1e-5 relative, but the gradients of inverses and decompositions amplify
# rounding by the condition number, so gradient-carrying linalg checks use 1e-4.
TOL = dict(rtol=1e-4, atol=1e-5)


def _rand(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _well(shape, seed=0):
    n = shape[-1]
    return (_rand(shape, seed) + 2 * n**0.5 * np.eye(n)).astype("float32")


def _spd(shape, seed=0):
    a = _rand(shape, seed)
    n = shape[-1]
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype("float32")


def test_namespace_matches_keras():
    names = sorted(n for n in dir(keras.ops.linalg) if not n.startswith("_"))
    assert sorted(ops.linalg.__all__) == names


SQUARE = [
    ("det", _well),
    ("inv", _well),
    ("logdet", _well),
    ("cholesky", _spd),
    ("cholesky_upper", _spd),
    ("cholesky_inverse", lambda s, seed=0: np.tril(_well(s, seed))),
    ("cholesky_inverse_upper", lambda s, seed=0: np.triu(_well(s, seed))),
    ("slogdet", _well),
    ("eigh_values", _spd),
    ("pinv", _well),
]


def _op(lib, name):
    linalg = lib.linalg
    return {
        "cholesky_upper": lambda x: linalg.cholesky(x, upper=True),
        "cholesky_inverse_upper": lambda x: linalg.cholesky_inverse(x, upper=True),
        "eigh_values": lambda x: linalg.eigh(x)[0],
        "logdet": lambda x: lib.logdet(x),
        "slogdet": lambda x: lib.slogdet(x),
    }.get(name) or getattr(linalg, name)


@pytest.mark.parametrize("name,make", SQUARE)
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_square_parity(name, make, shape):
    if name.startswith("cholesky_inverse") and len(shape) > 2:
        pytest.skip("Keras's JAX cholesky_inverse fails on batches (eye/solve broadcast)")
    assert_parity(_op(ops, name), _op(keras.ops, name), [make(shape)], **TOL)


def test_eigh_vectors_parity():
    # Eigenvectors are defined up to sign; compare a sign-invariant function of them.
    x = _spd((4, 4), seed=1)
    assert_parity(
        lambda t: ops.linalg.eigh(t)[1] ** 2, lambda t: keras.ops.linalg.eigh(t)[1] ** 2, [x], **TOL
    )


@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 5, 3)])
def test_qr_parity(shape):
    # Householder QR in LAPACK and XLA fixes the same signs (positive reflectors).
    # Keras returns a QRResult namedtuple; the harness rebuilds plain tuples.
    assert_parity(ops.linalg.qr, lambda x: tuple(keras.ops.linalg.qr(x)), [_rand(shape, 2)], **TOL)
    assert_parity(
        lambda x: ops.linalg.qr(x, mode="complete"),
        lambda x: tuple(keras.ops.linalg.qr(x, mode="complete")),
        [_rand(shape, 2)],
        grads=shape[-1] == shape[-2],
        **TOL,
    )


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 3, 3)])
def test_svd_parity(shape):
    x = _rand(shape, 3)
    assert_parity(
        lambda t: ops.linalg.svd(t, compute_uv=False),
        lambda t: keras.ops.linalg.svd(t, compute_uv=False),
        [x],
        **TOL,
    )

    # Singular vectors are defined up to sign per pair: compare u * v^T products.
    def rank_ones(lib):
        def fn(t):
            u, s, vh = lib.linalg.svd(t, full_matrices=False)
            return lib.einsum("...ik,...kj->...kij", u, vh), s

        return fn

    assert_parity(rank_ones(ops), rank_ones(keras.ops), [x], **TOL)


@pytest.mark.parametrize(
    "a_shape,b_shape", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 4))]
)
def test_solve_parity(a_shape, b_shape):
    assert_parity(
        ops.linalg.solve, keras.ops.linalg.solve, [_well(a_shape, 4), _rand(b_shape, 5)], **TOL
    )


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize(
    "a_shape,b_shape",
    [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3)), ((2, 3, 3), (2, 3, 4))],
)
def test_solve_triangular_parity(lower, a_shape, b_shape):
    assert_parity(
        lambda a, b: ops.linalg.solve_triangular(a, b, lower=lower),
        lambda a, b: keras.ops.linalg.solve_triangular(a, b, lower=lower),
        [_well(a_shape, 6), _rand(b_shape, 7)],
        **TOL,
    )


@pytest.mark.parametrize("a_shape,b_shape", [((5, 3), (5,)), ((5, 3), (5, 2)), ((3, 3), (3, 2))])
def test_lstsq_parity(a_shape, b_shape):
    assert_parity(
        ops.linalg.lstsq, keras.ops.linalg.lstsq, [_rand(a_shape, 8), _rand(b_shape, 9)], **TOL
    )


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (4, 3)])
def test_lu_factor_parity(shape):
    x = _rand(shape, 10)
    # JAX's lu_factor also differentiates the packed LU; compare values and pivots, plus
    # gradients for square matrices.
    assert_parity(
        ops.linalg.lu_factor, keras.ops.linalg.lu_factor, [x], grads=shape[-1] == shape[-2], **TOL
    )


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 3)])
def test_pinv_and_matrix_rank_parity(shape):
    x = _rand(shape, 11)
    assert_parity(ops.linalg.pinv, keras.ops.linalg.pinv, [x], **TOL)
    assert_parity(ops.linalg.matrix_rank, keras.ops.linalg.matrix_rank, [x])
    deficient = np.array([[1.0, 2.0], [2.0, 4.0]], "float32")
    assert_parity(ops.linalg.matrix_rank, keras.ops.linalg.matrix_rank, [deficient])


NORMS = [
    ({}, (5,)),
    ({}, (3, 4)),
    ({}, (2, 3, 4)),
    ({"ord": 1}, (5,)),
    ({"ord": np.inf}, (5,)),
    ({"ord": -np.inf}, (5,)),
    ({"ord": 3}, (5,)),
    ({"ord": 0}, (5,)),
    ({"ord": -1}, (5,)),
    ({"axis": 1, "keepdims": True}, (3, 4)),
    ({"ord": "fro", "axis": (0, 1)}, (3, 4)),
    ({"ord": "nuc"}, (3, 4)),
    ({"ord": 1}, (3, 4)),
    ({"ord": -1}, (3, 4)),
    ({"ord": np.inf}, (3, 4)),
    ({"ord": -np.inf}, (3, 4)),
    ({"ord": 2}, (3, 4)),
    ({"ord": -2}, (3, 4)),
    ({"ord": 2, "axis": (2, 0), "keepdims": True}, (3, 2, 4)),
]


@pytest.mark.parametrize("kwargs,shape", NORMS)
def test_norm_parity(kwargs, shape):
    assert_parity(
        lambda x: ops.linalg.norm(x, **kwargs),
        lambda x: keras.ops.linalg.norm(x, **kwargs),
        [_rand(shape, 12)],
        **TOL,
    )


def test_norm_int_parity():
    x = np.array([[3, -4], [1, 2]], "int32")
    assert_parity(ops.linalg.norm, keras.ops.linalg.norm, [x])
    assert_parity(
        lambda t: ops.linalg.norm(t, ord=0), lambda t: keras.ops.linalg.norm(t, ord=0), [x[0]]
    )


@pytest.mark.parametrize(
    "name", ["det", "inv", "logdet", "slogdet", "cholesky_inverse", "pinv", "norm"]
)
def test_int_input_dtype_parity(name):
    x = np.array([[4, 1], [1, 3]], "int32")
    lam = _op(ops, name) if name not in ("pinv", "norm") else getattr(ops.linalg, name)
    ker = _op(keras.ops, name) if name not in ("pinv", "norm") else getattr(keras.ops.linalg, name)
    assert_parity(lam, ker, [x], **TOL)


def test_eig_parity():
    # A symmetric input has real eigenvalues; compare them sorted (order is unspecified).
    x = _spd((3, 3), seed=13)
    lw, _ = ops.linalg.eig(x)
    kw, _ = keras.ops.linalg.eig(x)
    assert lw.dtype == str(np.asarray(kw).dtype) == "complex64"
    np.testing.assert_allclose(np.sort(lw.numpy().real), np.sort(np.asarray(kw).real), rtol=1e-5)


def test_jvp_parity():
    x = _rand((3,), 14)
    a = _rand((2, 3), 15)
    tx, ta = _rand((3,), 16), _rand((2, 3), 17)

    def fun(lib):
        return lambda x, a: lib.matmul(a, x * x) * lib.sum(a)

    lo, lt = ops.linalg.jvp(fun(ops), (x, a), (tx, ta))
    ko, kt = keras.ops.linalg.jvp(fun(keras.ops), (x, a), (tx, ta))
    np.testing.assert_allclose(lo.numpy(), np.asarray(ko), rtol=1e-5)
    np.testing.assert_allclose(lt.numpy(), np.asarray(kt), rtol=1e-5, atol=1e-6)
