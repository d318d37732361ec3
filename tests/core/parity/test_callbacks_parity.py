"""lamina.callbacks and lamina.utils.Progbar against Keras 3: printed text and decisions.

Both libraries get the same hook calls with the same logs on a small fake model, under a
fake clock (so step timings are deterministic), and must print the same bytes, stop on the
same epoch, set the same learning rates and record the same history and CSV rows.
"""

import re
import time
import warnings

import numpy as np
import pytest
from harness import keras

import lamina

LIBS = {"lamina": lamina, "keras": keras}

# Keras's own Variable.numpy() on JAX trips NumPy 2's `copy=` deprecation inside Keras's fit.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


@pytest.fixture
def fake_clock(monkeypatch):
    """`time.time` advancing by a fixed, per-test adjustable step on every call."""

    class Clock:
        step = 0.013

        def __init__(self):
            self.now = 1000.0

        def __call__(self):
            self.now += self.step
            return self.now

        def reset(self):
            self.now = 1000.0

    clock = Clock()
    monkeypatch.setattr(time, "time", clock)
    return clock


def _progbar_output(lib, capsys, clock, kwargs, updates):
    clock.reset()
    bar = lib.utils.Progbar(**kwargs)
    for args in updates:
        if args[0] == "add":
            bar.add(*args[1:])
        else:
            bar.update(*args)
    return capsys.readouterr().out


PROGBAR_CASES = {
    "target_averaged": (
        {"target": 5},
        [(i, [("loss", 1.0 / i), ("acc", 0.1 * i)]) for i in range(1, 6)],
    ),
    "tiny_values_use_e": ({"target": 3}, [(i, [("loss", 1e-5 * i)]) for i in range(1, 4)]),
    "negative_values": ({"target": 3}, [(i, [("loss", -0.5 * i)]) for i in range(1, 4)]),
    "stateful_metric": (
        {"target": 4, "stateful_metrics": ["acc"]},
        [(i, [("loss", 0.5 * i), ("acc", 0.2 * i)]) for i in range(1, 5)],
    ),
    "stateless_metric": (
        {"target": 4, "stateless_metrics": ["loss"]},
        [(i, [("loss", 0.5 * i), ("acc", 0.2 * i)]) for i in range(1, 5)],
    ),
    "skipped_steps": ({"target": 100}, [(10, [("loss", 2.0)]), (55, [("loss", 1.0)]), (100,)]),
    "unknown_target": (
        {"target": None},
        [(1, [("loss", 3.0)]), (2, [("loss", 2.0)]), (2, [("loss", 1.5)], True)],
    ),
    "verbose_2": ({"target": 3, "verbose": 2}, [(i, [("loss", 0.3 * i)]) for i in range(1, 4)]),
    "verbose_2_tiny_and_negative": (
        {"target": 2, "verbose": 2},
        [(1, [("a", -1.0), ("b", 1e-6)]), (2, [("a", -2.0), ("b", 2e-6)])],
    ),
    "verbose_0": ({"target": 3, "verbose": 0}, [(i, [("loss", 0.3)]) for i in range(1, 4)]),
    "width_and_unit": (
        {"target": 12, "width": 7, "unit_name": "sample"},
        [(i, [("loss", 0.25)]) for i in range(1, 13)],
    ),
    "add": ({"target": 6}, [("add", 2, [("loss", 1.0)]), ("add", 4, [("loss", 0.5)])]),
    "interval_skips_redraws": (
        {"target": 50, "interval": 0.05},
        [(i, [("loss", 1.0 / i)]) for i in range(1, 51)],
    ),
    "array_values": ({"target": 2}, [(1, [("v", np.array([1.0, 3.0]))]), (2, [("v", 4.0)])]),
    "shrinking_line_is_padded": (
        {"target": 3, "interval": 0.0},
        [(1, [("loss", 123456.0)]), (2, [("loss", 1.0)]), (3, [("loss", 0.1)])],
    ),
}


@pytest.mark.parametrize("case", sorted(PROGBAR_CASES))
def test_progbar_text(case, capsys, fake_clock):
    kwargs, updates = PROGBAR_CASES[case]
    expected = _progbar_output(keras, capsys, fake_clock, kwargs, updates)
    got = _progbar_output(lamina, capsys, fake_clock, kwargs, updates)
    assert got == expected
    if kwargs.get("verbose", 1):
        assert expected  # the case really printed something


