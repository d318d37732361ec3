"""`Adafactor`: Adam-like steps with a factored second moment, as `keras.optimizers.Adafactor`."""

from __future__ import annotations

import numpy as np

from lamina.autodiff import Variable
from lamina.backend import namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments


class Adafactor(Optimizer):
    """Adafactor: keeps row and column averages of g² instead of a full second moment.

    For variables of rank >= 2 the last two axes are factored (`r` and `c` slots), so
    the state grows with rows + columns, not their product; the update is clipped to
    RMS `clip_threshold` and scaled by the variable's RMS (at least `epsilon_2`).

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        beta_2_decay: the second moment's decay is `1 - t^beta_2_decay`. Defaults to -0.8.
        epsilon_1: added to g² for numerical stability. Defaults to 1e-30.
        epsilon_2: the smallest variable RMS used to scale steps. Defaults to 1e-3.
        clip_threshold: the largest RMS of an unscaled step. Defaults to 1.0.
        relative_step: with a float learning rate, cap it at `1 / sqrt(t)`. Defaults to True.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.Adafactor(learning_rate=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list) -> None:
        """Create the factored `r`/`c` slots (placeholders below rank 2) and `velocity`."""
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for variable in var_list:
            if len(variable.shape) < 2:
                # Unfactored: Keras still creates two int32 scalars (named after the
                # variable, outside the optimizer's scope) and saves them; so do we, so
                # that saved optimizer state lines up position by position.
                for slots in (self._r, self._c):
                    placeholder = Variable(0, name=variable.name, trainable=False)
                    self._track_variable(placeholder)
                    slots.append(placeholder)
            else:
                shape = tuple(variable.shape)
                self._r.append(
                    self.add_variable(shape[:-1], dtype=variable.dtype, name=variable.name)
                )
                self._c.append(
                    self.add_variable(
                        shape[:-2] + shape[-1:], dtype=variable.dtype, name=variable.name
                    )
                )
            self._v.append(self.add_variable_from_reference(variable, name="velocity"))

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Adafactor update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        xp, dtype = namespace(gradient), gradient.dtype
        one = dtype.type(1)
        lr = moments.learning_rate_scalar(learning_rate, dtype)
        step = moments.local_step(self, dtype)
        inverse_sqrt_step = one / np.sqrt(step)
        # Only a constant learning rate (a Variable) is capped; a schedule is used as is.
        if self.relative_step and isinstance(self._learning_rate, Variable):
            lr = min(lr, inverse_sqrt_step)
        index = self._get_variable_index(variable)
        r, c, v = self._r[index], self._c[index], self._v[index]
        rho_t = min(lr, inverse_sqrt_step)
        work = self._scratch.like(gradient, 0)
        alpha_t = max(dtype.type(self.epsilon_2), _rms(variable._value, work)) * rho_t
        regulated_grad_square = xp.square(gradient, out=work)
        xp.add(regulated_grad_square, dtype.type(self.epsilon_1), out=regulated_grad_square)
        beta_2_t = one - step ** dtype.type(self.beta_2_decay)
        if len(variable.shape) >= 2:
            for slot, axis in ((r, -1), (c, -2)):
                mean = xp.mean(regulated_grad_square, axis=axis)
                moments.decay_and_add(slot, beta_2_t, mean, one - beta_2_t, mean)
            row_share = r._value / xp.mean(r._value, axis=-1, keepdims=True)
            xp.multiply(row_share[..., None], c._value[..., None, :], out=work)
            self.assign(v, work)
        else:
            moments.decay_and_add(v, beta_2_t, regulated_grad_square, one - beta_2_t, work)
        update = xp.sqrt(v._value, out=work)
        xp.divide(gradient, update, out=update)
        clip = max(
            one, _rms(update, self._scratch.like(gradient, 1)) / dtype.type(self.clip_threshold)
        )
        xp.divide(update, clip, out=update)
        inplace.update(variable, xp.subtract, xp.multiply(update, alpha_t, out=update))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1,
                "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold,
                "relative_step": self.relative_step,
            }
        )
        return config


def _rms(array, buffer):
    """The root mean square of `array` as a scalar of its dtype (`buffer` is scratch)."""
    xp = namespace(buffer)
    return array.dtype.type(xp.sqrt(xp.mean(xp.square(array, out=buffer))))
