"""`ExponentialDecay` and `InverseTimeDecay`: learning rates that decay with a rate."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule


def check_decay_steps(owner: str, argument: str, value) -> None:
    """Raise unless a schedule's step count is positive."""
    if value <= 0:
        raise ValueError(
            f"{owner}: argument `{argument}` must be > 0. Received: {argument}={value}"
        )


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps per decay by `decay_rate` (> 0).
        decay_rate: the decay factor.
        staircase: decay at whole multiples of `decay_steps` only (integer division).
        name: the schedule's name.

    Example:
        >>> schedule = lamina.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.96)
        >>> float(schedule(1000))  # 0.096
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        check_decay_steps("ExponentialDecay", "decay_steps", decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        p = ops.cast(step, dtype) / ops.cast(self.decay_steps, dtype)
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(initial_learning_rate, ops.power(ops.cast(self.decay_rate, dtype), p))

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: how often to apply decay (> 0).
        decay_rate: the decay rate.
        staircase: use `floor(step / decay_steps)` (decay in discrete steps).
        name: the schedule's name.

    Example:
        >>> schedule = lamina.optimizers.schedules.InverseTimeDecay(0.1, 1.0, 0.5)
        >>> float(schedule(2))  # 0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        check_decay_steps("InverseTimeDecay", "decay_steps", decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        p = ops.cast(step, dtype) / ops.cast(self.decay_steps, dtype)
        if self.staircase:
            p = ops.floor(p)
        denominator = ops.add(
            ops.cast(ops.array(1), dtype), ops.multiply(ops.cast(self.decay_rate, dtype), p)
        )
        return ops.divide(initial_learning_rate, denominator)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