@pytest.mark.parametrize("step", [0.0, 2e-4, 0.5, 1.7, 75.0, 4000.0])
def test_progbar_time_formats(step, capsys, fake_clock):
    """us/ms/s per step, and ETAs in s, m:ss and h:mm:ss."""
    fake_clock.step = step
    updates = [(i, [("loss", 0.5)]) for i in range(1, 4)]
    for verbose in (1, 2):
        kwargs = {"target": 40, "verbose": verbose, "interval": 0.0}
        expected = _progbar_output(keras, capsys, fake_clock, kwargs, [*updates, (40,)])
        assert _progbar_output(lamina, capsys, fake_clock, kwargs, [*updates, (40,)]) == expected


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class FakeModel:
    """What callbacks use of a model: stop_training, optimizer, weights, history."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.metrics = []
        self.weights = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def _run_fit(lib, callbacks, epoch_logs, *, verbose=0, steps=2, batch_logs=None):
    """Drive the callbacks like `fit` with one batch log per step; returns a trace."""
    model = FakeModel()
    cb_list = lib.callbacks.CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=len(epoch_logs),
        steps=steps,
    )
    trace = []
    cb_list.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        # The weights mark the epoch, so restored weights tell which epoch they came from.
        model.weights = [np.full(2, float(epoch))]
        cb_list.on_epoch_begin(epoch)
        for step in range(steps):
            cb_list.on_train_batch_begin(step)
            cb_list.on_train_batch_end(step, batch_logs or logs)
        cb_list.on_epoch_end(epoch, dict(logs))
        trace.append((epoch, float(np.asarray(model.optimizer.learning_rate))))
        if model.stop_training:
            break
    cb_list.on_train_end(dict(logs))
    history = model.history
    return {
        "trace": trace,
        "history": history.history,
        "epochs": history.epoch,
        "params": history.params,
        "weights": model.weights[0].tolist(),
    }


def _both(factory, epoch_logs, **kwargs):
    results = []
    for lib in (lamina, keras):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append(_run_fit(lib, [factory(lib)], epoch_logs, **kwargs))
    return results


def _losses(*values, key="val_loss"):
    return [{"loss": 1.0, key: v} for v in values]


EARLY_STOPPING_CASES = [
    ({"patience": 0}, _losses(1.0, 0.9, 0.95, 0.5)),
    ({"patience": 2}, _losses(1.0, 0.9, 0.95, 0.94, 0.93, 0.1)),
    ({"patience": 1, "min_delta": 0.2}, _losses(1.0, 0.85, 0.6, 0.5)),
    ({"patience": 2, "baseline": 0.5}, _losses(1.0, 0.8, 0.7, 0.6)),
    ({"patience": 1, "baseline": 0.5}, _losses(0.4, 0.3, 0.35, 0.36)),
    ({"patience": 1, "start_from_epoch": 2}, _losses(1.0, 2.0, 3.0, 4.0, 5.0)),
    ({"patience": 1, "restore_best_weights": True}, _losses(1.0, 0.5, 0.7, 0.8, 0.9)),
    (
        {"patience": 2, "baseline": 0.1, "restore_best_weights": True},
        _losses(0.5, 0.4, 0.45, 0.6),
    ),
    ({"monitor": "acc", "mode": "max", "patience": 1}, _losses(0.1, 0.5, 0.4, 0.3, key="acc")),
    ({"monitor": "acc", "mode": "min", "patience": 1}, _losses(0.5, 0.1, 0.4, 0.3, key="acc")),
    ({"monitor": "loss", "mode": "bogus", "patience": 0}, [{"loss": v} for v in (3, 2, 2.5)]),
    ({"monitor": "missing", "mode": "min"}, _losses(1.0, 2.0)),
    ({"patience": 1, "verbose": 1, "restore_best_weights": True}, _losses(1.0, 0.5, 0.7, 0.8)),
]


@pytest.mark.parametrize("kwargs, logs", EARLY_STOPPING_CASES)
def test_early_stopping(kwargs, logs, capsys):
    lam, ker = _both(lambda lib: lib.callbacks.EarlyStopping(**kwargs), logs)
    assert lam == ker
    captured = capsys.readouterr().out
    assert captured[: len(captured) // 2] == captured[len(captured) // 2 :]


REDUCE_LR_CASES = [
    ({"patience": 1, "factor": 0.5}, _losses(1.0, 1.0, 1.0, 0.5, 0.6, 0.7)),
    ({"patience": 0, "factor": 0.5, "min_lr": 0.03}, _losses(1.0, 1.1, 1.2, 1.3, 1.4)),
    ({"patience": 1, "factor": 0.5, "cooldown": 2}, _losses(1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6)),
    ({"patience": 1, "min_delta": 0.5}, _losses(1.0, 0.7, 0.4, 0.3)),
    ({"monitor": "acc", "mode": "max", "patience": 1}, _losses(0.1, 0.2, 0.1, 0.1, key="acc")),
    ({"patience": 1, "verbose": 1, "factor": 0.2}, _losses(1.0, 1.0, 1.0)),
    ({"monitor": "nothing", "mode": "min"}, _losses(1.0, 1.0)),
]


@pytest.mark.parametrize("kwargs, logs", REDUCE_LR_CASES)
def test_reduce_lr_on_plateau(kwargs, logs, capsys):
    lam, ker = _both(lambda lib: lib.callbacks.ReduceLROnPlateau(**kwargs), logs)
    np.testing.assert_allclose(
        [lr for _, lr in lam["trace"]], [lr for _, lr in ker["trace"]], rtol=1e-7
    )
    assert lam["history"].keys() == ker["history"].keys()
    np.testing.assert_allclose(
        lam["history"]["learning_rate"], ker["history"]["learning_rate"], rtol=1e-7
    )
    captured = capsys.readouterr().out
    assert captured[: len(captured) // 2] == captured[len(captured) // 2 :]


@pytest.mark.parametrize(
    "schedule",
    [lambda epoch, lr: lr * 0.5 if epoch else lr, lambda epoch: 0.1 / (epoch + 1)],
    ids=["two_args", "one_arg"],
)
def test_learning_rate_scheduler(schedule, capsys):
    logs = [{"loss": 1.0}] * 3
    lam, ker = _both(lambda lib: lib.callbacks.LearningRateScheduler(schedule, verbose=1), logs)
    assert lam == ker
    captured = capsys.readouterr().out
    assert captured[: len(captured) // 2] == captured[len(captured) // 2 :]


@pytest.mark.parametrize("verbose", [1, 2, "auto"])
@pytest.mark.parametrize("steps", [3, None])
def test_progbar_logger_fit_output(verbose, steps, capsys, fake_clock):
    logs = [{"loss": 0.5, "accuracy": 0.25}, {"loss": 0.25, "accuracy": 0.5}]
    outputs = []
    for lib in (keras, lamina):
        fake_clock.reset()
        _run_fit(lib, [], logs, verbose=verbose, steps=steps or 3)
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "Epoch 2/2" in outputs[0]


def _evaluate_and_predict(lib, steps):
    model = FakeModel()
    cb_list = lib.callbacks.CallbackList(
        None, add_progbar=True, model=model, verbose=1, epochs=1, steps=steps
    )
    cb_list.on_test_begin()
    for step in range(3):
        cb_list.on_test_batch_begin(step)
        cb_list.on_test_batch_end(step, {"loss": 0.1 * (step + 1), "mae": np.float32(2.0)})
    cb_list.on_test_end({"loss": 0.2, "mae": 2.0})
    cb_list.on_predict_begin()
    for step in range(3):
        cb_list.on_predict_batch_begin(step)
        cb_list.on_predict_batch_end(step, {"outputs": np.ones((2, 2))})
    cb_list.on_predict_end()


@pytest.mark.parametrize("steps", [3, None])
def test_progbar_logger_evaluate_and_predict_output(steps, capsys, fake_clock):
    outputs = []
    for lib in (keras, lamina):
        fake_clock.reset()
        _evaluate_and_predict(lib, steps)
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_history_and_params():
    logs = [{"loss": 1.0 - 0.1 * i, "val_loss": 2.0 - 0.1 * i} for i in range(3)]
    lam, ker = _both(lambda lib: lib.callbacks.Callback(), logs)
    assert lam == ker


def test_logs_become_python_floats():
    seen = {}
    logs = {"loss": np.float32(0.5), "nested": {"acc": np.array(0.25)}, "n": 3, "s": "x"}
    for name, lib in LIBS.items():
        callback = lib.callbacks.LambdaCallback(
            on_epoch_end=lambda e, lg, n=name: seen.update({n: lg})
        )
        lib.callbacks.CallbackList([callback]).on_epoch_end(0, logs)
    assert seen["lamina"] == seen["keras"]
    assert [type(v) for v in seen["lamina"].values()] == [type(v) for v in seen["keras"].values()]


@pytest.mark.parametrize(
    "kwargs, logs",
    [
        ({}, [{"loss": 1.0, "acc": 0.5}, {"loss": 0.5, "acc": 0.75}]),
        ({"separator": ";"}, [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5}]),
        ({}, [{"loss": 1.0, "vec": np.array([1.0, 2.0]), "name": "a,b"}]),
        ({}, [{}]),
    ],
)
def test_csv_logger_file(kwargs, logs, tmp_path):
    contents = []
    for name, lib in LIBS.items():
        path = tmp_path / f"{name}.csv"
        path.write_text("")  # appending to an empty file still writes the header
        for append in (True, True, False, True):
            _run_fit(lib, [lib.callbacks.CSVLogger(path, append=append, **kwargs)], logs)
        contents.append(path.read_bytes())
    assert contents[0] == contents[1]


@pytest.mark.parametrize("loss", [float("nan"), float("inf"), 1.0])
def test_terminate_on_nan(loss, capsys):
    logs = [{"loss": 1.0}] * 3
    batch_logs = {"loss": loss}
    results = []
    for lib in (lamina, keras):
        results.append(_run_fit(lib, [lib.callbacks.TerminateOnNaN()], logs, batch_logs=batch_logs))
    assert results[0] == results[1]
    captured = capsys.readouterr().out
    assert captured[: len(captured) // 2] == captured[len(captured) // 2 :]


def test_hook_order_of_lambda_callbacks():
    calls = {name: [] for name in LIBS}
    hooks = ["on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end"]
    batch_hooks = ["on_train_batch_begin", "on_train_batch_end"]
    for name, lib in LIBS.items():
        kwargs = {
            h: (lambda *a, h=h, n=name, **kw: calls[n].append((h, *a, kw)))
            for h in hooks + batch_hooks
        }
        _run_fit(lib, [lib.callbacks.LambdaCallback(**kwargs)], [{"loss": 1.0}] * 2)
    assert calls["lamina"] == calls["keras"]
    # train begin/end, and per epoch: begin, end and two batch hooks for each of 2 steps.
    assert len(calls["lamina"]) == 2 + 2 * (2 + 2 * 2)


def _fit_both(callback_factory, epochs=4, verbose=0, **fit_kwargs):
    """Fit the same Dense model (same initial weights, no shuffling) in both libraries."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")).astype("float32")
    kernel = rng.standard_normal((3, 1)).astype("float32")
    results = {}
    for name, lib in LIBS.items():
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        model.set_weights([kernel, np.zeros(1, "float32")])
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
        history = model.fit(
            x,
            y,
            epochs=epochs,
            batch_size=4,
            shuffle=False,
            verbose=verbose,
            callbacks=callback_factory(lib),
            **fit_kwargs,
        )
        results[name] = (history, model)
    return results


