"""ReduceLROnPlateau: patience, factor, min_lr, cooldown, min_delta, logged learning rate."""

import numpy as np
import pytest

import lamina
from lamina.callbacks import ReduceLROnPlateau


def _val(*values, key="val_loss"):
    return [{"loss": 1.0, key: v} for v in values]


class _LrTrace(lamina.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_end(self, epoch, logs=None):
        self.rates.append(float(np.asarray(self.model.optimizer.learning_rate)))


@pytest.mark.parametrize(
    "kwargs, logs, rates",
    [
        ({"patience": 1, "factor": 0.5}, _val(1.0, 1.0, 1.0, 0.5), [0.1, 0.05, 0.025, 0.025]),
        # min_lr bounds the rate (a rate already at min_lr is "reduced" to itself).
        (
            {"patience": 0, "factor": 0.5, "min_lr": 0.03},
            _val(1.0, 1.1, 1.2, 1.3),
            [0.1, 0.05, 0.03, 0.03],
        ),
        (
            {"patience": 1, "factor": 0.5, "cooldown": 2},
            _val(1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6),
            [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125],
        ),
        # Steps smaller than min_delta are no improvement.
        ({"patience": 1, "min_delta": 0.5}, _val(1.0, 0.7, 0.4, 0.3), [0.1, 0.01, 0.01, 0.001]),
        (
            {"monitor": "acc", "mode": "max", "patience": 1},
            _val(0.1, 0.2, 0.1, 0.3, key="acc"),
            [0.1, 0.1, 0.01, 0.01],
        ),
    ],
)
def test_learning_rate_per_epoch(kwargs, logs, rates, model, run):
    trace = _LrTrace()
    run([ReduceLROnPlateau(**kwargs), trace], model, logs)
    np.testing.assert_allclose(trace.rates, rates, rtol=1e-12)


def test_logs_the_rate_before_reducing(model, run):
    run([ReduceLROnPlateau(patience=0, factor=0.5)], model, _val(1.0, 2.0, 3.0))
    assert model.history.history["learning_rate"] == [0.1, 0.1, 0.05]


def test_verbose_message(model, run, capsys):
    run([ReduceLROnPlateau(patience=1, factor=0.2, verbose=1)], model, _val(1.0, 1.0))
    assert capsys.readouterr().out == (
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.020000000000000004.\n"
    )


def test_with_a_real_optimizer(model, run):
    model.optimizer = lamina.optimizers.SGD(learning_rate=0.1)
    run([ReduceLROnPlateau(patience=0, factor=0.5)], model, _val(1.0, 2.0))
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 0.05, rtol=1e-6)


def test_each_inner_optimizer_of_a_multi_optimizer(model, run):
    class Multi:
        def __init__(self):
            self.optimizers = [
                lamina.optimizers.SGD(learning_rate=0.1, name="a"),
                lamina.optimizers.SGD(learning_rate=0.4, name="b"),
            ]

    model.optimizer = Multi()
    run([ReduceLROnPlateau(patience=0, factor=0.5)], model, _val(1.0, 2.0))
    assert sorted(model.history.history) == [
        "learning_rate_a",
        "learning_rate_b",
        "loss",
        "val_loss",
    ]
    rates = [float(np.asarray(opt.learning_rate)) for opt in model.optimizer.optimizers]
    np.testing.assert_allclose(rates, [0.05, 0.2], rtol=1e-6)


def test_factor_must_be_below_one():
    with pytest.raises(ValueError, match=r"factor >= 1\.0\. Received factor=1\.5"):
        ReduceLROnPlateau(factor=1.5)


def test_unknown_keyword_arguments_warn():
    with pytest.warns(UserWarning, match=r"ignoring unknown arguments \['epsilon'\]"):
        ReduceLROnPlateau(epsilon=1e-3)


def test_missing_monitor_warns(model, run):
    trace = _LrTrace()
    with pytest.warns(UserWarning, match="`val_acc` which is not available"):
        run(
            [ReduceLROnPlateau(monitor="val_acc", mode="max", patience=0), trace], model, _val(1, 2)
        )
    assert trace.rates == [0.1, 0.1]


def test_model_without_optimizer_is_a_clear_error(model, run):
    model.optimizer = None
    with pytest.raises(ValueError, match="needs a compiled model with an optimizer"):
        run([ReduceLROnPlateau()], model, _val(1.0))
