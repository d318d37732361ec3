"""The loss functions: values against NumPy formulas, shapes, options and errors."""

import warnings

import numpy as np
import pytest

import lamina
from lamina import activations, losses, ops

EPS = 1e-7


def _np(x):
    return np.asarray(x, dtype="float64")


@pytest.fixture
def pair(rng):
    return rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal((4, 3)).astype(
        "float32"
    )


@pytest.mark.parametrize(
    "fn, reference",
    [
        (losses.mean_squared_error, lambda t, p: ((t - p) ** 2).mean(-1)),
        (losses.mean_absolute_error, lambda t, p: np.abs(t - p).mean(-1)),
        (
            losses.mean_absolute_percentage_error,
            lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1),
        ),
        (
            losses.mean_squared_logarithmic_error,
            lambda t, p: (
                (np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2
            ).mean(-1),
        ),
        (
            losses.cosine_similarity,
            lambda t, p: -(t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1),
        ),
        (losses.log_cosh, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
        (losses.hinge, lambda t, p: np.maximum(1 - t * p, 0).mean(-1)),
        (losses.squared_hinge, lambda t, p: (np.maximum(1 - t * p, 0) ** 2).mean(-1)),
        (
            losses.poisson,
            lambda t, p: (np.abs(p) - t * np.log(np.abs(p) + EPS)).mean(-1),
        ),
    ],
)
def test_elementwise_losses_match_formulas(fn, reference, pair):
    y_true, y_pred = pair
    if fn is losses.poisson:
        y_pred = np.abs(y_pred)
    out = fn(y_true, y_pred)
    assert out.shape == (4,) and out.dtype == "float32"
    expected = reference(_np(y_true), _np(np.abs(y_pred) if fn is losses.poisson else y_pred))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_huber_is_quadratic_then_linear():
    out = losses.huber([[0.0, 0.0, 0.0]], [[0.5, 3.0, -2.0]], delta=1.0)
    np.testing.assert_allclose(out.numpy(), [(0.125 + 2.5 + 1.5) / 3], rtol=1e-6)


def test_hinge_converts_binary_labels_only():
    np.testing.assert_allclose(losses.hinge([[0.0, 1.0]], [[0.6, 0.4]]).numpy(), [1.1])
    np.testing.assert_allclose(losses.hinge([[-1.0, 1.0]], [[0.6, 0.4]]).numpy(), [1.1])


def test_categorical_hinge_and_kl_divergence():
    np.testing.assert_allclose(losses.categorical_hinge([[0.0, 1.0]], [[0.6, 0.4]]), [1.2])
    kld = losses.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).numpy()
    np.testing.assert_allclose(kld, [0.5 * np.log(2) + 0.5 * np.log(0.5 / 0.75)], rtol=1e-6)


def test_crossentropies_with_label_smoothing():
    y_true, y_pred = [[0.0, 1.0]], [[0.2, 0.8]]
    smoothed = [[0.1, 0.9]]  # 0.2 of the mass spread over 2 classes
    np.testing.assert_allclose(
        losses.categorical_crossentropy(y_true, y_pred, label_smoothing=0.2).numpy(),
        losses.categorical_crossentropy(smoothed, y_pred).numpy(),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        losses.binary_crossentropy(y_true, y_pred, label_smoothing=0.2).numpy(),
        losses.binary_crossentropy(smoothed, y_pred).numpy(),
        rtol=1e-6,
    )


def test_sparse_labels_with_trailing_axis_and_ignore_class():
    probs = [[0.2, 0.8], [0.6, 0.4]]
    flat = losses.sparse_categorical_crossentropy([1, 0], probs).numpy()
    column = losses.sparse_categorical_crossentropy([[1], [0]], probs).numpy()
    np.testing.assert_allclose(flat, -np.log([0.8, 0.6]), rtol=1e-6)
    np.testing.assert_allclose(column, flat)
    ignored = losses.sparse_categorical_crossentropy([1, 0], probs, ignore_class=0)
    np.testing.assert_allclose(ignored.numpy(), [-np.log(0.8), 0.0], rtol=1e-6)
    assert ignored._keras_mask.numpy().tolist() == [True, False]


def test_focal_losses_reduce_to_crossentropy_with_gamma_zero(rng):
    labels = rng.integers(0, 2, (3, 4)).astype("float32")
    probs = rng.uniform(0.1, 0.9, (3, 4)).astype("float32")
    np.testing.assert_allclose(
        losses.binary_focal_crossentropy(labels, probs, gamma=0.0).numpy(),
        losses.binary_crossentropy(labels, probs).numpy(),
        rtol=1e-5,
    )
    onehot = np.eye(4, dtype="float32")[[0, 3, 1]]
    dist = probs / probs.sum(-1, keepdims=True)
    np.testing.assert_allclose(
        losses.categorical_focal_crossentropy(onehot, dist, gamma=0.0, alpha=1.0).numpy(),
        losses.categorical_crossentropy(onehot, dist).numpy(),
        rtol=1e-5,
    )