def _assert_same_history(results):
    lam, ker = results["lamina"][0], results["keras"][0]
    assert lam.epoch == ker.epoch
    assert sorted(lam.history) == sorted(ker.history)
    for key in ker.history:
        np.testing.assert_allclose(lam.history[key], ker.history[key], rtol=1e-5, atol=1e-7)


def test_fit_with_early_stopping_and_restore():
    results = _fit_both(
        lambda lib: [
            lib.callbacks.EarlyStopping(
                monitor="loss", mode="max", patience=1, restore_best_weights=True
            )
        ],
        epochs=6,
    )
    _assert_same_history(results)
    assert results["lamina"][0].epoch == [0, 1]
    for a, b in zip(results["lamina"][1].get_weights(), results["keras"][1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_fit_with_early_stopping_on_val_mae_auto_mode():
    results = _fit_both(
        lambda lib: [lib.callbacks.EarlyStopping(monitor="val_mae", patience=0, min_delta=0.5)],
        validation_split=0.25,
    )
    _assert_same_history(results)


def test_fit_with_reduce_lr_and_scheduler():
    results = _fit_both(
        lambda lib: [
            lib.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.9),
            lib.callbacks.ReduceLROnPlateau(monitor="loss", mode="max", patience=0, factor=0.5),
        ]
    )
    _assert_same_history(results)


def _mask_timings(text):
    """Drop what depends on the clock: elapsed/ETA seconds and per-step times."""
    text = re.sub(r"\x1b\[\d+m", "", text).replace("\b", "")
    text = re.sub(r" \d+(:\d\d)*s", " <t>", text)
    return re.sub(r"\d+[mu]?s/step", "<t>/step", text)


@pytest.mark.parametrize("verbose", [1, 2])
def test_fit_evaluate_predict_progress_text(verbose, capsys):
    results = _fit_both(lambda lib: None, epochs=2, verbose=verbose, validation_split=0.25)
    outputs = []
    for name in ("lamina", "keras"):
        model = results[name][1]
        capsys.readouterr()
        model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, batch_size=4, verbose=verbose)
        model.evaluate(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, verbose=verbose)
        model.predict(np.ones((8, 3)), batch_size=4, verbose=verbose)
        # A bar ends with a newline after its final redraw; the redraws before it depend
        # on the 50 ms interval, so keep each line's last redraw only.
        lines = _mask_timings(capsys.readouterr().out).split("\n")
        outputs.append([line.split("\r")[-1].rstrip() for line in lines if line.strip()])
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 6
