"""Sum, Mean and MeanMetricWrapper: weights, masks, streaming, errors, config."""

import numpy as np
import pytest

from lamina import metrics, ops


def test_sum_and_mean_with_weights():
    s, m = metrics.Sum(), metrics.Mean()
    s.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert float(s.result()) == 4.0
    assert float(m.result()) == 2.0


def test_mean_streams_and_reduces_trailing_axes():
    m = metrics.Mean()
    values = np.arange(12, dtype="float32").reshape(4, 3)
    m.update_state(values[:2])
    m.update_state(values[2:], sample_weight=[1.0, 3.0])
    # per-sample means: 1, 4, 7, 10; weights 1, 1, 1, 3
    assert float(m.result()) == pytest.approx((1 + 4 + 7 + 30) / 6)


def test_mean_of_scalar_and_empty_state():
    m = metrics.Mean()
    assert float(m.result()) == 0.0  # divide_no_nan before any update
    m.update_state(5.0)
    assert float(m.result()) == 5.0


def test_per_element_weights_are_averaged_per_sample():
    m = metrics.Mean()
    m.update_state([[1.0, 2.0], [3.0, 4.0]], sample_weight=[[1.0, 0.0], [1.0, 1.0]])
    # values weighted then averaged per sample: (0.5, 3.5); weights averaged: (0.5, 1)
    assert float(m.result()) == pytest.approx(4.0 / 1.5)


def test_bad_sample_weight_is_explained():
    with pytest.raises(ValueError, match=r"Mean: `sample_weight` of shape \(3,\).*\(2,\)"):
        metrics.Mean().update_state([1.0, 2.0], sample_weight=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="Sum: could not convert `values`"):
        metrics.Sum().update_state("abc")


def test_wrapper_honours_the_mask_of_y_pred():
    m = metrics.MeanMetricWrapper(metrics.mean_absolute_error)
    y_pred = ops.convert_to_tensor([[1.0], [5.0], [2.0]])
    y_pred._keras_mask = ops.convert_to_tensor([True, False, True])
    m.update_state([[0.0], [0.0], [0.0]], y_pred)
    assert float(m.result()) == pytest.approx(1.5)


def test_wrapper_passes_kwargs_and_serializes_them():
    m = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="acc", threshold=0.8)
    assert float(m([[1], [1]], [[0.9], [0.7]])) == 0.5
    config = m.get_config()
    assert config["threshold"] == 0.8 and config["name"] == "acc"
    clone = metrics.MeanMetricWrapper.from_config(config)
    assert float(clone([[1], [1]], [[0.9], [0.7]])) == 0.5


def test_wrapper_direction_for_losses_and_bad_fn():
    assert metrics.MeanMetricWrapper(metrics.mean_squared_error)._direction == "down"
    with pytest.raises(ValueError, match="MeanMetricWrapper: `fn` must be a callable"):
        metrics.MeanMetricWrapper("mse")


def test_float64_metrics_keep_float64_state_and_results():
    m = metrics.Mean(dtype="float64")
    m.update_state(np.array([1.0, 2.0], "float32"))
    assert [v.dtype for v in m.variables] == ["float64", "float64"]
    assert m.result().dtype == "float64"
    assert metrics.BinaryAccuracy(dtype="float64")([[1]], [[0.7]]).dtype == "float64"
