"""`Adam`: adaptive moment estimation, as `keras.optimizers.Adam`."""

from __future__ import annotations

from lamina.optimizers import Optimizer
from lamina_optim.optimizers import moments


class Adam(Optimizer):
    """Adam: per-element steps from running averages of the gradient and its square.

    With `alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`:
    `m += (g - m)(1 - beta_1)`, `v += (g² - v)(1 - beta_2)`,
    `w -= alpha * m / (sqrt(v) + epsilon)` (Keras adds epsilon after the square root,
    without bias-correcting it).

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the second moment. Defaults to 0.999.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        amsgrad: use the maximum of past second moments (AMSGrad). Defaults to False.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Adam(learning_rate=1e-3)
        >>> model.compile(optimizer=optimizer, loss="mse")
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
            name=name,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            **kwargs,
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list) -> None:
        """Create `momentum` and `velocity` slots (and `velocity_hat` with AMSGrad)."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Adam update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        index = self._get_variable_index(variable)
        coefficients = moments.adam_coefficients(
            self, learning_rate, self.beta_1, self.beta_2, self.epsilon, gradient.dtype
        )
        moments.adam_update(
            variable,
            self._momentums[index],
            self._velocities[index],
            gradient,
            coefficients,
            self._scratch,
            v_hat=self._velocity_hats[index] if self.amsgrad else None,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
