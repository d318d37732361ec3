"""`Muon`: momentum orthogonalized by Newton-Schulz iterations, as `keras.optimizers.Muon`."""

from __future__ import annotations

import re

import numpy as np

from lamina.backend import namespace
from lamina.optimizers import Optimizer, inplace
from lamina_optim.optimizers import moments


class Muon(Optimizer):
    """Muon for 2-D weights, AdamW for everything else.

    A 2-D variable (not an embedding unless `exclude_embeddings=False`, and not matched
    by `exclude_layers`) steps along its (Nesterov) momentum made orthogonal by
    `ns_steps` quintic Newton-Schulz iterations, scaled by
    `sqrt(max(rows, cols)) * rms_rate`. Other variables take AdamW steps with
    `learning_rate * adam_lr_ratio` and `adam_weight_decay`.

    Args:
        learning_rate: a float, a `LearningRateSchedule` or a callable. Defaults to 0.001.
        adam_beta_1: AdamW's first-moment decay rate. Defaults to 0.9.
        adam_beta_2: AdamW's second-moment decay rate. Defaults to 0.999.
        adam_weight_decay: weight decay of the AdamW variables. Defaults to 0.004.
        epsilon: AdamW's small constant. Defaults to 1e-7.
        weight_decay: weight decay of the Muon variables. Defaults to 0.004.
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor, gradient_accumulation_steps, name:
            see `lamina.optimizers.Optimizer`.
        exclude_layers: regular expressions; variables whose path matches one use AdamW.
        exclude_embeddings: variables with "embedding" in their path use AdamW. Defaults
            to True.
        muon_a, muon_b, muon_c: the Newton-Schulz coefficients. Default to
            3.4445, -4.7750, 2.0315.
        adam_lr_ratio: AdamW's learning rate relative to Muon's. Defaults to 1.
        momentum: Muon's momentum. Defaults to 0.95.
        ns_steps: Newton-Schulz iterations. Defaults to 5.
        nesterov: use Nesterov momentum. Defaults to True.
        rms_rate: the RMS the Muon steps are scaled to match (None: no scaling).
            Defaults to 0.2.

    Example:
        >>> optimizer = lamina.optimizers.Muon(learning_rate=0.02, exclude_layers=["head"])
    """

    def __init__(
        self,
        learning_rate=0.001,
        adam_beta_1=0.9,
        adam_beta_2=0.999,
        adam_weight_decay=0.004,
        epsilon=1e-7,
        weight_decay=0.004,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        exclude_layers=None,
        exclude_embeddings=True,
        muon_a=3.4445,
        muon_b=-4.7750,
        muon_c=2.0315,
        adam_lr_ratio=1,
        momentum=0.95,
        ns_steps=5,
        nesterov=True,
        rms_rate=0.2,
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
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = exclude_layers or []
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable) -> bool:
        if len(variable.shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in variable.path.lower():
            return True
        return any(re.search(keyword, variable.path) for keyword in self.exclude_layers)

    def build(self, var_list) -> None:
        """Create a `momentum` slot per variable and a `velocity` one per AdamW variable."""
        if self.built:
            return
        var_list = list(var_list)
        super().build(var_list)
        self.momentums = [None] * len(var_list)
        self.adam_velocities = [None] * len(var_list)
        for variable in var_list:
            index = self._get_variable_index(variable)
            self.momentums[index] = self.add_variable_from_reference(variable, name="momentum")
            if self._should_use_adamw(variable):
                self.adam_velocities[index] = self.add_variable_from_reference(
                    variable, name="velocity"
                )

    def update_step(self, gradient, variable, learning_rate) -> None:
        """One Muon (2-D) or AdamW (other) update of `variable`, written into its array."""
        gradient = moments.gradient_array(gradient, variable)
        index = self._get_variable_index(variable)
        m, v = self.momentums[index], self.adam_velocities[index]
        if v is not None:
            dtype = gradient.dtype
            adam_lr = moments.learning_rate_scalar(learning_rate, dtype) * dtype.type(
                self.adam_lr_ratio
            )
            self._adamw_update_step(gradient, variable, adam_lr, m, v)
        else:
            self._muon_update_step(gradient, variable, learning_rate, m)

    def _adamw_update_step(self, gradient, variable, learning_rate, m, v) -> None:
        coefficients = moments.adam_coefficients(
            self, learning_rate, self.adam_beta_1, self.adam_beta_2, self.epsilon, gradient.dtype
        )
        moments.adam_update(variable, m, v, gradient, coefficients, self._scratch)

    def _muon_update_step(self, gradient, variable, learning_rate, m) -> None:
        xp, dtype = namespace(gradient), gradient.dtype
        work = self._scratch.like(gradient, 0)
        # m += g + m * (momentum - 1), i.e. m = momentum * m + g, in Keras's rounding.
        xp.multiply(m._value, dtype.type(self.momentum - 1), out=work)
        inplace.update(m, xp.add, xp.add(gradient, work, out=work))
        if self.nesterov:
            direction = xp.multiply(m._value, dtype.type(self.momentum), out=work)
            xp.add(gradient, direction, out=direction)
        else:
            direction = m._value
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
        update = self.lr_adjust(update * moments.learning_rate_scalar(learning_rate, dtype))
        inplace.update(variable, xp.subtract, update)

    def lr_adjust(self, x):
        """Scale an orthogonalized step to RMS `rms_rate` (Moonlight's rule)."""
        if self.rms_rate is None:
            return x
        scale = x.dtype.type(np.sqrt(np.float32(max(x.shape[0], x.shape[1]))))
        return x * scale * x.dtype.type(self.rms_rate)

    def zeropower_via_newtonschulz5(self, x, steps: int):
        """Approximately orthogonalize `x` (its singular values pushed towards 1).

        Args:
            x: an array of rank >= 2; the last two axes form the matrices.
            steps: the number of quintic Newton-Schulz iterations.
        """
        if x.ndim < 2:
            raise ValueError(
                "Muon.zeropower_via_newtonschulz5: expected gradient or momentum to have "
                f"at least 2 dimensions. Received: shape={x.shape}"
            )
        xp, scalar = namespace(x), x.dtype.type
        a, b, c = scalar(self.muon_a), scalar(self.muon_b), scalar(self.muon_c)
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = xp.swapaxes(x, -1, -2)
        norm = xp.sqrt(xp.sum(xp.square(x), axis=(-2, -1), keepdims=True))
        x = x / (norm + scalar(1e-7))
        for _ in range(steps):
            gram = x @ xp.swapaxes(x, -1, -2)
            x = a * x + (b * gram + (c * gram) @ gram) @ x
        return xp.swapaxes(x, -1, -2) if tall else x

    def _apply_weight_decay(self, variables) -> None:
        # Muon and AdamW variables decay at their own rates.
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            if self._should_use_adamw(variable):
                weight_decay = self.adam_weight_decay
            else:
                weight_decay = self.weight_decay
            if weight_decay is None:
                continue
            dtype = variable._value.dtype
            decay = self._scratch.like(variable._value)
            xp = namespace(decay)
            xp.multiply(variable._value, dtype.type(weight_decay), out=decay)
            xp.multiply(decay, moments.learning_rate_scalar(self.learning_rate, dtype), out=decay)
            inplace.update(variable, xp.subtract, decay)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "adam_beta_1": self.adam_beta_1,
                "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon,
                "exclude_layers": self.exclude_layers,
                "muon_a": self.muon_a,
                "muon_b": self.muon_b,
                "muon_c": self.muon_c,
                "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum,
                "ns_steps": self.ns_steps,
                "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings,
                "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate,
            }
        )
        return config
