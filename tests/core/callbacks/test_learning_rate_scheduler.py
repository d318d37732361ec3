"""LearningRateScheduler: one- and two-argument schedules, checks, logged rate."""

import numpy as np
import pytest

import lamina
from lamina.callbacks import LearningRateScheduler

LOGS = [{"loss": 1.0}] * 3


def test_two_argument_schedule_gets_the_current_rate(model, run):
    seen = []

    def schedule(epoch, lr):
        seen.append((epoch, lr))
        return lr * 0.5

    run([LearningRateScheduler(schedule)], model, LOGS)
    assert seen == [(0, 0.1), (1, 0.05), (2, 0.025)]
    assert model.history.history["learning_rate"] == [0.05, 0.025, 0.0125]


def test_one_argument_schedule(model, run):
    run([LearningRateScheduler(lambda epoch: 1.0 / (epoch + 1))], model, LOGS)
    assert model.optimizer.learning_rate == pytest.approx(1 / 3)


def test_numpy_float_results_and_real_optimizer(model, run):
    model.optimizer = lamina.optimizers.SGD(learning_rate=0.1)
    run([LearningRateScheduler(lambda epoch, lr: np.float32(lr * 2))], model, LOGS)
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 0.8, rtol=1e-6)


@pytest.mark.parametrize("result", [1, "0.1", None, np.array([0.1])])
def test_schedule_must_return_a_float(result, model, run):
    with pytest.raises(ValueError, match=r"should be a float\. Got:"):
        run([LearningRateScheduler(lambda epoch: result)], model, LOGS)


def test_schedule_must_be_callable():
    with pytest.raises(TypeError, match="`schedule` must be a function"):
        LearningRateScheduler(0.1)


def test_optimizer_without_learning_rate(model, run):
    model.optimizer = object()
    with pytest.raises(ValueError, match='must have a "learning_rate" attribute'):
        run([LearningRateScheduler(lambda epoch: 0.1)], model, LOGS)


def test_verbose_message(model, run, capsys):
    run([LearningRateScheduler(lambda epoch: 0.5, verbose=1)], model, LOGS[:1])
    assert capsys.readouterr().out == (
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.\n"
    )
