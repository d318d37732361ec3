"""The crossentropy losses from logits: one fused tape node each, with exact gradients."""

import numpy as np
import pytest

import lamina
from lamina import losses, ops
from lamina.autodiff.gradient_check import check_gradients


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_categorical_crossentropy_gradients_float64(from_logits, label_smoothing, rng):
    y_true = _softmax(rng.standard_normal((3, 4)))
    z = rng.standard_normal((3, 4))
    y_pred = z if from_logits else _softmax(z)
    loss = losses.CategoricalCrossentropy(
        from_logits=from_logits, label_smoothing=label_smoothing, dtype="float64"
    )
    check_gradients(lambda t, p: loss(t, p, sample_weight=[1.0, 0.5, 2.0]), [y_true, y_pred])


@pytest.mark.parametrize("from_logits", [True, False])
def test_binary_crossentropy_gradients_float64(from_logits, rng):
    y_true = rng.uniform(size=(3, 4))
    y_pred = rng.standard_normal((3, 4)) if from_logits else rng.uniform(0.1, 0.9, (3, 4))
    loss = losses.BinaryCrossentropy(from_logits=from_logits, dtype="float64")
    check_gradients(loss, [y_true, y_pred])


@pytest.mark.parametrize("from_logits", [True, False])
def test_sparse_categorical_crossentropy_gradients_float64(from_logits, rng):
    labels = np.array([[0, 3], [2, 1], [1, 1]])
    z = rng.standard_normal((3, 2, 4))
    y_pred = z if from_logits else _softmax(z)
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits, dtype="float64")
    check_gradients(lambda p: loss(labels, p), [y_pred])


@pytest.mark.parametrize(
    "fn, y_true",
    [
        (losses.categorical_crossentropy, np.eye(4)[[0, 2, 3]]),
        (losses.sparse_categorical_crossentropy, np.array([0, 2, 3])),
        (losses.binary_crossentropy, np.ones((3, 4))),
    ],
)
def test_from_logits_is_one_tape_node(fn, y_true, rng):
    logits = ops.convert_to_tensor(rng.standard_normal((3, 4)).astype("float32"))
    with lamina.GradientTape() as tape:
        tape.watch(logits)
        out = fn(y_true, logits, from_logits=True)
    node = out._node
    if fn is losses.binary_crossentropy:  # the mean over the last axis follows the node
        node = node.parents[0][0]
    # The crossentropy node reads the watched logits directly: no softmax/log/clip chain.
    assert node.parents[-1][0] is logits._node
    assert tape.gradient(out, logits).shape == (3, 4)


def test_huge_logits_give_finite_loss_and_gradient():
    logits = lamina.Variable([[1000.0, -1000.0, 0.0]])
    with lamina.GradientTape() as tape:
        loss = losses.CategoricalCrossentropy(from_logits=True)([[0.0, 1.0, 0.0]], logits)
    assert loss.numpy() == pytest.approx(2000.0)
    np.testing.assert_allclose(tape.gradient(loss, logits).numpy(), [[1.0, -1.0, 0.0]], atol=1e-6)
