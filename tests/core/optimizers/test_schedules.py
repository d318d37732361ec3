"""lamina.optimizers.schedules: values against the formulas, errors, serialization."""

import math

import numpy as np
import pytest

import lamina
from lamina.optimizers import schedules


def _values(schedule, steps):
    return np.array([float(schedule(s)) for s in steps])


STEPS = [0, 1, 5, 10, 17, 40]


@pytest.mark.parametrize(
    "schedule, formula",
    [
        (schedules.ExponentialDecay(0.1, 10, 0.5), lambda s: 0.1 * 0.5 ** (s / 10)),
        (
            schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
            lambda s: 0.1 * 0.5 ** (s // 10),
        ),
        (schedules.InverseTimeDecay(0.1, 2.0, 0.5), lambda s: 0.1 / (1 + 0.5 * s / 2)),
        (
            schedules.InverseTimeDecay(0.1, 2.0, 0.5, staircase=True),
            lambda s: 0.1 / (1 + 0.5 * (s // 2)),
        ),
        (
            schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0),
            lambda s: (0.1 - 0.01) * (1 - min(s, 10) / 10) ** 2 + 0.01,
        ),
        (
            schedules.PolynomialDecay(0.1, 10, 0.01, cycle=True),
            lambda s: (0.1 - 0.01) * (1 - s / (10 * max(1, math.ceil(s / 10)))) + 0.01,
        ),
        (
            schedules.CosineDecay(0.1, 10, alpha=0.1),
            lambda s: 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 10) / 10)) + 0.1),
        ),
        (
            schedules.CosineDecay(0.0, 10, warmup_target=0.2, warmup_steps=5),
            lambda s: (
                0.2 * s / 5
                if s < 5
                else 0.2 * 0.5 * (1 + math.cos(math.pi * (min(s, 15) - 5) / 10))
            ),
        ),
        (
            schedules.CosineDecayRestarts(0.1, 5, t_mul=1.0, m_mul=0.5),
            lambda s: 0.1 * 0.5 ** (s // 5) * 0.5 * (1 + math.cos(math.pi * (s / 5 % 1))),
        ),
    ],
)
def test_values_follow_the_formula(schedule, formula):
    np.testing.assert_allclose(
        _values(schedule, STEPS), [formula(s) for s in STEPS], rtol=1e-5, atol=1e-7
    )


def test_piecewise_constant_and_restarts_with_growing_periods():
    piecewise = schedules.PiecewiseConstantDecay([3, 6], [1.0, 0.5, 0.1])
    np.testing.assert_allclose(_values(piecewise, [0, 3, 4, 6, 7]), [1.0, 1.0, 0.5, 0.5, 0.1])
    restarts = schedules.CosineDecayRestarts(1.0, 2, t_mul=2.0)
    # Periods of 2, 4, 8 steps: restarts at steps 2 and 6.
    values = _values(restarts, [0, 2, 6, 4])
    np.testing.assert_allclose(values, [1.0, 1.0, 1.0, 0.5], atol=1e-6)


def test_schedule_output_is_a_float32_tensor_and_accepts_a_variable():
    schedule = schedules.ExponentialDecay(0.1, 10, 0.5)
    out = schedule(lamina.Variable(np.int64(10), trainable=False))
    assert out.dtype == "float32"
    np.testing.assert_allclose(float(out), 0.05, rtol=1e-6)


@pytest.mark.parametrize(
    "factory, message",
    [
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps"),
        (lambda: schedules.PolynomialDecay(0.1, -1), "decay_steps"),
        (lambda: schedules.InverseTimeDecay(0.1, 0, 0.5), "decay_steps"),
        (lambda: schedules.CosineDecay(0.1, 0), "decay_steps"),
        (lambda: schedules.CosineDecayRestarts(0.1, 0), "first_decay_steps"),
        (lambda: schedules.PiecewiseConstantDecay([1, 2], [1.0]), "1 less"),
    ],
)
def test_invalid_arguments(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


def test_base_class_requires_call_and_config():
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)
    with pytest.raises(NotImplementedError, match="get_config"):
        schedules.LearningRateSchedule().get_config()


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
        schedules.PiecewiseConstantDecay([3, 6], [1.0, 0.5, 0.1]),
        schedules.PolynomialDecay(0.1, 10, cycle=True),
        schedules.InverseTimeDecay(0.1, 2.0, 0.5),
        schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=3),
        schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5, m_mul=0.9, alpha=0.1),
    ],
)
def test_serialize_round_trip(schedule):
    config = schedules.serialize(schedule)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == type(schedule).__name__
    restored = schedules.deserialize(config)
    assert type(restored) is type(schedule) and restored.get_config() == schedule.get_config()
    bare = schedules.deserialize(
        {"class_name": type(schedule).__name__, "config": schedule.get_config()}
    )
    np.testing.assert_allclose(_values(bare, STEPS), _values(schedule, STEPS))


def test_optimizer_uses_the_schedule_at_its_step():
    v = lamina.Variable(np.zeros(1, "float32"))
    opt = lamina.optimizers.SGD(learning_rate=schedules.PiecewiseConstantDecay([1], [1.0, 0.5]))
    for _ in range(3):
        opt.apply([np.ones(1, "float32")], [v])
    np.testing.assert_allclose(v.numpy(), -(1.0 + 1.0 + 0.5))
