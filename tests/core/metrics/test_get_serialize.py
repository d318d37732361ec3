"""lamina.metrics.get / serialize / deserialize and the public namespace."""

import pytest

import lamina
from lamina import metrics


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("accuracy", metrics.Accuracy),
        ("mse", metrics.MeanSquaredError),
        ("MAPE", metrics.MeanAbsolutePercentageError),
        ("bce", metrics.BinaryCrossentropy),
        ("auc", metrics.AUC),
        ("AUC", metrics.AUC),
        ("binary_accuracy", metrics.BinaryAccuracy),
        ("categorical_crossentropy", metrics.CategoricalCrossentropy),
        ({"class_name": "Precision", "config": {"thresholds": 0.3}}, metrics.Precision),
        (metrics.Recall, metrics.Recall),
    ],
)
def test_get_returns_instances(identifier, cls):
    assert type(metrics.get(identifier)) is cls


def test_get_passes_functions_and_instances_through():
    m = metrics.Mean()
    assert metrics.get(m) is m
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert metrics.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret metric identifier: acc"):
        metrics.get("acc")


def test_serialize_round_trip():
    m = metrics.AUC(num_thresholds=11, curve="PR", name="pr_auc")
    config = metrics.serialize(m)
    assert config["module"] == "keras.metrics" and config["class_name"] == "AUC"
    clone = metrics.deserialize(config)
    assert clone.get_config() == m.get_config()
    weighted = metrics.deserialize(metrics.serialize(metrics.AUC(label_weights=[1.0, 2.0])))
    assert weighted.label_weights.numpy().tolist() == [1.0, 2.0]
    wrapper = metrics.deserialize(metrics.serialize(metrics.MeanMetricWrapper(metrics.hinge)))
    assert wrapper._fn is metrics.hinge


def test_registered_as_built_in_metrics():
    registry = lamina.plugins.get_registry("metrics")
    assert "AUC" in registry and "binary_accuracy" in registry
