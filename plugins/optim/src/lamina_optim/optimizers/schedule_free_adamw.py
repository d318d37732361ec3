"""`ScheduleFreeAdamW`: AdamW without a learning-rate schedule, as in Keras."""

from __future__ import annotations

from lamina.backend import namespace
from lamina.optimizers import Optimizer
from lamina_optim.optimizers import moments


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW (Defazio et al., 2024): averaging replaces the schedule.

    The `momentum` slot holds the base iterate `z` (it starts as a copy of the
    variable); the variable holds the interpolation `y = (1 - beta_1) z + beta_1 x`,
    where `x` is the running average of `z` with weight `1 / t`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.0025.
        beta_1: the interpolation between `z` and the average. Defaults to 0.9.
        beta_2: decay rate of the second moment. Defaults to 0.999.
        epsilon: small constant for numerical stability. Defaults to 1e-8.
        warmup_steps: steps of linear learning-rate warmup. Defaults to 0.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.ScheduleFreeAdamW(learning_rate=0.0025)
    """

    def __init__(
        self,
        learning_rate=0.0025,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        warmup_steps=0,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list) -> None:
        """Create `momentum` (a copy of each variable) and `velocity` slots."""
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        for momentum, variable in zip(self._momentums, var_list):
            self.assign(momentum, variable._value)

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Schedule-Free AdamW update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        one = dtype.type(1)
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        step = moments.local_step(self, dtype)
        beta_1, beta_2 = dtype.type(self.beta_1), dtype.type(self.beta_2)
        if self.warmup_steps > 0:
            lr = lr * min(step / dtype.type(self.warmup_steps), one)
        index = self._get_variable_index(variable)
        momentum, velocity = self._momentums[index], self._velocities[index]
        x, work = self._scratch.like(gradient, 0), self._scratch.like(gradient, 1)
        # x_old = (y_old - (1 - beta_1) z_old) / beta_1, before z moves.
        xp.multiply(momentum._value, one - beta_1, out=x)
        xp.subtract(variable._value, x, out=x)
        xp.divide(x, beta_1, out=x)
        xp.square(gradient, out=work)
        moments.move_towards(velocity, work, one - beta_2, work)
        bias_correction_2 = one - beta_2**step
        xp.divide(velocity._value, bias_correction_2, out=work)
        xp.sqrt(work, out=work)
        xp.add(work, dtype.type(self.epsilon), out=work)
        scaled = xp.multiply(gradient, lr, out=self._scratch.like(gradient, 2))
        self.assign_sub(momentum, xp.divide(scaled, work, out=scaled))
        weight = one / step
        # x_new = (1 - weight) x_old + weight z, then y = (1 - beta_1) z + beta_1 x_new.
        xp.multiply(x, one - weight, out=x)
        xp.add(x, xp.multiply(momentum._value, weight, out=work), out=x)
        xp.multiply(x, beta_1, out=x)
        xp.add(xp.multiply(momentum._value, one - beta_1, out=work), x, out=x)
        self.assign(variable, x)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps,
            }
        )
        return config
