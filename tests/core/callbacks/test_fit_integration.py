"""Callbacks inside a real `Model.fit` / `evaluate` / `predict`."""

import re

import numpy as np
import pytest

import lamina
from lamina import callbacks


def _model(learning_rate=0.05, **optimizer_kwargs):
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    optimizer = lamina.optimizers.SGD(learning_rate=learning_rate, **optimizer_kwargs)
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model


def _data(n=16):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype("float32")
    return x, y


class WeightsPerEpoch(callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_history_contents():
    model = _model()
    x, y = _data()
    history = model.fit(x, y, epochs=3, batch_size=4, validation_split=0.25, verbose=0)
    assert history is model.history
    assert history.epoch == [0, 1, 2]
    assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert all(len(v) == 3 and all(type(f) is float for f in v) for v in history.history.values())
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 3}
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_early_stopping_restores_the_best_weights():
    model = _model()
    x, y = _data()
    trace = WeightsPerEpoch()
    # Training lowers the loss, so in "max" mode epoch 0 stays the best.
    stop = callbacks.EarlyStopping(
        monitor="loss", mode="max", patience=2, restore_best_weights=True
    )
    history = model.fit(x, y, epochs=10, batch_size=4, callbacks=[trace, stop], verbose=0)
    assert history.epoch == [0, 1, 2] and stop.stopped_epoch == 2
    for restored, best in zip(model.get_weights(), trace.weights[0]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(trace.weights[0][0], trace.weights[-1][0])


def test_early_stopping_on_a_compiled_metric_in_auto_mode():
    model = _model()
    x, y = _data()
    stop = callbacks.EarlyStopping(monitor="val_mae", patience=0)  # "down": an error metric
    model.fit(x, y, epochs=3, batch_size=4, validation_data=(x, y), callbacks=[stop], verbose=0)
    assert stop.monitor_op(0.0, 1.0)  # lower is better


def test_reduce_lr_on_plateau_and_logged_rate():
    model = _model(learning_rate=0.1)
    x, y = _data()
    reduce_lr = callbacks.ReduceLROnPlateau(monitor="loss", mode="max", patience=0, factor=0.5)
    history = model.fit(x, y, epochs=4, batch_size=8, callbacks=[reduce_lr], verbose=0)
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.1, 0.05, 0.025], rtol=1e-6)
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 0.0125, rtol=1e-6)


def test_learning_rate_scheduler():
    model = _model()
    x, y = _data()
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 * (epoch + 1))
    history = model.fit(x, y, epochs=3, batch_size=8, callbacks=[schedule], verbose=0)
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.02, 0.03], rtol=1e-6)


def test_csv_logger_append_across_fits(tmp_path):
    model = _model()
    x, y = _data()
    path = tmp_path / "log.csv"
    model.fit(x, y, epochs=2, batch_size=8, callbacks=[callbacks.CSVLogger(path)], verbose=0)
    logger = callbacks.CSVLogger(path, append=True)
    history = model.fit(x, y, epochs=1, batch_size=8, callbacks=[logger], verbose=0)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,loss,mae,val_loss,val_mae"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1", "0"]
    assert float(lines[3].split(",")[1]) == pytest.approx(history.history["loss"][0])


def test_terminate_on_nan_stops_training(capsys):
    model = _model()
    x, y = _data()
    y[5] = np.nan
    history = model.fit(
        x,
        y,
        epochs=5,
        batch_size=4,
        shuffle=False,
        callbacks=[callbacks.TerminateOnNaN()],
        verbose=0,
    )
    assert len(history.epoch) == 1 and model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_progress_output_of_fit_evaluate_predict(capsys):
    model = _model()
    x, y = _data()
    model.fit(x, y, epochs=2, batch_size=8, verbose=2)
    model.evaluate(x, y, batch_size=8, verbose=2)
    model.predict(x, batch_size=8, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    pattern = r"2/2 - \d+s - \d+[mu]?s/step - loss: \d\.\d{4} - mae: \d\.\d{4}"
    assert all(re.fullmatch(pattern, line) for line in (lines[1], lines[3], lines[4]))
    assert re.fullmatch(r"2/2 - \d+s - \d+[mu]?s/step", lines[5])


def test_swap_ema_weights_during_validation():
    model = _model(use_ema=True, ema_momentum=0.5)
    x, y = _data()
    snapshots = []

    def snapshot(logs):
        averages = model.optimizer._model_variables_moving_average
        snapshots.append(
            ([w.numpy().copy() for w in model.weights], [a.numpy().copy() for a in averages])
        )

    model.fit(
        x,
        y,
        epochs=2,
        batch_size=4,
        validation_data=(x, y),
        verbose=0,
        callbacks=[
            callbacks.LambdaCallback(on_test_begin=snapshot),
            callbacks.SwapEMAWeights(),
            callbacks.LambdaCallback(on_test_begin=snapshot, on_test_end=snapshot),
        ],
    )
    assert len(snapshots) == 6  # per validation: before swap, after swap, after swap back
    for before, swapped, restored in zip(snapshots[::3], snapshots[1::3], snapshots[2::3]):
        assert not np.array_equal(before[0][0], before[1][0])  # EMA lags the weights
        for a, b in zip(swapped[0] + swapped[1], before[1] + before[0]):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(restored[0] + restored[1], before[0] + before[1]):
            np.testing.assert_array_equal(a, b)
