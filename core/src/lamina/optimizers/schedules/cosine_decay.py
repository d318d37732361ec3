"""`CosineDecay` (with optional linear warmup) and `CosineDecayRestarts` (SGDR)."""

from __future__ import annotations

import math

from lamina import ops
from lamina.optimizers.schedules.exponential_decay import check_decay_steps
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule


class CosineDecay(LearningRateSchedule):
    """A cosine decay to `alpha` times the start rate, after an optional linear warmup.

    Without `warmup_target`: `initial_learning_rate * ((1 - alpha) * c + alpha)` with
    `c = 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps))`. With it, the
    rate first rises linearly from `initial_learning_rate` to `warmup_target` over
    `warmup_steps`, then decays from `warmup_target` the same way.

    Args:
        initial_learning_rate: the learning rate at step 0.
        decay_steps: steps to decay over (> 0).
        alpha: the final rate, as a fraction of the rate the decay starts from.
        name: the schedule's name.
        warmup_target: the rate reached at the end of warmup (None: no warmup).
        warmup_steps: steps of warmup.

    Example:
        >>> schedule = lamina.optimizers.schedules.CosineDecay(
        ...     0.0, 1000, warmup_target=0.1, warmup_steps=100)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        check_decay_steps("CosineDecay", "decay_steps", decay_steps)

    def _decay_function(self, step, decay_steps, decay_from_lr, dtype):
        completed_fraction = ops.divide(step, decay_steps)
        pi = ops.array(math.pi, dtype=dtype)
        cosine_decayed = 0.5 * (1.0 + ops.cos(ops.multiply(pi, completed_fraction)))
        decayed = (1 - self.alpha) * cosine_decayed + self.alpha
        return ops.multiply(decay_from_lr, decayed)

    def _warmup_function(self, step, warmup_steps, warmup_target, initial_learning_rate):
        completed_fraction = step / warmup_steps
        total_step_delta = warmup_target - initial_learning_rate
        return total_step_delta * completed_fraction + initial_learning_rate

    def __call__(self, step):
        initial_learning_rate = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        decay_steps = ops.cast(self.decay_steps, dtype)
        step = ops.cast(step, dtype)
        if self.warmup_target is None:
            step = ops.minimum(step, decay_steps)
            return self._decay_function(step, decay_steps, initial_learning_rate, dtype)
        warmup_target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        step = ops.minimum(step, decay_steps + warmup_steps)
        if bool(step < warmup_steps):
            return self._warmup_function(step, warmup_steps, warmup_target, initial_learning_rate)
        return self._decay_function(step - warmup_steps, decay_steps, warmup_target, dtype)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    The multiplier decays from 1 to `alpha` over `first_decay_steps`; then the
    schedule restarts, each period `t_mul` times longer and starting `m_mul` times
    lower than the previous one.

    Args:
        initial_learning_rate: the learning rate at step 0.
        first_decay_steps: length of the first period (> 0).
        t_mul: growth factor of the period length.
        m_mul: factor on the starting rate of each new period.
        alpha: the minimum rate, as a fraction of `initial_learning_rate`.
        name: the schedule's name.

    Example:
        >>> schedule = lamina.optimizers.schedules.CosineDecayRestarts(0.1, 1000)
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        check_decay_steps("CosineDecayRestarts", "first_decay_steps", first_decay_steps)

    def __call__(self, step):
        initial_learning_rate = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        first_decay_steps = ops.cast(self.first_decay_steps, dtype)
        alpha = ops.cast(self.alpha, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        m_mul = ops.cast(self._m_mul, dtype)
        completed_fraction = ops.cast(step, dtype) / first_decay_steps
        if bool(ops.equal(t_mul, 1.0)):
            i_restart = ops.floor(completed_fraction)
            completed_fraction = completed_fraction - i_restart
        else:
            # Periods grow geometrically: find the restart index from the series sum.
            i_restart = ops.floor(
                ops.log(ops.cast(1.0 - completed_fraction * (1.0 - t_mul), dtype)) / ops.log(t_mul)
            )
            sum_r = ops.divide(1.0 - ops.power(t_mul, i_restart), 1.0 - t_mul)
            completed_fraction = ops.divide(
                ops.subtract(completed_fraction, sum_r), ops.power(t_mul, i_restart)
            )
        m_fac = ops.power(m_mul, i_restart)
        cosine_decayed = (
            0.5
            * m_fac
            * (1.0 + ops.cos(ops.multiply(ops.array(math.pi, dtype=dtype), completed_fraction)))
        )
        decayed = ops.add(ops.multiply(1 - alpha, cosine_decayed), alpha)
        return ops.multiply(initial_learning_rate, decayed)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
