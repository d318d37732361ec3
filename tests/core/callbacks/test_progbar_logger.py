"""ProgbarLogger: what fit, evaluate and predict print."""

import re
import time

import numpy as np
import pytest

from lamina.callbacks import CallbackList, ProgbarLogger

ANSI = re.compile(r"\x1b\[\d+m")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """`time.time` advancing 10 ms per call (only the Progbar reads it)."""
    state = {"now": 100.0}

    def fake_time():
        state["now"] += 0.01
        return state["now"]

    monkeypatch.setattr(time, "time", fake_time)


def _visible(out):
    text = ANSI.sub("", out).replace("\b", "")
    return [line.rstrip() for line in re.split(r"[\r\n]", text) if line.strip()]


def _fit(model, verbose, epochs=2, steps=3):
    cb_list = CallbackList(
        None, add_progbar=True, model=model, verbose=verbose, epochs=epochs, steps=steps
    )
    cb_list.on_train_begin()
    for epoch in range(epochs):
        cb_list.on_epoch_begin(epoch)
        for step in range(3):
            cb_list.on_train_batch_end(step, {"loss": 1.0 + step})
        # Validation inside fit prints nothing.
        cb_list.on_test_begin()
        cb_list.on_test_batch_end(0, {"loss": 9.0})
        cb_list.on_test_end({"loss": 9.0})
        cb_list.on_epoch_end(epoch, {"loss": 2.0, "val_loss": 9.0})
    cb_list.on_train_end()


def test_fit_verbose_2(model, capsys):
    _fit(model, verbose=2)
    # Verbose 2 only updates the bar at the epoch's end: 10 ms since its creation / 3 steps.
    assert capsys.readouterr().out == (
        "Epoch 1/2\n3/3 - 0s - 3ms/step - loss: 2.0000 - val_loss: 9.0000\n"
        "Epoch 2/2\n3/3 - 0s - 3ms/step - loss: 2.0000 - val_loss: 9.0000\n"
    )


@pytest.mark.parametrize("verbose", [1, "auto"])
def test_fit_verbose_1(verbose, model, capsys):
    _fit(model, verbose=verbose, epochs=1)
    lines = _visible(capsys.readouterr().out)
    # No "Epoch" header for a single epoch; steps 2 and 3 come within the 50 ms interval.
    assert lines == [
        "1/3 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - loss: 1.0000",
        "3/3 ━━━━━━━━━━━━━━━━━━━━ 0s 15ms/step - loss: 2.0000 - val_loss: 9.0000",
    ]


def test_unknown_steps_learned_in_the_first_epoch(model, capsys):
    _fit(model, verbose=2, steps=None)
    assert capsys.readouterr().out.splitlines()[1].startswith("3/3 - ")


def test_evaluate_and_predict(model, capsys):
    cb_list = CallbackList(None, add_progbar=True, model=model, verbose=2, epochs=1, steps=2)
    cb_list.on_test_begin()
    cb_list.on_test_batch_end(0, {"mae": 1.0})
    cb_list.on_test_batch_end(1, {"mae": 3.0})
    cb_list.on_test_end({"mae": 2.0})
    cb_list.on_predict_begin()
    cb_list.on_predict_batch_end(0, {"outputs": np.ones(3)})
    cb_list.on_predict_batch_end(1, {"outputs": np.ones(3)})
    cb_list.on_predict_end()
    assert capsys.readouterr().out == "2/2 - 0s - 5ms/step - mae: 2.0000\n2/2 - 0s - 5ms/step\n"


def test_verbose_0_prints_nothing(model, capsys):
    cb_list = CallbackList([ProgbarLogger()], model=model, verbose=0, epochs=2, steps=3)
    cb_list.on_train_begin()
    cb_list.on_epoch_begin(0)
    cb_list.on_train_batch_end(0, {"loss": 1.0})
    cb_list.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out == ""


def test_params_must_name_verbose_epochs_and_steps():
    with pytest.raises(ValueError, match=r"ProgbarLogger: params must hold.*missing \['steps'\]"):
        CallbackList([ProgbarLogger()], verbose=1, epochs=1)
