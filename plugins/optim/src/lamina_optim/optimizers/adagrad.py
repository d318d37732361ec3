"""`Adagrad`: per-element learning rates from summed squared gradients, as in Keras."""

from __future__ import annotations

from lamina import initializers
from lamina.backend import namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments


class Adagrad(Optimizer):
    """Adagrad: `acc += g²`, `w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        initial_accumulator_value: the accumulators' starting value (>= 0). Defaults to 0.1.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Adagrad(learning_rate=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
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
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list) -> None:
        """Create one `accumulator` slot per variable, filled with the initial value."""
        if self.built:
            return
        super().build(var_list)
        initializer = initializers.Constant(self.initial_accumulator_value)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=initializer
        )

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Adagrad update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        accumulator = self._accumulators[self._get_variable_index(variable)]
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        numerator = self._scratch.like(gradient, 0)
        inplace.update(accumulator, xp.add, xp.square(gradient, out=numerator))
        xp.multiply(gradient, lr, out=numerator)
        denominator = xp.add(
            accumulator._value, dtype.type(self.epsilon), out=self._scratch.like(gradient, 1)
        )
        xp.sqrt(denominator, out=denominator)
        inplace.update(variable, xp.subtract, xp.divide(numerator, denominator, out=numerator))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}
        )
        return config
