"""Regression, probabilistic, hinge and correlation metrics against NumPy formulas."""

import warnings

import numpy as np
import pytest

from lamina import metrics

RNG = np.random.default_rng(7)
Y_TRUE = RNG.random((6, 3)).astype("float32") + 0.1
Y_PRED = RNG.random((6, 3)).astype("float32") + 0.1
WEIGHTS = RNG.random(6).astype("float32")


@pytest.mark.parametrize(
    "cls, per_sample",
    [
        (metrics.MeanSquaredError, lambda t, p: ((t - p) ** 2).mean(-1)),
        (metrics.MeanAbsoluteError, lambda t, p: np.abs(t - p).mean(-1)),
        (metrics.MeanAbsolutePercentageError, lambda t, p: 100 * np.abs((t - p) / t).mean(-1)),
        (
            metrics.MeanSquaredLogarithmicError,
            lambda t, p: ((np.log1p(t) - np.log1p(p)) ** 2).mean(-1),
        ),
        (metrics.LogCoshError, lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
        (metrics.Poisson, lambda t, p: (p - t * np.log(p + 1e-7)).mean(-1)),
        (
            metrics.CosineSimilarity,
            lambda t, p: (t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1),
        ),
    ],
)
def test_weighted_streamed_means(cls, per_sample):
    m = cls()
    m.update_state(Y_TRUE[:3], Y_PRED[:3], sample_weight=WEIGHTS[:3])
    m.update_state(Y_TRUE[3:], Y_PRED[3:], sample_weight=WEIGHTS[3:])
    expected = (per_sample(Y_TRUE, Y_PRED) * WEIGHTS).sum() / WEIGHTS.sum()
    assert float(m.result()) == pytest.approx(expected, rel=1e-5)
    assert cls.from_config(m.get_config()).get_config() == m.get_config()


def test_root_mean_squared_error():
    m = metrics.RootMeanSquaredError()
    m.update_state(Y_TRUE, Y_PRED)
    assert float(m.result()) == pytest.approx(np.sqrt(((Y_TRUE - Y_PRED) ** 2).mean()), rel=1e-5)


def _r2(t, p):
    return 1 - ((t - p) ** 2).sum(0) / ((t - t.mean(0)) ** 2).sum(0)


def test_r2_score_aggregations_and_adjustment():
    per_output = metrics.R2Score(class_aggregation=None)
    per_output.update_state(Y_TRUE[:4], Y_PRED[:4])
    per_output.update_state(Y_TRUE[4:], Y_PRED[4:])
    np.testing.assert_allclose(per_output.result(), _r2(Y_TRUE, Y_PRED), rtol=1e-4)
    uniform = metrics.R2Score()(Y_TRUE, Y_PRED)
    assert float(uniform) == pytest.approx(_r2(Y_TRUE, Y_PRED).mean(), rel=1e-4)
    adjusted = metrics.R2Score(num_regressors=2)(Y_TRUE, Y_PRED)
    n = Y_TRUE.size
    expected = 1 - (1 - _r2(Y_TRUE, Y_PRED).mean()) * (n - 1) / (n - 2 - 1)
    assert float(adjusted) == pytest.approx(expected, rel=1e-4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        metrics.R2Score(num_regressors=40)(Y_TRUE, Y_PRED)
    assert "More independent predictors" in str(caught[0].message)
    with pytest.raises(ValueError, match="R2Score expects 2D inputs"):
        metrics.R2Score().update_state([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")


def test_crossentropy_and_hinge_metrics_use_the_loss_functions():
    y_true = np.array([[0, 1, 0], [0, 0, 1]], "float32")
    y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], "float32")
    cce = metrics.CategoricalCrossentropy()(y_true, y_pred)
    assert float(cce) == pytest.approx(-(np.log(0.95) + np.log(0.1)) / 2, rel=1e-4)
    scce = metrics.SparseCategoricalCrossentropy()([1, 2], y_pred)
    assert float(scce) == pytest.approx(float(cce), rel=1e-5)
    hinge = metrics.Hinge()([[1.0, -1.0]], [[0.3, 0.4]])
    assert float(hinge) == pytest.approx((0.7 + 1.4) / 2, rel=1e-6)
    assert metrics.BinaryCrossentropy(from_logits=True).get_config()["from_logits"] is True


def test_correlations():
    t = np.array([[1.0, 2.0, 3.0, 4.0]], "float32")
    p = np.array([[2.0, 4.0, 5.0, 9.0]], "float32")
    expected = np.corrcoef(t[0], p[0])[0, 1]
    assert float(metrics.PearsonCorrelation()(t, p)) == pytest.approx(expected, rel=1e-5)
    assert float(metrics.ConcordanceCorrelation()(t, t)) == pytest.approx(1.0, rel=1e-5)
    assert metrics.PearsonCorrelation(axis=0).get_config()["axis"] == 0
