"""lamina.metrics against keras.metrics (JAX): streamed results, configs, variables."""

import warnings
import zlib

import numpy as np
import pytest
from harness import keras

import lamina
import lamina.metrics

# Keras's JAX variables trip NumPy 2's `__array__(copy=...)` deprecation on every read.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

BATCH = 8


def _binary(rng, shape=(BATCH, 3)):
    y_pred = rng.random(shape).astype("float32")
    # Scores exactly on the edges and on the default threshold.
    y_pred.flat[:3] = [0.0, 1.0, 0.5]
    return rng.integers(0, 2, shape).astype("float32"), y_pred


def _probs(rng, shape):
    x = rng.random(shape).astype("float32") + 0.05
    return (x / x.sum(-1, keepdims=True)).astype("float32")


def _one_hot(rng, classes=5, batch=BATCH):
    return np.eye(classes, dtype="float32")[rng.integers(0, classes, batch)]


def _data(kind, rng):
    """(y_true, y_pred) for one batch of the given kind, or (values,) for reductions."""
    if kind == "values":
        return (rng.standard_normal((BATCH, 3)).astype("float32"),)
    if kind == "binary":
        return _binary(rng)
    if kind == "binary_column":
        return _binary(rng, (BATCH, 1))
    if kind == "equal":
        y = rng.integers(0, 3, (BATCH, 1)).astype("float32")
        return y, np.where(rng.random((BATCH, 1)) < 0.5, y, 2 - y).astype("float32")
    if kind == "categorical":
        return _one_hot(rng), _probs(rng, (BATCH, 5))
    if kind == "sparse":
        return rng.integers(0, 5, (BATCH, 1)).astype("float32"), _probs(rng, (BATCH, 5))
    if kind == "sparse_int":
        return rng.integers(0, 5, (BATCH,)).astype("int32"), _probs(rng, (BATCH, 5))
    if kind == "sorted_ids":
        ids = np.argsort(-rng.random((BATCH, 5)), axis=-1).astype("int32")
        return rng.integers(0, 5, (BATCH,)).astype("int32"), ids
    if kind == "regression":
        return (
            rng.random((BATCH, 3)).astype("float32") + 0.1,
            rng.random((BATCH, 3)).astype("float32") + 0.1,
        )
    if kind == "hinge":
        return (
            rng.choice([-1.0, 1.0], (BATCH, 3)).astype("float32"),
            rng.standard_normal((BATCH, 3)).astype("float32"),
        )
    if kind == "logits":
        return rng.integers(0, 2, (BATCH, 3)).astype("float32"), rng.standard_normal(
            (BATCH, 3)
        ).astype("float32")
    if kind == "class_ids":
        return rng.integers(0, 3, (BATCH,)).astype("int32"), rng.integers(0, 3, (BATCH,)).astype(
            "int32"
        )
    if kind == "sequence_sparse":
        return rng.integers(0, 4, (BATCH, 5)).astype("int32"), _probs(rng, (BATCH, 5, 4))
    if kind == "sequence_categorical":
        return np.eye(4, dtype="float32")[rng.integers(0, 4, (BATCH, 5))], _probs(
            rng, (BATCH, 5, 4)
        )
    if kind == "one_hot_iou":
        return _one_hot(rng, 3), _probs(rng, (BATCH, 3))
    raise AssertionError(kind)


