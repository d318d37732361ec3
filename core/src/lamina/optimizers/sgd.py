"""`SGD`: gradient descent with optional (Nesterov) momentum, as `keras.optimizers.SGD`."""

from __future__ import annotations

from lamina.backend import namespace
from lamina.optimizers import inplace
from lamina.optimizers.optimizer import Optimizer, _cast, _scalar


class SGD(Optimizer):
    """Gradient descent, with momentum when `momentum > 0`.

    Without momentum: `w = w - learning_rate * g`. With momentum:
    `velocity = momentum * velocity - learning_rate * g`, then `w = w + velocity`, or
    with `nesterov=True`, `w = w + momentum * velocity - learning_rate * g`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.01.
        momentum: a float in `[0, 1]`. Defaults to 0.0.
        nesterov: whether to use Nesterov momentum.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.

    Example:
        >>> optimizer = lamina.optimizers.SGD(learning_rate=0.1, momentum=0.9)
        >>> optimizer.apply_gradients(zip(grads, model.trainable_variables))
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError(
                f"SGD: `momentum` must be a float between [0, 1]. Received: momentum={momentum!r}"
            )
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables) -> None:
        """Create one `momentum` slot per variable (only when `momentum != 0`)."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One SGD update of `variable`, written into its array."""
        gradient = inplace.as_array(gradient, variable._value)
        xp = namespace(gradient)
        dtype = gradient.dtype
        step = xp.multiply(
            gradient, _cast(_scalar(learning_rate), dtype), out=self._scratch.like(gradient)
        )
        if self.momentum == 0:
            inplace.update(variable, xp.subtract, step)
            return
        momentum = _cast(self.momentum, dtype)
        velocity = self.momentums[self._get_variable_index(variable)]
        inplace.update(velocity, xp.multiply, momentum)
        inplace.update(velocity, xp.subtract, step)
        if self.nesterov:
            delta = xp.multiply(velocity._value, momentum, out=self._scratch.like(gradient, 1))
            inplace.update(variable, xp.add, xp.subtract(delta, step, out=delta))
        else:
            inplace.update(variable, xp.add, velocity._value)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
