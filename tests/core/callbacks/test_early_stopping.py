"""EarlyStopping and the MonitorCallback rules it shares with ReduceLROnPlateau."""

import numpy as np
import pytest

import lamina
from lamina.callbacks import EarlyStopping
from lamina.trainers.compile_utils import MetricsList


def _val(*values, key="val_loss"):
    return [{"loss": 1.0, key: v} for v in values]


@pytest.mark.parametrize(
    "kwargs, logs, ran, stopped_epoch",
    [
        ({"patience": 0}, _val(1.0, 0.9, 0.95, 0.5), 3, 2),
        ({"patience": 2}, _val(1.0, 0.9, 0.95, 0.94, 0.93), 4, 3),
        ({"patience": 2}, _val(1.0, 0.9, 0.95, 0.8, 0.85), 5, 0),
        # 0.85 is not 0.2 better than 1.0.
        ({"patience": 1, "min_delta": 0.2}, _val(1.0, 0.85, 0.6), 2, 1),
        ({"patience": 1, "min_delta": -0.2}, _val(1.0, 0.85, 0.6), 2, 1),
        # Improving on the best but never on the baseline: the wait is not reset.
        ({"patience": 2, "baseline": 0.5}, _val(1.0, 0.8, 0.9), 3, 2),
        ({"patience": 2}, _val(1.0, 0.8, 0.9), 3, 0),
        ({"patience": 1, "start_from_epoch": 2}, _val(1.0, 2.0, 3.0, 4.0, 5.0), 4, 3),
        ({"monitor": "acc", "mode": "max", "patience": 1}, _val(0.1, 0.5, 0.4, key="acc"), 3, 2),
        ({"monitor": "acc", "mode": "min", "patience": 1}, _val(0.5, 0.1, 0.4, key="acc"), 3, 2),
        ({"monitor": "loss"}, [{"loss": 1.0}, {"loss": 1.0}], 2, 1),
    ],
)
def test_when_training_stops(kwargs, logs, ran, stopped_epoch, model, run):
    stop = EarlyStopping(**kwargs)
    assert run([stop], model, logs) == ran
    assert stop.stopped_epoch == stopped_epoch
    assert model.stop_training == (stopped_epoch > 0)


def test_never_stops_on_epoch_zero(model, run):
    stop = EarlyStopping(patience=0, baseline=0.1)
    assert run([stop], model, _val(1.0)) == 1
    assert not model.stop_training


def test_restore_best_weights_and_messages(model, run, capsys):
    stop = EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    run([stop], model, _val(1.0, 0.5, 0.7, 0.8))
    assert stop.best == 0.5 and stop.best_epoch == 1
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])
    assert capsys.readouterr().out == (
        "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


def test_restore_best_weights_even_without_beating_baseline(model, run):
    stop = EarlyStopping(patience=2, baseline=0.1, restore_best_weights=True)
    run([stop], model, _val(0.5, 0.4, 0.45, 0.6))
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])


def test_weights_kept_without_restore(model, run):
    run([EarlyStopping(patience=1)], model, _val(1.0, 0.5, 0.7, 0.8))
    np.testing.assert_array_equal(model.weights[0], [2.0, 2.0])


def test_state_is_reset_by_each_fit(model, run):
    stop = EarlyStopping(patience=0)
    run([stop], model, _val(1.0, 2.0))
    model.stop_training = False
    assert run([stop], model, _val(5.0, 4.0, 3.0)) == 3
    assert stop.best == 3.0 and stop.stopped_epoch == 0


def test_missing_monitor_warns_and_continues(model, run):
    stop = EarlyStopping(monitor="val_acc", mode="max", patience=0)
    with pytest.warns(UserWarning, match=r"`val_acc` which is not available.*loss,val_loss"):
        assert run([stop], model, _val(1.0, 2.0, 3.0)) == 3


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'up' is unknown"):
        stop = EarlyStopping(mode="up")
    assert stop.mode == "auto"


def test_auto_mode_cannot_guess_an_unknown_metric(model, run):
    with pytest.raises(ValueError, match=r"monitor=val_f1.*Pass `mode=.max.`"):
        run([EarlyStopping(monitor="val_f1")], model, _val(1.0, key="val_f1"))


@pytest.mark.parametrize(
    "metric, ran", [(lamina.metrics.BinaryAccuracy, 3), (lamina.metrics.MeanSquaredError, 2)]
)
def test_auto_mode_reads_the_compiled_metric_direction(metric, ran, model, run):
    model.metrics = [MetricsList([metric(name="acc")])]
    stop = EarlyStopping(monitor="val_acc", patience=1)
    # 0.1 -> 0.5 -> 0.4: an improvement for accuracy ("up"), not for an error ("down").
    assert run([stop], model, _val(0.1, 0.5, 0.4, key="val_acc")) == ran


def test_auto_mode_ignores_metrics_outside_compiled_containers(model, run):
    model.metrics = [lamina.metrics.BinaryAccuracy(name="acc")]
    with pytest.raises(ValueError, match="monitor=val_acc"):
        run([EarlyStopping(monitor="val_acc")], model, _val(0.1, key="val_acc"))


@pytest.mark.parametrize("monitor", ["loss", "val_loss"])
def test_auto_mode_loss_goes_down(monitor, model, run):
    stop = EarlyStopping(monitor=monitor, patience=0)
    logs = [{"loss": v, "val_loss": v} for v in (1.0, 2.0)]
    assert run([stop], model, logs) == 2
