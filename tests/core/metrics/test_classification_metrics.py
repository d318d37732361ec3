"""Accuracy, confusion, AUC, F-score and IoU metrics against hand-computed values."""

import numpy as np
import pytest

from lamina import metrics


def test_accuracy_functions():
    y_true = [[0, 0, 1], [0, 1, 0]]
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
    np.testing.assert_array_equal(metrics.categorical_accuracy(y_true, y_pred), [0.0, 1.0])
    np.testing.assert_array_equal(
        metrics.top_k_categorical_accuracy(y_true, y_pred, k=2), [1.0, 1.0]
    )
    np.testing.assert_array_equal(
        metrics.sparse_categorical_accuracy([[2], [1]], y_pred), [0.0, 1.0]
    )
    np.testing.assert_array_equal(
        metrics.sparse_top_k_categorical_accuracy(
            [2, 1], [[1, 2, 0], [1, 0, 2]], k=2, from_sorted_ids=True
        ),
        [1.0, 1.0],
    )
    np.testing.assert_array_equal(
        metrics.binary_accuracy([1, 0, 1], [0.6, 0.4, 0.5]), [1.0, 1.0, 0.0]
    )


@pytest.mark.parametrize(
    "metric, y_true, y_pred, message",
    [
        (metrics.BinaryAccuracy(), [[1, 0, 1]], [[0.2, 0.3]], "binary_accuracy: `y_true` and"),
        (metrics.Accuracy(), [1, 2, 3], [1, 2], r"y_true.shape=\(3,\), y_pred.shape=\(2,\)"),
        (metrics.CategoricalAccuracy(), [[1, 0, 0]], [[0.2, 0.8]], "one-hot `y_true` must"),
        (metrics.TopKCategoricalAccuracy(), [[1, 0]], [[0.2, 0.3, 0.5]], "sparse_top_k_categ"),
        (metrics.SparseCategoricalAccuracy(), [1, 2, 3], [[0.2, 0.8]], "one integer label"),
        (metrics.SparseTopKCategoricalAccuracy(), [1, 2], [[0.2, 0.8]], "one integer label"),
    ],
)
def test_accuracy_shape_errors_name_metric_and_shapes(metric, y_true, y_pred, message):
    with pytest.raises(ValueError, match=type(metric).__name__) as info:
        metric.update_state(y_true, y_pred)
    assert info.match(message)


def test_confusion_counts_at_several_thresholds_with_weights():
    y_true = [0, 1, 1, 0, 1]
    y_pred = [0.1, 0.6, 0.3, 0.8, 0.9]
    weights = [1.0, 2.0, 1.0, 1.0, 0.5]
    tp = metrics.TruePositives(thresholds=[0.2, 0.5])
    fp = metrics.FalsePositives(thresholds=[0.2, 0.5])
    tn = metrics.TrueNegatives(thresholds=0.5)
    fn = metrics.FalseNegatives()
    for m in (tp, fp, tn, fn):
        m.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(tp.result(), [3.5, 2.5])
    np.testing.assert_allclose(fp.result(), [1.0, 1.0])
    assert float(tn.result()) == 1.0
    assert float(fn.result()) == 1.0


def test_precision_recall_with_top_k_and_class_id():
    y_true = [[0, 1, 1, 0], [1, 0, 0, 1]]
    y_pred = [[0.1, 0.7, 0.2, 0.6], [0.9, 0.3, 0.1, 0.2]]
    p = metrics.Precision(top_k=2)
    p.update_state(y_true, y_pred)  # top-2 rows: {1, 3} and {0, 1}: 2 hits of 4
    assert float(p.result()) == 0.5
    r = metrics.Recall(class_id=3)
    r.update_state(y_true, y_pred)  # class 3 labels: 0, 1; predictions 0.6, 0.2
    assert float(r.result()) == 0.0
    p2 = metrics.Precision(thresholds=[0.15, 0.65])
    p2.update_state(y_true, y_pred)
    np.testing.assert_allclose(p2.result(), [4 / 6, 1.0])


def test_thresholds_are_validated():
    with pytest.raises(ValueError, match=r"Precision: threshold values must be in \[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="Recall: when class_id is provided"):
        metrics.Recall(class_id=1).update_state([1, 0], [0.3, 0.8])
    with pytest.raises(ValueError, match="TruePositives: `y_true` and `y_pred` must have the"):
        metrics.TruePositives().update_state([[1, 0, 1]], [[0.5, 0.2]])


def test_auc_matches_trapezoids_on_the_roc_curve():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 200).astype("float32")
    y_pred = np.clip(y_true * 0.3 + rng.random(200) * 0.7, 0, 1).astype("float32")
    m = metrics.AUC(num_thresholds=1000)
    m.update_state(y_true[:100], y_pred[:100])
    m.update_state(y_true[100:], y_pred[100:])
    # Exact ROC AUC: the probability that a positive outscores a negative.
    pos, neg = y_pred[y_true == 1], y_pred[y_true == 0]
    exact = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert float(m.result()) == pytest.approx(exact, abs=2e-3)