def test_generalized_crossentropy():
    out = losses.categorical_generalized_cross_entropy([1, 0], [[0.36, 0.64], [0.25, 0.75]], 0.5)
    np.testing.assert_allclose(out.numpy(), [(1 - 0.8) / 0.5, (1 - 0.5) / 0.5], rtol=1e-6)
    with pytest.raises(ValueError, match=r"q must be in the interval \(0, 1\). Received: q=1.5"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_dice_and_tversky():
    y_true, y_pred = [[1.0, 0.0]], [[0.5, 0.5]]
    assert losses.dice(y_true, y_pred).numpy() == pytest.approx(0.5, rel=1e-5)
    per_sample = losses.dice([[1.0, 0.0], [1.0, 1.0]], [[0.5, 0.5], [1.0, 1.0]], axis=1)
    np.testing.assert_allclose(per_sample.numpy(), [0.5, 0.0], atol=1e-6)
    # alpha weighs `(1 - y_pred) * y_true`, beta `y_pred * (1 - y_true)` (Keras's naming).
    out = losses.tversky(y_true, y_pred, alpha=1.0, beta=0.0)
    assert out.numpy() == pytest.approx(1 - 0.5 / (0.5 + 0.5), rel=1e-5)


def test_circle_masks_samples_without_loss():
    emb = ops.normalize(ops.convert_to_tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
    out = losses.circle([0, 0, 1], emb)
    assert out.shape == (3,)
    assert out._keras_mask.numpy().tolist() == (out.numpy() > 0).tolist()


def test_ctc_shapes_and_errors():
    assert losses.ctc([[1, 2]], ops.zeros((1, 4, 3))).shape == (1,)
    with pytest.raises(ValueError, match=r"ctc: targets .* Received: y_true.shape=\(2,\)"):
        losses.ctc([1, 2], ops.zeros((1, 4, 3)))
    with pytest.raises(ValueError, match=r"ctc: logits .* y_pred.shape=\(1, 4\)"):
        losses.ctc([[1, 2]], ops.zeros((1, 4)))


@pytest.mark.parametrize(
    "fn",
    [
        losses.mean_squared_error,
        losses.mean_absolute_error,
        losses.huber,
        losses.log_cosh,
        losses.hinge,
        losses.poisson,
        losses.kl_divergence,
        losses.dice,
    ],
)
def test_mismatched_shapes_name_the_loss_and_both_shapes(fn):
    with pytest.raises(
        ValueError, match=rf"{fn.__name__}: .*y_true.shape=\(2, 3\), y_pred.shape=\(2, 4\)"
    ):
        fn(np.zeros((2, 3)), np.zeros((2, 4)))


def test_mismatched_shapes_in_a_loss_class():
    with pytest.raises(ValueError, match=r"mean_squared_error: .*\(4, 2\).*\(4, 3\)"):
        losses.MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        losses.CategoricalCrossentropy()(np.zeros((4, 2)), np.full((4, 3), 1 / 3))


def test_crossentropy_axis_must_be_int():
    with pytest.raises(ValueError, match="`axis` must be of type `int`"):
        losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], axis=True)


def test_single_class_categorical_warns():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy([[1.0]], [[1.0]])


@pytest.mark.parametrize(
    "activation, loss_fn, labels",
    [
        (activations.softmax, losses.categorical_crossentropy, [[0.0, 0.0, 1.0]]),
        (activations.softmax, losses.sparse_categorical_crossentropy, [2]),
        (activations.sigmoid, losses.binary_crossentropy, [[0.0, 1.0, 1.0]]),
    ],
)
def test_softmax_and_sigmoid_outputs_use_their_logits(activation, loss_fn, labels):
    # Logits large enough that the probabilities saturate: clipping would give 16.1.
    logits = lamina.Variable([[40.0, 0.0, -40.0]])
    with lamina.GradientTape() as tape:
        probs = activation(logits)
        loss = loss_fn(labels, probs)
    direct = loss_fn(labels, logits, from_logits=True)
    np.testing.assert_allclose(loss.numpy(), direct.numpy(), rtol=1e-6)
    assert np.all(np.isfinite(tape.gradient(loss, logits).numpy()))
    with pytest.warns(UserWarning, match="does not represent logits"):
        loss_fn(labels, activation(logits), from_logits=True)


def test_plain_probabilities_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses.categorical_crossentropy([[0.0, 1.0]], [[0.3, 0.7]])
