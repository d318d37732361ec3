import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients


def _naive_unfold(x, k, d, p, s):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    out = np.zeros((n, c, k[0], k[1], oh, ow), x.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            for a in range(oh):
                for b in range(ow):
                    out[:, :, i, j, a, b] = xp[:, :, a * s[0] + i * d[0], b * s[1] + j * d[1]]
    return out.reshape(n, c * k[0] * k[1], oh * ow)


def _np_cross(a, b):
    # NumPy 2 deprecates 2-element vectors; pad them with a zero z component.
    def pad(v):
        return np.concatenate([v, np.zeros((*v.shape[:-1], 1))], -1) if v.shape[-1] == 2 else v

    out = np.cross(pad(a), pad(b))
    return out[..., 2] if a.shape[-1] == b.shape[-1] == 2 else out


# name -> (lamina fn, numpy reference, input shapes)
BINARY = {
    "matmul": (
        ops.matmul,
        np.matmul,
        [
            ((3, 4), (4, 5)),
            ((4,), (4, 2)),
            ((3, 4), (4,)),
            ((4,), (4,)),
            ((2, 1, 3, 4), (5, 4, 2)),
            ((0, 3), (3, 2)),
            ((3, 0), (0, 2)),
            ((1, 1), (1, 1)),
        ],
    ),
    "dot": (
        ops.dot,
        np.dot,
        [
            ((3, 4), (4, 5)),
            ((4,), (4,)),
            ((3, 4), (4,)),
            ((2, 3, 4), (4,)),
            ((2, 3, 4), (5, 4, 2)),
            ((), (3, 2)),
            ((3, 2), ()),
            ((0, 4), (4, 2)),
            ((2, 1, 4), (1, 4, 3)),
        ],
    ),
    "inner": (
        ops.inner,
        np.inner,
        [((3, 4), (5, 4)), ((4,), (4,)), ((2, 3, 4), (4,)), ((), (3,)), ((0, 4), (2, 4))],
    ),
    "outer": (ops.outer, np.outer, [((3,), (4,)), ((2, 2), (3,)), ((), (2,)), ((0,), (3,))]),
    "vdot": (ops.vdot, np.vdot, [((4,), (4,)), ((2, 3), (6,)), ((1,), (1,))]),
    "kron": (
        ops.kron,
        np.kron,
        [((2, 3), (3, 2)), ((3,), (2, 2)), ((2, 1, 2), (2, 3)), ((), (2,))],
    ),
    "cross": (
        ops.cross,
        lambda a, b: _np_cross(a, b),
        [((3,), (3,)), ((4, 3), (4, 3)), ((2, 1, 3), (5, 3)), ((4, 3), (4, 2)), ((4, 2), (4, 3))],
    ),
    "cdist": (
        ops.cdist,
        lambda x, y: np.sqrt(((x[..., :, None, :] - y[..., None, :, :]) ** 2).sum(-1)),
        [
            ((3, 4), (5, 4)),
            ((2, 3, 4), (2, 5, 4)),
            ((1, 1), (1, 1)),
            ((0, 2), (3, 2)),
            ((2, 3, 4), (5, 4)),
        ],
    ),
}
CASES = [(name, shapes) for name, (_, _, table) in BINARY.items() for shapes in table]


@pytest.mark.parametrize("name,shapes", CASES)
def test_forward_matches_numpy(name, shapes, rng):
    op, ref = BINARY[name][:2]
    a = rng.standard_normal(shapes[0]).astype("float32")
    b = rng.standard_normal(shapes[1]).astype("float32")
    out = op(a, b)
    expected = ref(a, b)
    assert out.shape == np.shape(expected)
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name,shapes", CASES)
def test_gradients(name, shapes, rng):
    op = BINARY[name][0]
    a = rng.standard_normal(shapes[0])
    b = rng.standard_normal(shapes[1])
    check_gradients(op, [a, b])


def test_planar_cross_is_scalar_per_pair(rng):
    a, b = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    out = ops.cross(a, b)
    assert out.shape == (4,)
    np.testing.assert_allclose(out.numpy(), a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0], rtol=1e-12)
    check_gradients(ops.cross, [a, b])


@pytest.mark.parametrize(
    "kwargs,shapes",
    [
        (dict(axisa=0, axisb=0, axisc=0), ((3, 4), (3, 4))),
        (dict(axis=1), ((2, 3, 4), (2, 3, 4))),
        (dict(axisa=0, axisb=-1, axisc=1), ((3, 5), (5, 3))),
    ],
)
def test_cross_axes(kwargs, shapes, rng):
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    np.testing.assert_allclose(ops.cross(a, b, **kwargs).numpy(), np.cross(a, b, **kwargs))
    check_gradients(lambda x, y: ops.cross(x, y, **kwargs), [a, b])


def test_cross_rejects_bad_vector_sizes():
    with pytest.raises(ValueError, match=r"cross: .*2 or 3"):
        ops.cross(np.ones(4), np.ones(3))


