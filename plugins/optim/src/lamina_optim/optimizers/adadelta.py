"""`Adadelta`: steps scaled by running RMS of past steps and gradients, as in Keras."""

from __future__ import annotations

from lamina.backend import namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of running RMS of past steps and of gradients.

    `E[g²] = rho E[g²] + (1 - rho) g²`, `delta = -sqrt(E[dx²] + eps) g / sqrt(E[g²] + eps)`,
    `E[dx²] = rho E[dx²] + (1 - rho) delta²`, `w += lr * delta`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        rho: the decay rate. Defaults to 0.95.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Adadelta(learning_rate=1.0)
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list) -> None:
        """Create `accumulated_grad` and `accumulated_delta_var` slots."""
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Adadelta update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        index = self._get_variable_index(variable)
        accumulated_grad = self._accumulated_grads[index]
        accumulated_delta = self._accumulated_delta_vars[index]
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        epsilon = dtype.type(self.epsilon)
        delta, work = self._scratch.like(gradient, 0), self._scratch.like(gradient, 1)
        xp.square(gradient, out=work)
        moments.decay_and_add(accumulated_grad, self.rho, work, 1 - self.rho, work)
        xp.add(accumulated_delta._value, epsilon, out=delta)
        xp.sqrt(delta, out=delta)
        xp.multiply(delta, gradient, out=delta)
        xp.add(accumulated_grad._value, epsilon, out=work)
        xp.sqrt(work, out=work)
        xp.divide(delta, work, out=delta)
        xp.negative(delta, out=delta)
        xp.square(delta, out=work)
        moments.decay_and_add(accumulated_delta, self.rho, work, 1 - self.rho, work)
        inplace.update(variable, xp.add, xp.multiply(delta, lr, out=delta))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
