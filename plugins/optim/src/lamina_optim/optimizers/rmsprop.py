"""`RMSprop`: steps divided by a running RMS of the gradient, as `keras.optimizers.RMSprop`."""

from __future__ import annotations

from lamina.backend import namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments


class RMSprop(Optimizer):
    """RMSprop: `v = rho v + (1 - rho) g²`, `w -= lr * g / sqrt(v + epsilon)`.

    `centered=True` subtracts the squared running mean of the gradient from `v`;
    `momentum > 0` accumulates the steps in a `momentum` slot.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        rho: the decay rate of the running averages. Defaults to 0.9.
        momentum: the momentum of the steps. Defaults to 0.0.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        centered: normalize by the gradient's estimated variance. Defaults to False.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.RMSprop(learning_rate=1e-3, momentum=0.9)
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list) -> None:
        """Create `velocity` slots, then `momentum` and `average_gradient` ones if used."""
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One RMSprop update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        index = self._get_variable_index(variable)
        velocity = self._velocities[index]
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        increment, work = self._scratch.like(gradient, 0), self._scratch.like(gradient, 1)
        xp.square(gradient, out=work)
        moments.decay_and_add(velocity, self.rho, work, 1 - self.rho, work)
        if self.centered:
            average_grad = self._average_gradients[index]
            moments.decay_and_add(average_grad, self.rho, gradient, 1 - self.rho, work)
            xp.square(average_grad._value, out=work)
            xp.subtract(velocity._value, work, out=work)
        else:
            xp.copyto(work, velocity._value)
        xp.add(work, dtype.type(self.epsilon), out=work)
        xp.sqrt(work, out=work)
        xp.multiply(gradient, lr, out=increment)
        xp.divide(increment, work, out=increment)
        if self.momentum > 0:
            momentum = self._momentums[index]
            inplace.update(momentum, xp.multiply, dtype.type(self.momentum))
            inplace.update(momentum, xp.add, increment)
            inplace.update(variable, xp.subtract, momentum._value)
        else:
            inplace.update(variable, xp.subtract, increment)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
