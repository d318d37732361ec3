"""`Ftrl`: Follow The Regularized Leader, as `keras.optimizers.Ftrl`."""

from __future__ import annotations

from lamina import initializers
from lamina.backend import namespace
from lamina.optimizers import Optimizer
from lamina_optim.optimizers import moments


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), with online L1/L2 and shrinkage L2.

    With `n` the accumulated g² and `z` the linear term:
    `z += g_s - (n_new^-p - n^-p) / lr * w` (`g_s = g + 2 * l2_shrinkage * w`),
    `w = (clip(z, -l1, l1) - z) / (n_new^-p / lr + 2 * (l2 + beta / (2 lr)))`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        learning_rate_power: `-p` above, <= 0 (0 for a fixed rate). Defaults to -0.5.
        initial_accumulator_value: the accumulators' starting value (>= 0). Defaults to 0.1.
        l1_regularization_strength: >= 0. Defaults to 0.0.
        l2_regularization_strength: >= 0 (the online L2 of the paper). Defaults to 0.0.
        l2_shrinkage_regularization_strength: >= 0, an L2 penalty on the magnitude of the
            weights added to the gradient. Defaults to 0.0.
        beta: the paper's beta. Defaults to 0.0.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Ftrl(l1_regularization_strength=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power=-0.5,
        initial_accumulator_value=0.1,
        l1_regularization_strength=0.0,
        l2_regularization_strength=0.0,
        l2_shrinkage_regularization_strength=0.0,
        beta=0.0,
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
        for arg, value, rule in (
            ("initial_accumulator_value", initial_accumulator_value, "positive or zero"),
            ("learning_rate_power", -learning_rate_power, "negative or zero"),
            ("l1_regularization_strength", l1_regularization_strength, "positive or zero"),
            ("l2_regularization_strength", l2_regularization_strength, "positive or zero"),
            (
                "l2_shrinkage_regularization_strength",
                l2_shrinkage_regularization_strength,
                "positive or zero",
            ),
        ):
            if value < 0.0:
                received = -value if arg == "learning_rate_power" else value
                raise ValueError(f"Ftrl: `{arg}` needs to be {rule}. Received: {arg}={received}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list) -> None:
        """Create `accumulator` (initial value) and `linear` (zeros) slots."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list,
            ["accumulator", "linear"],
            initializer=[initializers.Constant(self.initial_accumulator_value), "zeros"],
        )

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One FTRL update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        index = self._get_variable_index(variable)
        accumulator, linear = self._accumulators[index], self._linears[index]
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        power = dtype.type(-self.learning_rate_power)
        l2_reg = dtype.type(self.l2_regularization_strength) + dtype.type(self.beta) / (
            dtype.type(2.0) * lr
        )
        new_accumulator, sigma = self._scratch.like(gradient, 0), self._scratch.like(gradient, 1)
        xp.square(gradient, out=new_accumulator)
        xp.add(accumulator._value, new_accumulator, out=new_accumulator)
        xp.power(new_accumulator, power, out=sigma)
        xp.subtract(sigma, xp.power(accumulator._value, power), out=sigma)
        xp.divide(sigma, lr, out=sigma)
        xp.multiply(sigma, variable._value, out=sigma)
        shrinkage = dtype.type(2 * self.l2_shrinkage_regularization_strength)
        step = xp.multiply(variable._value, shrinkage, out=self._scratch.like(gradient, 2))
        xp.add(gradient, step, out=step)
        self.assign_add(linear, xp.subtract(step, sigma, out=step))
        quadratic = xp.power(new_accumulator, power, out=sigma)
        xp.divide(quadratic, lr, out=quadratic)
        xp.add(quadratic, dtype.type(2) * l2_reg, out=quadratic)
        l1 = dtype.type(self.l1_regularization_strength)
        clipped = xp.clip(linear._value, -l1, l1, out=step)
        xp.subtract(clipped, linear._value, out=clipped)
        self.assign(variable, xp.divide(clipped, quadratic, out=clipped))
        self.assign(accumulator, new_accumulator)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta,
            }
        )
        return config