def test_auc_variants_and_errors():
    y_true, y_pred = [0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]
    assert float(metrics.AUC(num_thresholds=3)(y_true, y_pred)) == 0.75
    pr = metrics.AUC(curve="pr", summation_method="Minoring", num_thresholds=3)
    assert pr.curve == "PR" and pr.summation_method == "minoring"
    multi = metrics.AUC(multi_label=True)
    multi.update_state([[0, 1], [1, 0], [1, 1]], [[0.2, 0.9], [0.8, 0.1], [0.7, 0.6]])
    assert float(multi.result()) == pytest.approx(1.0)
    assert [v.shape for v in multi.variables] == [(200, 2)] * 4
    with pytest.raises(ValueError, match="AUC: invalid `curve`"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="AUC: invalid `summation_method`"):
        metrics.AUC(summation_method="sideways")
    with pytest.raises(ValueError, match="num_thresholds` must be an integer > 1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="`num_labels` is needed only"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match="must have rank 2 when `multi_label=True`"):
        metrics.AUC(multi_label=True).update_state([0, 1], [0.2, 0.8])


def test_constrained_metrics():
    y_true, y_pred = [0, 0, 0, 1, 1], [0.0, 0.3, 0.8, 0.3, 0.8]
    assert float(metrics.SensitivityAtSpecificity(0.5)(y_true, y_pred)) == 0.5
    assert float(metrics.SpecificityAtSensitivity(0.5)(y_true, y_pred)) == pytest.approx(2 / 3)
    assert float(metrics.PrecisionAtRecall(0.5)(y_true, y_pred)) == 0.5
    assert float(metrics.RecallAtPrecision(0.8)(y_true, y_pred)) == 0.0
    with pytest.raises(ValueError, match=r"PrecisionAtRecall: argument `recall` must be in"):
        metrics.PrecisionAtRecall(1.5)
    with pytest.raises(ValueError, match="num_thresholds` must be an integer > 0"):
        metrics.RecallAtPrecision(0.5, num_thresholds=0)


def test_f_scores():
    y_true = np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1]], "float32")
    y_pred = np.array([[0.9, 0.1, 0.2], [0.6, 0.7, 0.1], [0.2, 0.3, 0.8]], "float32")
    per_class = metrics.F1Score(threshold=0.5)(y_true, y_pred).numpy()
    # class 0: tp 2, fp 0, fn 0 -> 1; class 1: tp 0 -> 0; class 2: tp 1 -> 1
    np.testing.assert_allclose(per_class, [1.0, 0.0, 1.0], atol=1e-6)
    micro = metrics.FBetaScore(beta=2.0, average="micro", threshold=0.5)(y_true, y_pred)
    p, r = 3 / 4, 3 / 4
    assert float(micro) == pytest.approx(5 * p * r / (4 * p + r), rel=1e-5)
    assert "beta" not in metrics.F1Score().get_config()
    with pytest.raises(ValueError, match=r"FBetaScore: invalid `beta`.*Python float"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="F1Score: invalid `average`"):
        metrics.F1Score(average="median")
    with pytest.raises(ValueError, match="F1Score expects 2D inputs"):
        metrics.F1Score().update_state([1.0, 0.0], [0.2, 0.8])


def test_iou_family():
    y_true, y_pred = [0, 0, 1, 1], [0, 1, 0, 1]
    assert float(metrics.IoU(2, [0])(y_true, y_pred)) == pytest.approx(1 / 3, rel=1e-6)
    mean_iou = metrics.MeanIoU(num_classes=2)
    mean_iou.update_state(y_true, y_pred, sample_weight=[1, 1, 0, 1])
    # cm: [[1, 1], [0, 1]] -> IoU 1/2 and 1/2
    np.testing.assert_array_equal(mean_iou.total_cm.numpy(), [[1, 1], [0, 1]])
    assert float(mean_iou.result()) == pytest.approx(0.5, rel=1e-6)
    assert mean_iou.dtype == "int32"
    binary = metrics.BinaryIoU(target_class_ids=[1], threshold=0.3)
    assert float(binary([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])) == pytest.approx(1 / 3, rel=1e-6)
    one_hot = metrics.OneHotMeanIoU(num_classes=2)
    assert float(one_hot([[1, 0], [0, 1]], [[0.2, 0.8], [0.3, 0.7]])) == pytest.approx(0.25)
    ignored = metrics.IoU(3, [1], ignore_class=0)
    ignored.update_state([0, 1, 2, 5], [1, 1, 2, 1])  # class 0 and out-of-range skipped
    assert float(ignored.result()) == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(ValueError, match=r"IoU: target class id 3 is out of range"):
        metrics.IoU(3, [3])
    with pytest.raises(ValueError, match="MeanIoU: `y_true` and `y_pred` must hold"):
        metrics.MeanIoU(2).update_state([0, 1], [0, 1, 1])
