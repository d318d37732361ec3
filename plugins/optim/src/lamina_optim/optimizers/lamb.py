"""`Lamb`: layer-wise adaptive large-batch optimization, as `keras.optimizers.Lamb`."""

from __future__ import annotations

from lamina.backend import namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments


class Lamb(Optimizer):
    """LAMB: Adam's bias-corrected step, rescaled per variable by `||w|| / ||step||`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the second moment. Defaults to 0.999.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Lamb(learning_rate=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
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

    def build(self, var_list) -> None:
        """Create `momentum` and `velocity` slots."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One LAMB update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        step = moments.local_step(self, dtype)
        one = dtype.type(1)
        beta_1_power = dtype.type(self.beta_1) ** step
        beta_2_power = dtype.type(self.beta_2) ** step
        update, work = self._scratch.like(gradient, 0), self._scratch.like(gradient, 1)
        moments.adam_moments(m, v, gradient, self.beta_1, self.beta_2, work)
        xp.divide(m._value, one - beta_1_power, out=update)
        xp.divide(v._value, one - beta_2_power, out=work)
        xp.sqrt(work, out=work)
        xp.add(work, dtype.type(self.epsilon), out=work)
        xp.divide(update, work, out=update)
        w_norm = xp.sqrt(xp.sum(xp.square(variable._value, out=work)))
        g_norm = xp.sqrt(xp.sum(xp.square(update, out=work)))
        ratio = w_norm / g_norm if w_norm > 0 and g_norm > 0 else one
        xp.multiply(update, dtype.type(ratio) * lr, out=update)
        inplace.update(variable, xp.subtract, update)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
