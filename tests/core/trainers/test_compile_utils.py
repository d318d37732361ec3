"""CompileLoss / CompileMetrics: name resolution, per-output layout, result names."""

import numpy as np
import pytest

import lamina
from lamina import metrics
from lamina.trainers.compile_utils import (
    CompileLoss,
    CompileMetrics,
    OutputLayout,
    get_loss,
    get_metric,
    is_binary_or_sparse_categorical,
)


def _values(results):
    return {k: float(v) for k, v in results.items()}


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape", "expected"),
    [
        ((4, 1), (4, 1), metrics.BinaryAccuracy),
        ((4,), (4, 3), metrics.SparseCategoricalAccuracy),
        ((4, 1), (4, 3), metrics.SparseCategoricalAccuracy),
        ((4, 3), (4, 3), metrics.CategoricalAccuracy),
    ],
)
def test_accuracy_resolves_from_shapes(y_true_shape, y_pred_shape, expected):
    metric = get_metric("acc", np.zeros(y_true_shape), np.zeros(y_pred_shape))
    assert type(metric) is expected
    assert metric.name == "acc"


@pytest.mark.parametrize(
    ("y_true_shape", "y_pred_shape", "expected"),
    [
        ((4, 1), (4, 1), "binary_crossentropy"),
        ((4,), (4, 3), "sparse_categorical_crossentropy"),
        ((4, 3), (4, 3), "categorical_crossentropy"),
    ],
)
def test_crossentropy_resolves_from_shapes(y_true_shape, y_pred_shape, expected):
    loss = get_loss("crossentropy", np.zeros(y_true_shape), np.zeros(y_pred_shape))
    assert loss.fn is getattr(lamina.losses, expected)
    assert loss.name == "crossentropy"
    assert is_binary_or_sparse_categorical(np.zeros(y_true_shape), np.zeros(y_pred_shape)) == (
        expected.startswith("binary"),
        expected.startswith("sparse"),
    )


def test_metric_names_follow_identifiers_and_functions():
    y = np.zeros((2, 1))
    assert get_metric("mae", y, y).name == "mae"
    wrapped = get_metric(lamina.metrics.mean_absolute_error, y, y)
    assert isinstance(wrapped, metrics.MeanMetricWrapper)
    assert wrapped.name == "mean_absolute_error"
    instance = metrics.MeanSquaredError(name="my_mse")
    assert get_metric(instance, y, y) is instance
    assert get_loss(None, y, y) is None
    with pytest.raises(ValueError, match="Expected metric"):
        get_metric(None, y, y)


def test_single_output_result_names_with_duplicates_and_weighted():
    cm = CompileMetrics(["mae", "mae"], ["mae", "mse"])
    y_true, y_pred = np.zeros((4, 1)), np.ones((4, 1))
    cm.update_state(y_true, y_pred, sample_weight=np.array([1.0, 0.0, 0.0, 0.0]))
    assert list(cm.result()) == ["mae", "mae_1", "weighted_mae", "mse"]
    assert _values(cm.result()) == {"mae": 1.0, "mae_1": 1.0, "weighted_mae": 1.0, "mse": 1.0}
    assert [m.name for m in cm.metrics] == ["mae", "mae", "mae", "mse"]
    assert len(cm.variables) == 8
    cm.reset_state()
    assert all(float(v.numpy().sum()) == 0.0 for v in cm.variables)


def test_multi_output_metrics_are_prefixed_by_output_name():
    cm = CompileMetrics({"b": ["mse"], "a": "mae"}, None, output_names=["a", "b"])
    y = [np.zeros((2, 1)), np.zeros((2, 2))]
    cm.update_state(y, [np.ones((2, 1)), np.full((2, 2), 2.0)])
    assert _values(cm.result()) == {"a_mae": 1.0, "b_mse": 4.0}


def test_metrics_list_length_must_match_outputs():
    cm = CompileMetrics(["mae"], None, output_names=["a", "b"])
    with pytest.raises(ValueError, match="list of 1 entries but the model has 2 outputs"):
        cm.update_state([np.zeros((2, 1))] * 2, [np.zeros((2, 1))] * 2)


def test_metrics_argument_type_is_checked():
    with pytest.raises(ValueError, match="Expected `metrics` argument to be a list"):
        CompileMetrics("mae", None)
    with pytest.raises(ValueError, match="Expected `weighted_metrics`"):
        CompileMetrics(None, "mae")
    with pytest.raises(ValueError, match="not yet been built"):
        CompileMetrics(["mae"], None).result()


def test_compile_loss_single_output_with_weight_and_sample_weight():
    loss = CompileLoss("mse", loss_weights=2.0)
    value = loss(np.zeros((2, 1)), np.array([[1.0], [3.0]]), sample_weight=np.array([1.0, 0.0]))
    assert float(value) == pytest.approx(1.0)  # (1*1 + 9*0) / 2 * 2
    assert loss.metrics == []


def test_compile_loss_multi_output_tracks_each_loss():
    loss = CompileLoss(
        {"b": "mae", "a": "mse"}, loss_weights={"a": 1.0, "b": 0.5}, output_names=["a", "b"]
    )
    y_true = {"a": np.zeros((2, 1)), "b": np.zeros((2, 1))}
    total = loss(y_true, [np.ones((2, 1)), np.full((2, 1), 4.0)])
    assert float(total) == pytest.approx(1.0 + 0.5 * 4.0)
    assert [m.name for m in loss.metrics] == ["a_loss", "b_loss"]
    assert [float(m.result()) for m in loss.metrics] == [1.0, 4.0]


def test_compile_loss_with_none_for_an_output_and_dict_predictions():
    loss = CompileLoss({"z": "mse"})
    y_pred = {"z": np.ones((2, 1)), "y": np.ones((2, 3))}
    total = loss({"z": np.zeros((2, 1)), "y": np.zeros((2, 3))}, y_pred)
    assert float(total) == 1.0
    assert [entry[3] for entry in loss.flat_losses] == ["z"]


def test_compile_loss_errors_name_the_problem():
    with pytest.raises(ValueError, match="loss_weights"):
        CompileLoss("mse", loss_weights="heavy")
    loss = CompileLoss({"c": "mse"}, output_names=["a", "b"])
    with pytest.raises(ValueError, match=r"keys \['c'\] that are not output names"):
        loss([np.zeros((2, 1))] * 2, [np.zeros((2, 1))] * 2)
    loss = CompileLoss(["mse", "mae"], loss_weights=[1.0, 2.0, 3.0], output_names=["a", "b"])
    with pytest.raises(ValueError, match="must match the number of losses"):
        loss([np.zeros((2, 1))] * 2, [np.zeros((2, 1))] * 2)
    loss = CompileLoss("mse", output_names=["a", "b"])
    with pytest.raises(ValueError, match="different structures"):
        loss(np.zeros((2, 1)), [np.zeros((2, 1))] * 2)


def test_output_layout_reads_targets_by_name_or_position():
    layout = OutputLayout([np.zeros(1), np.zeros(2)], output_names=["a", "b"])
    assert layout.names == ["a", "b"]
    assert layout.flatten({"b": 2, "a": 1}, "y_true") == [1, 2]
    assert layout.flatten((1, 2), "y_true") == [1, 2]
    assert layout.per_output({"b": "mse"}, "loss") == [None, "mse"]
    assert layout.per_output("mae", "metrics") == ["mae", "mae"]
    single = OutputLayout(np.zeros(1))
    assert single.flatten([5], "y_true") == [5]
    with pytest.raises(ValueError, match="nested deeper"):
        OutputLayout([np.zeros(1), [np.zeros(1), np.zeros(1)]])
