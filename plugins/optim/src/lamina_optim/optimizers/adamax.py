"""`Adamax`: Adam with the infinity norm, as `keras.optimizers.Adamax`."""

from __future__ import annotations

from lamina.backend import namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments


class Adamax(Optimizer):
    """Adamax: Adam's variant whose second moment is an exponentially weighted max of |g|.

    `m += (g - m)(1 - beta_1)`, `u = max(beta_2 * u, |g|)`,
    `w -= lr * m / ((1 - beta_1^t) * (u + epsilon))`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the weighted infinity norm. Defaults to 0.999.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Adamax(learning_rate=0.002)
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
        """Create `momentum` and `norm` slots."""
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Adamax update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        index = self._get_variable_index(variable)
        m, u = self._m[index], self._u[index]
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        beta_1_power = dtype.type(self.beta_1) ** moments.local_step(self, dtype)
        numerator = self._scratch.like(gradient, 0)
        moments.move_towards(m, gradient, 1 - self.beta_1, numerator)
        inplace.update(u, xp.multiply, dtype.type(self.beta_2))
        inplace.update(u, xp.maximum, xp.abs(gradient, out=numerator))
        xp.multiply(m._value, lr, out=numerator)
        denominator = xp.add(
            u._value, dtype.type(self.epsilon), out=self._scratch.like(gradient, 1)
        )
        xp.multiply(denominator, 1 - beta_1_power, out=denominator)
        inplace.update(variable, xp.subtract, xp.divide(numerator, denominator, out=numerator))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
