"""TerminateOnNaN: stop (or raise) on a NaN or infinite batch loss."""

import numpy as np
import pytest

from lamina.callbacks import TerminateOnNaN

LOGS = [{"loss": 1.0}] * 3


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_stops_after_the_epoch_with_a_bad_loss(bad, model, run, capsys):
    assert run([TerminateOnNaN()], model, LOGS, steps=2, batch_logs={"loss": bad}) == 1
    assert model.stop_training
    # Training stops at the epoch's end; every bad batch reports itself.
    assert capsys.readouterr().out == (
        "Batch 0: Invalid loss, terminating training\nBatch 1: Invalid loss, terminating training\n"
    )


def test_finite_or_missing_loss_keeps_training(model, run):
    assert run([TerminateOnNaN()], model, LOGS, batch_logs={"loss": 1e30}) == 3
    assert run([TerminateOnNaN()], model, LOGS, batch_logs={"acc": np.nan}) == 3
    assert not model.stop_training


def test_raise_error(model, run):
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        run([TerminateOnNaN(raise_error=True)], model, LOGS, batch_logs={"loss": np.nan})
