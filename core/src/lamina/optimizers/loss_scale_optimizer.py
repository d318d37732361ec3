"""`LossScaleOptimizer`: dynamic loss scaling around another optimizer, as in Keras."""

from __future__ import annotations

from lamina import initializers, ops
from lamina.autodiff import unwrap
from lamina.backend import namespace
from lamina.optimizers import inplace
from lamina.optimizers.optimizer import Optimizer
from lamina.saving import serialization_lib

# Base-optimizer arguments older Keras configs still carry; only their defaults are allowed.
_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """Wrap an optimizer with dynamic loss scaling, against float16 gradient underflow.

    `scale_loss` multiplies the loss by the current scale; `apply` divides the
    gradients by it. A step whose gradients are not all finite is skipped and halves
    the scale; after `dynamic_growth_steps` finite steps in a row the scale doubles.

    Args:
        inner_optimizer: the optimizer that does the updates.
        initial_scale: the starting loss scale.
        dynamic_growth_steps: finite steps between two doublings of the scale.
        name: the optimizer's name.

    Example:
        >>> optimizer = lamina.optimizers.LossScaleOptimizer(lamina.optimizers.SGD())
        >>> scaled_loss = optimizer.scale_loss(loss)  # differentiate this one
        >>> optimizer.apply(tape.gradient(scaled_loss, variables), variables)
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply "
                "set `loss_scale_factor` directly on the `inner_optimizer`."
            )
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name in kwargs and kwargs.pop(arg_name) != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg_name}`. Instead, set "
                    f"`{arg_name}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be an Optimizer instance, "
                f"received {inner_optimizer!r}. Example: LossScaleOptimizer(SGD())."
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        # The inner optimizer must not unscale the gradients a second time.
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list) -> None:
        """Create the step counter and the scale, then build the inner optimizer."""
        self.step_counter = self.add_variable(
            shape=(), dtype="int64", initializer=initializers.Zeros(), name="step_counter"
        )
        self.dynamic_scale = self.add_variable(
            shape=(),
            dtype="float32",
            initializer=initializers.Constant(self.initial_scale),
            name="dynamic_scale",
        )
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    @property
    def variables(self) -> list:
        """This optimizer's variables, then the inner optimizer's."""
        return self._variables + self.inner_optimizer.variables

    def apply(self, grads, trainable_variables=None) -> None:
        """Apply unscaled gradients with the inner optimizer, or skip a non-finite step."""
        if not self.built:
            if trainable_variables is None:
                raise ValueError(
                    "LossScaleOptimizer.apply: the optimizer is not built yet; pass "
                    "`trainable_variables` or call `optimizer.build(variables)` first."
                )
            trainable_variables = list(trainable_variables)
            self.build(trainable_variables)
            self.built = True
        grads = list(grads)
        if self.check_finite(grads):
            scale = self.dynamic_scale._value
            unscaled = [None if g is None else unwrap(g) / scale for g in grads]
            self.inner_optimizer.apply(unscaled, trainable_variables=trainable_variables)
            if int(self.step_counter._value) == self.dynamic_growth_steps - 1:
                inplace.fill_zeros(self.step_counter)
                inplace.update(self.dynamic_scale, namespace(scale).multiply, 2.0)
            else:
                inplace.update(self.step_counter, namespace(scale).add, 1)
        else:
            inplace.fill_zeros(self.step_counter)
            inplace.update(self.dynamic_scale, namespace(self.dynamic_scale._value).multiply, 0.5)

    def check_finite(self, grads) -> bool:
        """True when every element of every (non-None) gradient is finite."""
        for g in grads:
            if g is not None:
                array = unwrap(g)
                if not bool(namespace(array).isfinite(array).all()):
                    return False
        return True

    @property
    def learning_rate(self):
        """The inner optimizer's learning rate."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate) -> None:
        self.inner_optimizer.learning_rate = learning_rate

    @property
    def iterations(self):
        """The inner optimizer's step count (skipped steps are not counted)."""
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        """Multiply `loss` by the current loss scale (differentiably)."""
        scale = self.dynamic_scale if self.built else self.initial_scale
        return ops.multiply(loss, scale)

    def finalize_variable_values(self, var_list) -> None:
        """Let the inner optimizer finalize (e.g. its EMA)."""
        self.inner_optimizer.finalize_variable_values(var_list)

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "inner_optimizer": serialization_lib.serialize_keras_object(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = serialization_lib.deserialize_keras_object(
            config.pop("inner_optimizer"), custom_objects=custom_objects
        )
        return cls(inner, **config)