CASES = [
    ("Mean", {}, "values"),
    ("Sum", {}, "values"),
    ("Accuracy", {}, "equal"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary_column"),
    ("CategoricalAccuracy", {}, "categorical"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("SparseCategoricalAccuracy", {"name": "per_step"}, "sequence_sparse"),
    ("CategoricalAccuracy", {"name": "per_step_categorical"}, "sequence_categorical"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sequence_sparse"),
    ("TopKCategoricalAccuracy", {"k": 3}, "sequence_categorical"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sequence_sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse_int"),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}, "sorted_ids"),
    ("AUC", {}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PR", "summation_method": "minoring"}, "binary"),
    ("AUC", {"curve": "PRGAIN", "summation_method": "majoring"}, "binary"),
    ("AUC", {"num_thresholds": 7, "multi_label": True, "num_labels": 3}, "binary"),
    ("AUC", {"multi_label": True, "label_weights": [0.2, 0.3, 0.5]}, "binary"),
    ("AUC", {"thresholds": [0.1, 0.4, 0.45, 0.8]}, "binary"),
    ("AUC", {"from_logits": True, "label_weights": [1.0, 0.5, 2.0]}, "logits"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.2, 0.5, 0.7]}, "binary"),
    ("Precision", {"top_k": 2}, "binary"),
    ("Precision", {"class_id": 1, "thresholds": 0.4}, "binary"),
    ("Recall", {}, "binary"),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary"),
    ("Recall", {"top_k": 1, "class_id": 2}, "binary"),
    ("TruePositives", {}, "binary"),
    ("TrueNegatives", {"thresholds": [0.3, 0.6]}, "binary"),
    ("FalsePositives", {}, "binary"),
    ("FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.5}, "binary"),
    ("RecallAtPrecision", {"precision": 0.4, "num_thresholds": 50}, "binary"),
    ("SensitivityAtSpecificity", {"specificity": 0.6}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.7, "class_id": 0}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 1}, "binary"),
    ("F1Score", {}, "binary"),
    ("F1Score", {"average": "macro", "threshold": 0.5}, "binary"),
    ("FBetaScore", {"average": "micro", "beta": 2.0, "threshold": 0.4}, "binary"),
    ("FBetaScore", {"average": "weighted", "beta": 0.5}, "binary"),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "class_ids"),
    ("IoU", {"num_classes": 3, "target_class_ids": [1], "ignore_class": 0}, "class_ids"),
    ("BinaryIoU", {}, "binary_column"),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "binary_column"),
    ("MeanIoU", {"num_classes": 3}, "class_ids"),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 1]}, "one_hot_iou"),
    ("OneHotMeanIoU", {"num_classes": 3}, "one_hot_iou"),
    ("R2Score", {}, "regression"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "regression"),
    ("R2Score", {"class_aggregation": None, "num_regressors": 2}, "regression"),
    ("MeanSquaredError", {}, "regression"),
    ("RootMeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
    ("MeanAbsolutePercentageError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "regression"),
    ("CosineSimilarity", {}, "regression"),
    ("LogCoshError", {}, "regression"),
    ("Hinge", {}, "hinge"),
    ("SquaredHinge", {}, "hinge"),
    ("CategoricalHinge", {}, "categorical"),
    ("KLDivergence", {}, "categorical"),
    ("Poisson", {}, "regression"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("CategoricalCrossentropy", {}, "categorical"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "categorical"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse_int"),
    ("PearsonCorrelation", {}, "regression"),
    ("ConcordanceCorrelation", {"axis": -1}, "regression"),
]


def _weights(kind, rng):
    if kind == "class_ids":
        return rng.integers(0, 3, BATCH).astype("int32")  # integer confusion matrix
    return rng.random(BATCH).astype("float32")


def _np(value):
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _plain(config):
    """Configs with arrays/NumPy scalars as plain lists and floats, to compare them."""
    if isinstance(config, dict):
        return {k: _plain(v) for k, v in config.items()}
    if isinstance(config, (list, tuple)):
        return [_plain(v) for v in config]
    if hasattr(config, "shape") or isinstance(config, np.generic):
        return np.asarray(config).tolist()
    return config


def _case_id(case):
    name, kwargs, _ = case
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_streamed_results_config_and_variables(case, weighted):
    name, kwargs, kind = case
    lam = getattr(lamina.metrics, name)(**kwargs)
    ker = getattr(keras.metrics, name)(**kwargs)
    rng = np.random.default_rng(zlib.crc32(f"{name}{kwargs}{weighted}".encode()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R2Score's adjusted-score fallbacks, in both
        for _ in range(3):
            args = _data(kind, rng)
            extra = {"sample_weight": _weights(kind, rng)} if weighted else {}
            lam.update_state(*args, **extra)
            ker.update_state(*args, **extra)
            expected = _np(ker.result())
            got = _np(lam.result())
            assert got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert [v.path for v in lam.variables] == [v.path for v in ker.variables]
    assert [v.name for v in lam.variables] == [v.name for v in ker.variables]
    assert [tuple(v.shape) for v in lam.variables] == [tuple(v.shape) for v in ker.variables]
    for lv, kv in zip(lam.variables, ker.variables):
        assert str(lv.dtype) == str(kv.dtype)
        np.testing.assert_allclose(_np(lv), _np(kv), rtol=1e-5, atol=1e-5)
    assert _plain(lam.get_config()) == _plain(ker.get_config())
    lam.reset_state()
    ker.reset_state()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # R2Score is 0 / 0 = NaN after a reset, in both
        np.testing.assert_allclose(_np(lam.result()), _np(ker.result()), rtol=1e-5, atol=1e-6)


FUNCTIONS = [
    ("binary_accuracy", {}, "binary"),
    ("binary_accuracy", {"threshold": 0.7}, "binary"),
    ("categorical_accuracy", {}, "categorical"),
    ("sparse_categorical_accuracy", {}, "sparse"),
    ("sparse_categorical_accuracy", {}, "sparse_int"),
    ("top_k_categorical_accuracy", {"k": 3}, "categorical"),
    ("sparse_top_k_categorical_accuracy", {"k": 2}, "sparse_int"),
    ("sparse_top_k_categorical_accuracy", {"k": 2, "from_sorted_ids": True}, "sorted_ids"),
    ("pearson_correlation", {}, "regression"),
    ("concordance_correlation", {"axis": 0}, "regression"),
    ("mean_squared_error", {}, "regression"),
    ("mean_absolute_error", {}, "regression"),
    ("mean_absolute_percentage_error", {}, "regression"),
    ("mean_squared_logarithmic_error", {}, "regression"),
    ("log_cosh", {}, "regression"),
    ("huber", {}, "regression"),
    ("hinge", {}, "hinge"),
    ("squared_hinge", {}, "hinge"),
    ("categorical_hinge", {}, "categorical"),
    ("kl_divergence", {}, "categorical"),
    ("poisson", {}, "regression"),
    ("binary_crossentropy", {}, "binary"),
    ("binary_focal_crossentropy", {}, "binary"),
    ("categorical_crossentropy", {}, "categorical"),
    ("categorical_focal_crossentropy", {}, "categorical"),
    ("sparse_categorical_crossentropy", {}, "sparse_int"),
]


@pytest.mark.parametrize("case", FUNCTIONS, ids=[_case_id(c) for c in FUNCTIONS])
def test_metric_functions(case):
    name, kwargs, kind = case
    args = _data(kind, np.random.default_rng(3))
    expected = _np(getattr(keras.metrics, name)(*args, **kwargs))
    got = _np(getattr(lamina.metrics, name)(*args, **kwargs))
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_public_names_match_keras():
    public = {n for n in dir(keras.metrics) if not n.startswith("_")}
    assert public <= set(lamina.metrics.__all__)


@pytest.mark.parametrize(
    "identifier",
    [
        "accuracy",
        "mse",
        "MAE",
        "mape",
        "msle",
        "bce",
        "auc",
        "AUC",
        "binary_accuracy",
        "categorical_crossentropy",
        "r2_score",
        "SparseTopKCategoricalAccuracy",
    ],
)
def test_get_names(identifier):
    lam, ker = lamina.metrics.get(identifier), keras.metrics.get(identifier)
    assert type(lam).__name__ == type(ker).__name__
    assert _plain(lam.get_config()) == _plain(ker.get_config())


@pytest.mark.parametrize("identifier", ["acc", "huber", "no_such_metric"])
def test_get_unknown_names_raise_like_keras(identifier):
    with pytest.raises(ValueError):
        keras.metrics.get(identifier)
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        lamina.metrics.get(identifier)


@pytest.mark.parametrize(
    "metric",
    [
        lambda m: m.Mean(name="loss"),
        lambda m: m.AUC(num_thresholds=9, curve="PR"),
        lambda m: m.MeanMetricWrapper(m.binary_accuracy, threshold=0.3),
        lambda m: m.Precision(thresholds=[0.2, 0.6], class_id=1),
    ],
)
def test_serialize_round_trips_both_ways(metric):
    lam, ker = metric(lamina.metrics), metric(keras.metrics)
    lam_config, ker_config = lamina.metrics.serialize(lam), keras.metrics.serialize(ker)
    assert _plain(lam_config) == _plain(ker_config)
    from_keras = lamina.metrics.deserialize(ker_config)
    from_lamina = keras.metrics.deserialize(lam_config)
    assert type(from_keras).__name__ == type(ker).__name__
    assert _plain(from_keras.get_config()) == _plain(from_lamina.get_config())


def _signature(obj):
    import inspect

    target = obj.__init__ if inspect.isclass(obj) else obj
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(target).parameters.values()
        if p.name != "self"
    ]


@pytest.mark.parametrize("name", sorted(n for n in dir(keras.metrics) if not n.startswith("_")))
def test_signatures_match_keras(name):
    assert _signature(getattr(lamina.metrics, name)) == _signature(getattr(keras.metrics, name))
