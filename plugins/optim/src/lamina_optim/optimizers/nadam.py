"""`Nadam`: Adam with Nesterov momentum, as `keras.optimizers.Nadam`."""

from __future__ import annotations

import numpy as np

from lamina.autodiff import Variable
from lamina.backend import floatx, namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments

# Keras's momentum schedule: mu_t = beta_1 * (1 - 0.5 * 0.96^t).
_DECAY = 0.96


class Nadam(Optimizer):
    """Nadam: Adam whose first-moment step looks ahead, with Keras's momentum schedule.

    Besides the `momentum` and `velocity` slots it keeps the running product of the
    momentum schedule in one scalar variable (named `variable`, as Keras names it).

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_1: decay rate of the first moment. Defaults to 0.9.
        beta_2: decay rate of the second moment. Defaults to 0.999.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Nadam(learning_rate=0.002)
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
        """Create `momentum` and `velocity` slots, then the momentum-product scalar."""
        if self.built:
            return
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self._u_product = Variable(1.0, dtype=dtype, trainable=False, name="variable")
        self._track_variable(self._u_product)

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        # The product of the momentum schedule up to this step, shared by all variables.
        scalar = np.dtype(self._u_product.dtype).type
        schedule = scalar(1.0) - scalar(0.5) * scalar(_DECAY) ** moments.local_step(
            self, self._u_product.dtype
        )
        u_product = scalar(self._u_product._value) * scalar(self.beta_1) * schedule
        self.assign(self._u_product, u_product)
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Nadam update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        one, half = dtype.type(1.0), dtype.type(0.5)
        decay, beta_1 = dtype.type(_DECAY), dtype.type(self.beta_1)
        beta_2 = dtype.type(self.beta_2)
        u_t = beta_1 * (one - half * decay ** moments.local_step(self, dtype))
        u_t_1 = beta_1 * (one - half * decay ** moments.local_step(self, dtype, offset=2))
        u_product_t = dtype.type(self._u_product._value)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = beta_2 ** moments.local_step(self, dtype)
        m_hat, work = self._scratch.like(gradient, 0), self._scratch.like(gradient, 1)
        moments.move_towards(m, gradient, one - beta_1, work)
        xp.square(gradient, out=work)
        moments.move_towards(v, work, one - beta_2, work)
        xp.multiply(m._value, u_t_1, out=m_hat)
        xp.divide(m_hat, one - u_product_t_1, out=m_hat)
        xp.multiply(gradient, one - u_t, out=work)
        xp.divide(work, one - u_product_t, out=work)
        xp.add(m_hat, work, out=m_hat)
        xp.multiply(m_hat, lr, out=m_hat)
        xp.divide(v._value, one - beta_2_power, out=work)
        xp.sqrt(work, out=work)
        xp.add(work, dtype.type(self.epsilon), out=work)
        inplace.update(variable, xp.subtract, xp.divide(m_hat, work, out=m_hat))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
