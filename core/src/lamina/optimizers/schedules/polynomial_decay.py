"""`PolynomialDecay`: a polynomial ramp from one learning rate to another."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.schedules.exponential_decay import check_decay_steps
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps to reach `end_learning_rate` (> 0).
        end_learning_rate: the final learning rate.
        power: the polynomial's power.
        cycle: restart the decay after each multiple of `decay_steps` instead of
            staying at `end_learning_rate`.
        name: the schedule's name.

    Example:
        >>> schedule = lamina.optimizers.schedules.PolynomialDecay(0.1, 100, 0.01)
        >>> float(schedule(50))  # 0.055
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        check_decay_steps("PolynomialDecay", "decay_steps", decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        end_learning_rate = ops.cast(self.end_learning_rate, dtype)
        power = ops.cast(self.power, dtype)
        step = ops.cast(step, dtype)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ops.where(ops.equal(step, 0), 1.0, ops.ceil(step / self.decay_steps))
            decay_steps = ops.multiply(decay_steps, multiplier)
        else:
            step = ops.minimum(step, decay_steps)
        p = ops.divide(step, decay_steps)
        return ops.add(
            ops.multiply(initial_learning_rate - end_learning_rate, ops.power(1 - p, power)),
            end_learning_rate,
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
