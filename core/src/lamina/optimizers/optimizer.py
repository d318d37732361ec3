"""`Optimizer`: the base class of every optimizer, as `keras.optimizers.Optimizer`."""

from __future__ import annotations

import re
import warnings

import numpy as np

from lamina import initializers
from lamina.autodiff import Tensor, Variable
from lamina.backend import floatx, namespace
from lamina.layers.layer import to_snake_case, unique_object_name
from lamina.optimizers import gradient_clipping, inplace
from lamina.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from lamina.saving import serialization_lib


class Optimizer:
    """The base optimizer: learning rate, clipping, weight decay, EMA, accumulation, state.

    A subclass creates its slot variables in `build(variables)` (after calling
    `super().build(variables)`) and implements `update_step(gradient, variable,
    learning_rate)`, writing with `self.assign`, `self.assign_add` and `self.assign_sub`.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable taking no
            arguments that returns the learning rate.
        weight_decay: if set, each step first multiplies variables by
            `1 - weight_decay * learning_rate`.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: the EMA's momentum, in `[0, 1]`.
        ema_overwrite_frequency: overwrite the variables with their average every
            this many steps (None: only in `finalize_variable_values`).
        loss_scale_factor: `scale_loss` multiplies the loss by it and gradients are
            divided by it before the update.
        gradient_accumulation_steps: update only every this many steps (>= 2), with the
            mean of the gradients since the last update.
        name: the optimizer's name; by default a unique snake_case name from the class.

    Example:
        >>> class PlainGD(lamina.optimizers.Optimizer):
        ...     def update_step(self, gradient, variable, learning_rate):
        ...         self.assign_sub(variable, gradient * learning_rate)
        >>> PlainGD(learning_rate=0.1).apply([g], [v])
    """

    def __init__(
        self,
        learning_rate,
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
        self._lock = False
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=2
            )
        if kwargs:
            raise ValueError(
                f"{type(self).__name__}: argument(s) not recognized: {kwargs}. "
                "Check the spelling against the optimizer's signature."
            )
        self._variables: list[Variable] = []
        self._tracked_ids: set[int] = set()
        self._trainable_variables: list = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._scratch = inplace.ScratchBuffers()
        self.name = (
            name if name is not None else unique_object_name(to_snake_case(type(self).__name__))
        )
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        _check_arguments(
            type(self).__name__,
            use_ema,
            ema_momentum,
            ema_overwrite_frequency,
            gradient_accumulation_steps,
            clipnorm,
            clipvalue,
            global_clipnorm,
        )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.built = False

        self._iterations = self._make_variable(
            0, "iteration", "int64", aggregation="only_first_replica"
        )
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not isinstance(learning_rate, float):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of "
                    "LearningRateSchedule, or a callable (that takes in the current "
                    "iteration value and returns the corresponding learning rate value). "
                    f"Received instead: learning_rate={learning_rate!r}"
                )
            self._learning_rate = self._make_variable(
                learning_rate, "learning_rate", floatx(), aggregation="only_first_replica"
            )

    def __setattr__(self, name, value):
        if name != "_lock" and "_lock" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{type(self).__name__}', you forgot to call "
                "`super().__init__()` as the first statement in the `__init__()` method."
            )
        super().__setattr__(name, value)

    # -- state -----------------------------------------------------------------------

    def _track_variable(self, variable: Variable) -> None:
        if id(variable) not in self._tracked_ids:
            self._tracked_ids.add(id(variable))
            self._variables.append(variable)

    def _untrack_variable(self, variable: Variable) -> None:
        if id(variable) in self._tracked_ids:
            self._tracked_ids.discard(id(variable))
            self._variables.remove(variable)

    def _make_variable(self, initializer, name, dtype, shape=None, aggregation="none"):
        variable = Variable(
            initializer,
            shape=shape,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            name=name,
        )
        variable.path = f"{self.name}/{name}"
        self._track_variable(variable)
        return variable

    @property
    def variables(self) -> list:
        """The optimizer's own variables: iteration, learning rate, then slots, in order."""
        return self._variables[:]

    @property
    def iterations(self):
        """The number of optimizer steps taken (accumulation steps count as one)."""
        if self.gradient_accumulation_steps:
            return Tensor(self._iterations._value // self.gradient_accumulation_steps)
        return self._iterations

    def build(self, variables) -> None:
        """Create the optimizer's variables for the model `variables` it will update.

        Subclasses call `super().build(variables)` first, then add their slots.
        """
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = []
        for i, variable in enumerate(variables):
            self._trainable_variables_indices[self._var_key(variable)] = i
            if self.gradient_accumulation_steps:
                self._accumulated_gradients.append(
                    self.add_variable_from_reference(variable, name="gradient_accumulator")
                )
        self._trainable_variables = variables[:]
        self.built = True

    def _var_key(self, variable) -> int:
        return id(variable)

    def _get_variable_index(self, variable) -> int:
        return self._trainable_variables_indices[self._var_key(variable)]

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ) -> Variable:
        """Create an optimizer variable (not trainable) named `<optimizer name>/<name>`.

        Args:
            shape: the variable's shape.
            initializer: an initializer or its name.
            dtype: defaults to floatx.
            aggregation: accepted for Keras compatibility (multi-replica aggregation).
            layout: accepted for Keras compatibility (ignored).
            name: the variable's name.

        Example:
            >>> counter = optimizer.add_variable((), initializer="zeros", name="counter")
        """
        return self._make_variable(
            initializers.get(initializer),
            name or f"variable_{len(self._variables)}",
            dtype,
            shape=tuple(shape),
            aggregation=aggregation,
        )

    def add_variable_from_reference(
        self, reference_variable, name=None, initializer="zeros"
    ) -> Variable:
        """Create an optimizer variable shaped like `reference_variable`.

        It is named `<reference path with '/' as '_'>_<name>`, as Keras names it, so
        saved optimizer state matches Keras's.

        Example:
            >>> m = optimizer.add_variable_from_reference(kernel, name="momentum")
        """
        name = name or "var"
        if hasattr(reference_variable, "path"):
            prefix = reference_variable.path.replace("/", "_")
        else:
            prefix = str(reference_variable.name).replace("/", "_").replace(":", "_")
        return self.add_variable(
            shape=reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=f"{prefix}_{name}",
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot variable per trainable variable, for each of `name` (str or list).

        Returns a list for a single name, else a tuple of lists (variables interleaved
        per trainable variable, as Keras creates them).
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str) or isinstance(initializer, str) or callable(initializer):
            inits = [initializer] * len(names)
        else:
            inits = list(initializer)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided "
                f"initializers. Received name='{name}', initializer='{initializer}'"
            )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, (slot_name, slot_init) in enumerate(zip(names, inits)):
                slots[i].append(
                    self.add_variable_from_reference(
                        variable, name=slot_name, initializer=slot_init
                    )
                )
        return slots[0] if isinstance(name, str) else slots

    # -- learning rate -----------------------------------------------------------------

    @property
    def learning_rate(self):
        """The current learning rate (a Variable, or the schedule's value at this step)."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate) -> None:
        previous = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if isinstance(self._learning_rate, LearningRateSchedule):
                raise TypeError(
                    "This optimizer was created with a `LearningRateSchedule` object as "
                    "its `learning_rate` constructor argument, hence its learning rate "
                    "is not settable. If you need the learning rate to be settable, you "
                    "should instantiate the optimizer with a float `learning_rate` argument."
                )
            if not isinstance(self._learning_rate, Variable):
                raise TypeError(
                    f"{type(self).__name__}: the learning rate is a callable, so it cannot "
                    f"be set to a number (received {learning_rate!r}). Create the optimizer "
                    "with a float `learning_rate` to set it later."
                )
            self._learning_rate.assign(learning_rate)
        if previous is not None and not isinstance(self._learning_rate, Variable):
            self._untrack_variable(previous)

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if isinstance(self._learning_rate, Variable):
            return self._learning_rate
        if callable(self._learning_rate):
            return self._learning_rate()
        return self._learning_rate

    # -- applying gradients ------------------------------------------------------------

    def apply_gradients(self, grads_and_vars):
        """Apply `(gradient, variable)` pairs; returns `iterations` (as tf.keras does).

        Example:
            >>> optimizer.apply_gradients(zip(grads, model.trainable_variables))
        """
        pairs = list(grads_and_vars)
        if not pairs:
            return self._iterations
        grads, trainable_variables = zip(*pairs)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Update variables from their gradients, building the optimizer on first use.

        Args:
            grads: one gradient per variable (Tensor, array or None to skip it).
            trainable_variables: the variables; may be left out once the optimizer is
                built, the gradients then follow the order it was built with.

        Example:
            >>> optimizer.apply(grads, model.trainable_variables)
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already "
                    "be built on a list of variables. Call "
                    "`optimizer.build(trainable_variables)` first."
                )
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients "
                    "must match `optimizer.variables` one-to-one. Received a list of "
                    f"{len(grads)} gradients, but the optimizer is tracking "
                    f"{len(self._trainable_variables)} trainable variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(
                    f"{type(self).__name__}.apply: received {len(grads)} gradients for "
                    f"{len(trainable_variables)} variables; pass one gradient per variable."
                )
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)

        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        grads = [_gradient_array(g, v) for g, v in zip(grads, trainable_variables)]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        self._backend_apply_gradients(grads, trainable_variables)
        for variable in trainable_variables:
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable))
        self.assign_add(self._iterations, 1)

    def _check_variables_are_known(self, variables) -> None:
        for v in variables:
            if self._var_key(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {v}. This optimizer can only be called for the "
                    "variables it was originally built with. When working with a new set "
                    "of variables, you should recreate a new optimizer instance."
                )

    def _filter_empty_gradients(self, grads, variables):
        if all(g is not None for g in grads):
            return grads, variables
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        missing = [getattr(v, "path", v.name) for g, v in zip(grads, variables) if g is None]
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. "
            "If using `model.compile()`, did you forget to provide a `loss` argument?",
            stacklevel=3,
        )
        return [g for g, _ in kept], [v for _, v in kept]

    def _backend_apply_gradients(self, grads, trainable_variables) -> None:
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = [
                self._accumulated_gradients[self._get_variable_index(v)]
                for v in trainable_variables
            ]
            if (int(self._iterations._value) + 1) % steps == 0:
                grads = [(g + acc._value) / steps for g, acc in zip(grads, accumulators)]
                self._update(grads, trainable_variables)
                for acc in accumulators:
                    inplace.fill_zeros(acc)
            else:
                for g, acc in zip(grads, accumulators):
                    inplace.update(acc, namespace(g).add, g)
        else:
            self._update(grads, trainable_variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            frequency = self.ema_overwrite_frequency
            if frequency and (int(self.iterations) + 1) % frequency == 0:
                self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _update(self, grads, trainable_variables) -> None:
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables)
        self._backend_update_step(grads, trainable_variables, self.learning_rate)

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        for grad, variable in zip(grads, trainable_variables):
            self.update_step(Tensor(grad), variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate) -> None:
        """Update one `variable` from its `gradient`; every optimizer implements this."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `update_step(gradient, variable, "
            "learning_rate)`: the base `Optimizer` has no update rule of its own."
        )

    def assign(self, variable, value) -> None:
        """Set `variable` to `value`, writing into its array when it is not shared."""
        inplace.copy_into(variable, value)

    def assign_add(self, variable, value) -> None:
        """Add `value` to `variable` in place."""
        value = inplace.as_array(value, variable._value)
        inplace.update(variable, namespace(value).add, value)

    def assign_sub(self, variable, value) -> None:
        """Subtract `value` from `variable` in place."""
        value = inplace.as_array(value, variable._value)
        inplace.update(variable, namespace(value).subtract, value)

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [gradient_clipping.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return gradient_clipping.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            return [gradient_clipping.clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    # -- weight decay ------------------------------------------------------------------

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Exclude variables from weight decay (meant to be called before `build`).

        Args:
            var_list: variables to exclude.
            var_names: substrings (regular expressions); a variable whose name contains
                one is excluded, e.g. `["bias"]`.

        Example:
            >>> optimizer.exclude_from_weight_decay(var_names=["bias", "gamma"])
        """
        # Keras documents "before build" but never enforces it (its check reads an
        # attribute that is never set); later calls take effect, as they do there.
        self._exclude_from_weight_decay = {self._var_key(v) for v in var_list or ()}
        self._exclude_from_weight_decay_pattern = (
            re.compile("|".join(set(var_names))) if var_names else None
        )
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable) -> bool:
        cache = self.__dict__.setdefault("_exclude_from_weight_decay_cache", {})
        key = self._var_key(variable)
        if key not in cache:
            pattern = getattr(self, "_exclude_from_weight_decay_pattern", None)
            cache[key] = key not in getattr(self, "_exclude_from_weight_decay", ()) and (
                pattern is None or pattern.search(variable.name) is None
            )
        return cache[key]

    def _apply_weight_decay(self, variables) -> None:
        if self.weight_decay is None:
            return
        learning_rate = _scalar(self.learning_rate)
        for variable in variables:
            if self._use_weight_decay(variable):
                decay = self._scratch.like(variable._value)
                xp = namespace(decay)
                xp.multiply(variable._value, _cast(self.weight_decay, decay.dtype), out=decay)
                xp.multiply(decay, _cast(learning_rate, decay.dtype), out=decay)
                inplace.update(variable, xp.subtract, decay)

    # -- moving average ----------------------------------------------------------------

    def _update_model_variables_moving_average(self, trainable_variables) -> None:
        first_step = int(self.iterations) == 0
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            current = self._scratch.like(variable._value)
            xp = namespace(current)
            momentum = _cast(0 if first_step else self.ema_momentum, current.dtype)
            xp.multiply(variable._value, 1 - momentum, out=current)
            inplace.update(average, xp.multiply, momentum)
            inplace.update(average, xp.add, current)

    def _overwrite_model_variables_with_average_value(self, trainable_variables) -> None:
        averages = self._model_variables_moving_average
        if len(trainable_variables) != len(averages):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override "
                "does not match the length of model variables stored in the optimizer "
                f"({len(averages)}). Please check if the optimizer was called on your model."
            )
        for variable, average in zip(trainable_variables, averages):
            inplace.copy_into(variable, average._value)

    def finalize_variable_values(self, var_list) -> None:
        """At the end of training, overwrite `var_list` with their moving averages (EMA).

        Example:
            >>> optimizer.finalize_variable_values(model.trainable_variables)
        """
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Run `apply` on given values and return the new ones, leaving all state unchanged.

        Args:
            optimizer_variables: values for `self.variables`, in order.
            grads: the gradients, one per trainable variable the optimizer was built with.
            trainable_variables: values for those variables, in order.

        Returns:
            `(new trainable variable values, new optimizer variable values)`, as Tensors.

        Example:
            >>> new_values, new_state = optimizer.stateless_apply(
            ...     [v.numpy() for v in optimizer.variables], grads, [w.numpy() for w in ws])
        """
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (i.e. its "
                "variables must have been created). You can build it via "
                "`optimizer.build(trainable_variables)`."
            )
        own = self.variables
        if len(optimizer_variables) != len(own):
            raise ValueError(
                "Argument `optimizer_variables` must be a list of tensors corresponding 1:1 "
                f"to {type(self).__name__}().variables. Received list with length "
                f"{len(optimizer_variables)}, but expected {len(own)} variables."
            )
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(
                "Argument `trainable_variables` must be a list of tensors corresponding 1:1 "
                "to the trainable variables list that the optimizer was built with. "
                f"Received len(trainable_variables) == {len(trainable_variables)} whereas "
                f"the optimizer was built with {len(self._trainable_variables)} variables."
            )
        targets = self._trainable_variables + own
        saved = [v._value for v in targets]
        try:
            for variable, value in zip(targets, [*trainable_variables, *optimizer_variables]):
                variable._value = inplace.as_array(value, variable._value).copy()
            self.apply(grads)
            new_trainable = [Tensor(v._value) for v in self._trainable_variables]
            new_state = [Tensor(v._value) for v in own]
        finally:
            for variable, array in zip(targets, saved):
                variable._value = array
        return new_trainable, new_state

    # -- loss scaling ------------------------------------------------------------------

    def scale_loss(self, loss):
        """Multiply `loss` by `loss_scale_factor` (if set) before taking gradients.

        Example:
            >>> scaled = optimizer.scale_loss(loss)
        """
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- weights -----------------------------------------------------------------------

    def set_weights(self, weights) -> None:
        """Set the optimizer's variables from a list of arrays (built optimizers only)."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been "
                "built. Please call `optimizer.build(trainable_variables)` to create the "
                "optimizer weights before calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(
                    f"Optimizer variable {variable.path} has shape {variable.shape} not "
                    f"compatible with provided weight shape {np.shape(weight)}."
                )
            variable.assign(weight)

    def save_own_variables(self, store) -> None:
        """Write the optimizer's variables to `store` under keys "0", "1", ..."""
        for i, variable in enumerate(self.variables):
            value = variable.numpy().copy()
            if variable is self._iterations:
                # Keras on JAX and torch stores the step counter as int32; so do we, so
                # that files match theirs (int64 ones from TensorFlow load all the same).
                value = value.astype("int32")
            store[str(i)] = value

    def load_own_variables(self, store) -> None:
        """Read the optimizer's variables from `store` (skipped with a warning on mismatch)."""
        if len(store.keys()) != len(self.variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self.variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if not self.variables:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(np.asarray(store[str(i)]))

    # -- config ------------------------------------------------------------------------

    def _obj_type(self) -> str:
        return "Optimizer"

    def get_config(self) -> dict:
        """The optimizer's constructor arguments, with Keras's keys.

        Example:
            >>> lamina.optimizers.SGD().get_config()["learning_rate"]
            0.009999999776482582
        """
        if isinstance(self._learning_rate, LearningRateSchedule):
            from lamina.optimizers.schedules import serialize

            learning_rate = serialize(self._learning_rate)
        elif isinstance(self._learning_rate, Tensor):
            learning_rate = float(self._learning_rate.numpy())
        elif callable(self._learning_rate):
            learning_rate = serialization_lib.serialize_keras_object(self._learning_rate)
        else:
            learning_rate = 0.5
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Create an optimizer from `get_config()`'s output (without its state).

        Example:
            >>> SGD.from_config(SGD(momentum=0.9).get_config())
        """
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = serialization_lib.deserialize_keras_object(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _check_arguments(
    owner,
    use_ema,
    ema_momentum,
    ema_overwrite_frequency,
    gradient_accumulation_steps,
    clipnorm,
    clipvalue,
    global_clipnorm,
) -> None:
    if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
        raise ValueError(
            f"{owner}: `gradient_accumulation_steps` must be an integer >= 2. "
            f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
        )
    if use_ema:
        if ema_momentum > 1 or ema_momentum < 0:
            raise ValueError(
                f"{owner}: `ema_momentum` must be in the range [0, 1]. "
                f"Received: ema_momentum={ema_momentum}"
            )
        if ema_overwrite_frequency and (
            not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
        ):
            raise ValueError(
                f"{owner}: `ema_overwrite_frequency` must be an integer >= 1 or None. "
                f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
            )
    if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
        raise ValueError(
            f"{owner}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
            f"set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
            f"global_clipnorm={global_clipnorm}"
        )


def _gradient_array(gradient, variable):
    """A gradient as a raw array of its variable's array type, dtype and shape."""
    array = inplace.as_array(gradient, variable._value)
    if array.shape != variable._value.shape:
        raise ValueError(
            f"Optimizer: the gradient for variable '{variable.path}' has shape "
            f"{array.shape}, but the variable has shape {variable._value.shape}. "
            "Pass gradients in the same order as the variables."
        )
    return array


def _scalar(value) -> float:
    """A learning rate (Variable, Tensor, array or number) as a Python float."""
    if isinstance(value, Tensor):
        value = value._value
    return float(value.item() if hasattr(value, "item") else value)


def _cast(value, dtype):
    """A NumPy scalar of `dtype`, rounded once as Keras's `ops.cast` rounds it."""
    return np.dtype(dtype).type(value)
