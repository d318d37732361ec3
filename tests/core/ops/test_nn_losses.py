"""Crossentropies and PSNR of lamina.ops.nn: values, dtypes, errors and gradients."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients

EPS = 1e-7


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _bce_ref(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


@pytest.mark.parametrize("shape", [(6,), (3, 4), (2, 1, 3), (), (0, 2)])
def test_binary_crossentropy_values(shape, rng):
    t = rng.uniform(0, 1, shape)
    z = rng.standard_normal(shape) * 3
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(ops.nn.binary_crossentropy(t, p).numpy(), _bce_ref(t, p))
    logits = ops.nn.binary_crossentropy(t, z, from_logits=True)
    assert logits.shape == shape and logits.dtype == "float64"
    np.testing.assert_allclose(logits.numpy(), _bce_ref(t, p), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("shape", [(5,), (2, 3), ()])
def test_binary_crossentropy_gradients(from_logits, shape, rng):
    t = rng.uniform(0, 1, shape)
    o = rng.standard_normal(shape) if from_logits else rng.uniform(0.05, 0.95, shape)
    check_gradients(lambda a, b: ops.nn.binary_crossentropy(a, b, from_logits=from_logits), [t, o])


def test_binary_crossentropy_clipped_probabilities_get_no_gradient():
    p = ops.convert_to_tensor(np.array([0.0, 1.0, 0.5]))
    with lamina.GradientTape() as tape:
        tape.watch(p)
        loss = ops.nn.binary_crossentropy(np.array([1.0, 0.0, 1.0]), p)
    np.testing.assert_allclose(loss.numpy()[:2], -np.log(EPS), rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, p).numpy(), [0.0, 0.0, -2.0])


def test_binary_crossentropy_from_logits_is_stable():
    z = np.array([-500.0, 500.0, 0.0], "float32")
    t = np.array([1.0, 0.0, 0.5], "float32")
    np.testing.assert_allclose(
        ops.nn.binary_crossentropy(t, z, from_logits=True).numpy(), [500, 500, np.log(2)]
    )


@pytest.mark.parametrize("shape,axis", [((4, 5), -1), ((2, 3, 4), 1), ((6,), 0), ((0, 3), -1)])
def test_categorical_crossentropy_values(shape, axis, rng):
    t = rng.uniform(0, 1, shape)
    z = rng.standard_normal(shape) * 3
    ref = -np.sum(t * np.log(_softmax(z, axis)), axis=axis)
    got = ops.nn.categorical_crossentropy(t, z, from_logits=True, axis=axis)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-10)
    p = rng.uniform(0.1, 1, shape)
    p_norm = np.clip(p / p.sum(axis=axis, keepdims=True), EPS, 1 - EPS)
    np.testing.assert_allclose(
        ops.nn.categorical_crossentropy(t, p, axis=axis).numpy(),
        -np.sum(t * np.log(p_norm), axis=axis),
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("shape,axis", [((3, 4), -1), ((2, 3, 4), 1), ((5,), 0)])
def test_categorical_crossentropy_gradients(from_logits, shape, axis, rng):
    t = rng.uniform(0, 1, shape)
    o = rng.standard_normal(shape) if from_logits else rng.uniform(0.1, 1.0, shape)
    check_gradients(
        lambda a, b: ops.nn.categorical_crossentropy(a, b, from_logits=from_logits, axis=axis),
        [t, o],
    )


def test_categorical_from_logits_backward_is_softmax_minus_target(rng):
    z = ops.convert_to_tensor(rng.standard_normal((4, 6)).astype("float32"))
    t = np.eye(6, dtype="float32")[[0, 3, 5, 1]]
    with lamina.GradientTape() as tape:
        tape.watch(z)
        loss = ops.nn.categorical_crossentropy(t, z, from_logits=True)
    assert loss._node.name == "categorical_crossentropy"
    np.testing.assert_allclose(
        tape.gradient(loss, z).numpy(), _softmax(z.numpy()) - t, rtol=1e-5, atol=1e-7
    )


def test_categorical_crossentropy_is_stable_for_huge_logits():
    z = np.array([[1e4, 0.0, -1e4]], "float32")
    np.testing.assert_allclose(
        ops.nn.categorical_crossentropy(np.array([[0.0, 1.0, 0.0]]), z, from_logits=True), [1e4]
    )


@pytest.mark.parametrize(
    "labels,shape,axis",
    [
        ([0, 3, 1, 2], (4, 4), -1),
        ([[1], [0], [2]], (3, 3), -1),
        ([[0, 1, 2], [2, 2, 0]], (2, 3, 3), -1),
        ([[0, 1, 2, 0], [2, 2, 0, 1]], (2, 3, 4), 1),
    ],
)
@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy_matches_dense(labels, shape, axis, from_logits, rng):
    labels = np.array(labels, "int32")
    o = rng.standard_normal(shape) if from_logits else rng.uniform(0.1, 1.0, shape)
    dense_labels = labels.reshape(labels.shape[:-1]) if labels.shape[-1] == 1 else labels
    onehot = np.moveaxis(np.eye(shape[axis])[dense_labels], -1, axis)
    sparse = ops.nn.sparse_categorical_crossentropy(labels, o, from_logits=from_logits, axis=axis)
    dense = ops.nn.categorical_crossentropy(onehot, o, from_logits=from_logits, axis=axis)
    assert sparse.shape == dense.shape and sparse.dtype == "float64"
    np.testing.assert_allclose(sparse.numpy(), dense.numpy(), rtol=1e-12)
    check_gradients(
        lambda a: ops.nn.sparse_categorical_crossentropy(
            labels, a, from_logits=from_logits, axis=axis
        ),
        [o],
    )


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_crossentropy_ignores_out_of_range_labels(from_logits, rng):
    o = ops.convert_to_tensor(rng.uniform(0.1, 1.0, (3, 4)))
    with lamina.GradientTape() as tape:
        tape.watch(o)
        loss = ops.nn.sparse_categorical_crossentropy([-1, 2, 4], o, from_logits=from_logits)
    assert loss.numpy()[0] == 0 and loss.numpy()[2] == 0 and loss.numpy()[1] > 0
    grad = tape.gradient(loss, o).numpy()
    assert (grad[[0, 2]] == 0).all() and (grad[1] != 0).any()


def test_sparse_categorical_float_labels_and_empty_batch():
    o = np.full((2, 3), 0.5, "float32")
    assert ops.nn.sparse_categorical_crossentropy(np.array([1.0, 2.0]), o).dtype == "float32"
    empty = ops.nn.sparse_categorical_crossentropy(np.zeros((0,), "int32"), np.ones((0, 3)))
    assert empty.shape == (0,)


@pytest.mark.parametrize(
    "fn,target,output,match",
    [
        (ops.nn.binary_crossentropy, np.ones(3), np.ones(4), "same shape"),
        (ops.nn.categorical_crossentropy, np.ones((2, 3)), np.ones((3, 2)), "same shape"),
        (ops.nn.sparse_categorical_crossentropy, np.ones(3, "int32"), np.ones((2, 4)), "up until"),
    ],
)
def test_crossentropy_shape_errors(fn, target, output, match):
    with pytest.raises(ValueError, match=match):
        fn(target, output)


def test_psnr(rng):
    x1, x2 = rng.uniform(0, 1, (2, 5, 3)), rng.uniform(0, 1, (2, 5, 3))
    ref = 20 * np.log10(1.0) - 10 * np.log10(np.mean((x1 - x2) ** 2))
    np.testing.assert_allclose(ops.nn.psnr(x1, x2, 1.0).numpy(), ref)
    assert ops.nn.psnr(x1.astype("float32"), x2.astype("float32"), 1.0).dtype == "float32"
    check_gradients(lambda a, b: ops.nn.psnr(a, b, 2.0), [x1, x2])
    check_gradients(lambda a, b, m: ops.nn.psnr(a, b, m), [x1, x2, np.array(1.5)])
    with pytest.raises(ValueError, match="must match"):
        ops.nn.psnr(x1, x2[0], 1.0)


@pytest.mark.parametrize(
    "fn,target",
    [
        (lambda t, o: ops.nn.binary_crossentropy.forward(t, o, True), "dense"),
        (lambda t, o: ops.nn.binary_crossentropy.forward(t, o, False), "dense"),
        (lambda t, o: ops.nn.categorical_crossentropy.forward(t, o, True), "dense"),
        (lambda t, o: ops.nn.categorical_crossentropy.forward(t, o, False), "dense"),
        (lambda t, o: ops.nn.sparse_categorical_crossentropy.forward(t, o, True), "sparse"),
        (lambda t, o: ops.nn.sparse_categorical_crossentropy.forward(t, o, False), "sparse"),
    ],
)
def test_losses_stay_float32(fn, target, rng):
    o = rng.uniform(0.1, 0.9, (4, 3)).astype("float32")
    t = rng.integers(0, 3, 4).astype("int32") if target == "sparse" else o[::-1].copy()
    loss, vjp = fn(t, o)
    grads = [g() if callable(g) else g for g in vjp(np.ones_like(loss))]
    assert loss.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads if g is not None)