@pytest.mark.parametrize(
    "axes,shapes",
    [
        (2, ((2, 3, 4), (3, 4, 5))),
        (1, ((2, 3), (3, 4))),
        (0, ((2,), (3,))),
        (([0, 2], [1, 0]), ((4, 2, 3), (3, 4, 5))),
        (([1], [0]), ((2, 3), (3,))),
        ((1, 0), ((2, 3), (3, 4))),
    ],
)
def test_tensordot(axes, shapes, rng):
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    np.testing.assert_allclose(
        ops.tensordot(a, b, axes=axes).numpy(), np.tensordot(a, b, axes=axes), rtol=1e-10
    )
    check_gradients(lambda x, y: ops.tensordot(x, y, axes=axes), [a, b])


def test_tensordot_mismatch_error():
    with pytest.raises(ValueError, match="tensordot: axis"):
        ops.tensordot(np.ones((2, 3)), np.ones((4, 5)), axes=1)


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ba", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("iij->ij", [(3, 3, 2)]),
    ("i,i,i->", [(4,), (4,), (4,)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("b...i,...i->b...", [(2, 3, 4), (3, 4)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("i,j->ij", [(3,), (4,)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ab,cd->", [(2, 3), (4, 5)]),
    (" ij , jk -> ki ", [(2, 3), (3, 4)]),
    ("ij,jk->ik", [(0, 3), (3, 4)]),
    (",ij->ij", [(), (2, 3)]),
]


@pytest.mark.parametrize("spec,shapes", EINSUM)
def test_einsum_forward_and_gradients(spec, shapes, rng):
    arrays = [rng.standard_normal(s) for s in shapes]
    out = ops.einsum(spec, *[a.astype("float32") for a in arrays])
    expected = np.einsum(spec.replace(" ", ""), *arrays)
    assert out.shape == expected.shape
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)
    check_gradients(lambda *xs: ops.einsum(spec, *xs), arrays)


@pytest.mark.parametrize(
    "spec,shapes,match",
    [
        ("ij,jk->ik", [(2, 3)], "name 2 operand"),
        ("ijk", [(2, 3)], "subscripts 'ijk' name 3"),
        ("ij->q", [(2, 3)], "do not appear"),
        ("i2", [(2, 3)], "invalid character"),
    ],
)
def test_einsum_errors(spec, shapes, match):
    with pytest.raises(ValueError, match=match):
        ops.einsum(spec, *[np.ones(s) for s in shapes])


def test_einsum_kwargs():
    a = np.ones((2, 2), "float32")
    assert ops.einsum("ij,jk", a, a, optimize="greedy").shape == (2, 2)
    assert ops.einsum("ij,jk", a, a, preferred_element_type="float64").dtype == "float64"
    with pytest.raises(TypeError, match="unexpected keyword"):
        ops.einsum("ij,jk", a, a, bogus=1)


@pytest.mark.parametrize("mode", ["valid", "same", "full"])
@pytest.mark.parametrize("sizes", [(5, 3), (3, 5), (4, 4), (1, 3), (6, 1), (4, 2)])
def test_correlate(mode, sizes, rng):
    a, v = rng.standard_normal(sizes[0]), rng.standard_normal(sizes[1])
    out = ops.correlate(a, v, mode=mode)
    np.testing.assert_allclose(out.numpy(), np.correlate(a, v, mode), rtol=1e-10, atol=1e-12)
    check_gradients(lambda x, y: ops.correlate(x, y, mode=mode), [a, v])


def test_correlate_errors():
    with pytest.raises(ValueError, match="mode"):
        ops.correlate(np.ones(3), np.ones(2), mode="bad")
    with pytest.raises(ValueError, match="1-D"):
        ops.correlate(np.ones((2, 3)), np.ones(2))


@pytest.mark.parametrize("shape", [(3, 6), (2, 5), (4,), (1, 4)])
def test_corrcoef(shape, rng):
    x = rng.standard_normal(shape)
    out = ops.corrcoef(x.astype("float32"))
    expected = np.corrcoef(x)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)
    check_gradients(ops.corrcoef, [x])


@pytest.mark.parametrize(
    "kernel,dilation,padding,stride",
    [(2, 1, 0, 2), (3, 1, 1, 1), ((2, 3), (2, 1), (1, 0), (1, 2)), (1, 1, 0, 1)],
)
def test_unfold_fold(kernel, dilation, padding, stride, rng):
    x = rng.standard_normal((2, 3, 6, 7))
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    cols = ops.unfold(x, kernel, dilation=dilation, padding=padding, stride=stride)
    expected = _naive_unfold(x, pair(kernel), pair(dilation), pair(padding), pair(stride))
    np.testing.assert_allclose(cols.numpy(), expected)
    check_gradients(
        lambda t: ops.unfold(t, kernel, dilation=dilation, padding=padding, stride=stride), [x]
    )
    # fold is unfold's adjoint: <unfold(x), c> == <x, fold(c)>
    c = rng.standard_normal(cols.shape)
    folded = ops.fold(c, (6, 7), kernel, dilation=dilation, padding=padding, stride=stride)
    assert folded.shape == x.shape
    np.testing.assert_allclose(np.sum(expected * c), np.sum(x * folded.numpy()), rtol=1e-10)
    check_gradients(
        lambda t: ops.fold(t, (6, 7), kernel, dilation=dilation, padding=padding, stride=stride),
        [c],
    )


def test_unfold_fold_errors():
    with pytest.raises(ValueError, match="4-D"):
        ops.unfold(np.ones((2, 3, 4)), 2)
    with pytest.raises(ValueError, match="does not fit"):
        ops.unfold(np.ones((1, 1, 2, 2)), 3)
    with pytest.raises(ValueError, match="does not match"):
        ops.fold(np.ones((1, 4, 5)), 4, 2, stride=2)


# -- dtypes ----------------------------------------------------------------------------

DTYPE_CASES = [
    (ops.matmul, "int32", "int32", "int32"),
    (ops.matmul, "int8", "int8", "int32"),
    (ops.matmul, "int32", "float16", "float16"),
    (ops.matmul, "bool", "bool", "bool"),
    (ops.matmul, "uint8", "int8", "int16"),
    (ops.dot, "int8", "int8", "int8"),
    (ops.dot, "int32", "float32", "float32"),
    (ops.inner, "int32", "int32", "int32"),
    (ops.outer, "int32", "float16", "float16"),
    (ops.vdot, "int32", "int32", "int32"),
    (ops.kron, "int32", "int32", "int32"),
    (ops.tensordot, "int32", "float16", "float16"),
    (ops.cdist, "int32", "int32", "float32"),
    (ops.cdist, "float16", "float16", "float16"),
    (lambda a, b: ops.einsum("ij,jk", a, b), "int8", "int8", "int32"),
    (lambda a, b: ops.einsum("ij,jk", a, b), "int16", "int16", "int16"),
    (lambda a, b: ops.einsum("ij,jk", a, b), "int8", "float32", "float32"),
    (lambda a, b: ops.correlate(a[0], b[0]), "int32", "int32", "float32"),
    (lambda a, b: ops.correlate(a[0], b[0]), "int32", "float16", "float16"),
]


@pytest.mark.parametrize("op,d1,d2,expected", DTYPE_CASES)
def test_result_dtypes(op, d1, d2, expected):
    a = np.array([[1, 2], [3, 1]]).astype(d1)
    b = np.array([[1, 0], [2, 1]]).astype(d2)
    assert op(a, b).dtype == expected


def test_cross_dtypes():
    assert ops.cross(np.ones(3, "int32"), np.ones(3, "int32")).dtype == "int32"
    assert ops.cross(np.ones(3, "int32"), np.ones(3, "float16")).dtype == "float16"
    with pytest.raises(TypeError, match="boolean"):
        ops.cross(np.ones(3, bool), np.ones(3, bool))


def test_corrcoef_dtypes():
    assert ops.corrcoef(np.array([[1, 2, 4], [2, 1, 3]])).dtype == "float32"
    assert (
        ops.corrcoef(np.ones((2, 3), "float16") + np.eye(2, 3, dtype="float16")).dtype == "float16"
    )


def test_python_scalars_are_weak():
    i2 = np.array([[1, 2], [3, 4]], "int32")
    assert ops.dot(i2, 2.0).dtype == "float32"
    assert ops.dot(i2, 2).dtype == "int32"
    assert ops.outer(np.ones(2, "float16"), 3).dtype == "float16"
    np.testing.assert_allclose(ops.inner(i2, 2.0).numpy(), i2 * 2.0)


@pytest.mark.parametrize(
    "op,shapes,match",
    [
        (ops.matmul, ((2, 3), (4, 5)), r"matmul: shapes \(2, 3\) and \(4, 5\)"),
        (ops.matmul, ((), (2,)), "rank >= 1"),
        (ops.dot, ((2, 3, 4), (5, 2)), "dot: shapes .* not aligned"),
        (ops.inner, ((2, 3), (2,)), "inner: the last axes"),
        (ops.vdot, ((2, 3), (5,)), "vdot: .*same number"),
        (ops.cdist, ((3,), (3,)), "cdist: .*rank >= 2"),
        (ops.cdist, ((2, 3), (2, 4)), "cdist: the last axes"),
    ],
)
def test_shape_errors(op, shapes, match):
    with pytest.raises(ValueError, match=match):
        op(np.ones(shapes[0]), np.ones(shapes[1]))


def test_matmul_operator_and_tape():
    w = lamina.Variable(np.eye(2, dtype="float32"))
    x = ops.convert_to_tensor([[1.0, 2.0]])
    with lamina.GradientTape() as tape:
        y = ops.sum(x @ w)
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), [[1, 1], [2, 2]])


def test_cdist_zero_distance_gradient_is_finite():
    x = np.array([[0.0, 1.0], [2.0, 2.0]])
    t = ops.convert_to_tensor(x)
    with lamina.GradientTape() as tape:
        tape.watch(t)
        d = ops.sum(ops.cdist(t, t))
    g = tape.gradient(d, t).numpy()
    assert np.all(np.isfinite(g))
