"""`MultiOptimizer` and `OptimizerMap`: different optimizers for different variables.

As `keras.optimizers.MultiOptimizer` and `keras.optimizers.OptimizerMap` (Keras 3.15).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from lamina.optimizers import LossScaleOptimizer, Optimizer
from lamina.saving import serialization_lib


class OptimizerMap(MutableMapping):
    """Map variable paths (exact, or regular expressions) to optimizers.

    A lookup first tries the exact key, then every key as a pattern with `re.fullmatch`;
    a variable no key matches gets `default_optimizer`. Called with a variable, the map
    looks up its `path`.

    Args:
        default_optimizer: the optimizer of every variable no key matches.
        optimizer_map: an optional `{path or pattern: optimizer}` dict.

    Example:
        >>> optimizer_map = OptimizerMap(lamina.optimizers.SGD())
        >>> optimizer_map["encoder/.*"] = lamina.optimizers.Adam()
        >>> optimizer_map["encoder/dense/kernel"].name
        'adam'
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                "OptimizerMap: `default_optimizer` must be a lamina Optimizer instance. "
                f"Received: {default_optimizer!r}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(
                "OptimizerMap: `optimizer_map` must be a dict of {path or pattern: "
                f"optimizer}}. Received: {optimizer_map!r}"
            )
        self._default_optimizer = default_optimizer
        self._optimizer_map = optimizer_map or {}

    @property
    def default_optimizer(self):
        """The optimizer of variables no key matches."""
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matching = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matching) > 1:
            raise ValueError(
                f"OptimizerMap: multiple optimizers assigned to variable {key}: the "
                f"patterns {matching} all match it. Make the patterns exclusive."
            )
        if matching:
            return self._optimizer_map[matching[0]]
        return self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(
                f"'{key}' already exists in the OptimizerMap with value "
                f"{self._optimizer_map[key]}. Please make sure to not use duplicated keys."
            )
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: key must be a string. Received: {key!r}")
        _check_inner(optimizer, "OptimizerMap: optimizer")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self) -> dict:
        return {
            "default_optimizer": serialization_lib.serialize_keras_object(self._default_optimizer),
            "optimizer_map": serialization_lib.serialize_keras_object(self._optimizer_map),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        default_optimizer = serialization_lib.deserialize_keras_object(
            config["default_optimizer"], custom_objects=custom_objects
        )
        optimizer_map = serialization_lib.deserialize_keras_object(
            config["optimizer_map"], custom_objects=custom_objects
        )
        return cls(default_optimizer, optimizer_map)


class MultiOptimizer(Optimizer):
    """Delegate each variable to its own optimizer.

    `optimizer_map` is an `OptimizerMap` or a callable taking a variable and returning
    its optimizer. The inner optimizers keep their own state and step counts; this
    optimizer's `variables` are its own `iteration` and `learning_rate` followed by each
    inner optimizer's, in the order Keras saves them. It has no learning rate of its own:
    read and set learning rates on `optimizers`.

    Args:
        optimizer_map: an `OptimizerMap` or a callable `variable -> Optimizer`.
        loss_scale_factor: overrides the inner optimizers' `loss_scale_factor`.
        name: the optimizer's name.

    Example:
        >>> optimizer = lamina.optimizers.MultiOptimizer(
        ...     lamina.optimizers.OptimizerMap(
        ...         lamina.optimizers.SGD(), {"encoder/.*": lamina.optimizers.Adam()}
        ...     )
        ... )
        >>> model.compile(optimizer=optimizer, loss="mse")
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        if not (isinstance(optimizer_map, OptimizerMap) or callable(optimizer_map)):
            raise TypeError(
                "MultiOptimizer: `optimizer_map` must be an OptimizerMap or a callable "
                f"returning an optimizer for a variable. Received: {optimizer_map!r}"
            )
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        self._inner_optimizers = []
        if isinstance(optimizer_map, OptimizerMap):
            for optimizer in [*optimizer_map.values(), optimizer_map.default_optimizer]:
                self._adopt(optimizer)

    def _adopt(self, optimizer) -> None:
        if optimizer not in self._inner_optimizers:
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(optimizer)

    def build(self, var_list) -> None:
        """Build each inner optimizer on the variables the map gives it."""
        if self.built:
            return
        var_list = list(var_list)
        self._var_to_optimizer_idx = {}
        for i, variable in enumerate(var_list):
            optimizer = self._optimizer_map(variable)
            _check_inner(optimizer, f"MultiOptimizer: the optimizer for variable {variable.path}")
            self._adopt(optimizer)
            self._var_to_optimizer_idx[self._var_key(variable)] = self._inner_optimizers.index(
                optimizer
            )
            self._trainable_variables_indices[self._var_key(variable)] = i
        for optimizer, variables in zip(self._inner_optimizers, self._split(var_list)):
            if variables:
                optimizer.build(variables)
        super().build(var_list)

    def _split(self, items, variables=None) -> list[list]:
        """`items` grouped by the inner optimizer of the matching variable."""
        groups = [[] for _ in self._inner_optimizers]
        for item, variable in zip(items, items if variables is None else variables):
            groups[self._var_to_optimizer_idx[self._var_key(variable)]].append(item)
        return groups

    @property
    def optimizers(self) -> list:
        """The inner optimizers (read their learning rates and step counts here)."""
        return self._inner_optimizers

    @property
    def variables(self) -> list:
        """This optimizer's `iteration` and `learning_rate`, then each inner optimizer's."""
        variables = self._variables[:]
        for optimizer in self._inner_optimizers:
            variables.extend(optimizer.variables)
        return variables

    @property
    def learning_rate(self):
        raise AttributeError(
            "Learning rate cannot be accessed on a MultiOptimizer. "
            "Access the learning rate on the individual sub-optimizers instead."
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "Learning rate cannot be set on a MultiOptimizer. "
            "Set the learning rate on the individual sub-optimizers instead."
        )

    @property
    def loss_scale_factor(self):
        """The loss scale factor, shared with every inner optimizer."""
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in self.__dict__.get("_inner_optimizers", ()):
            optimizer.loss_scale_factor = value

    @property
    def iterations(self):
        """The number of `apply` calls."""
        return self._iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Hand each gradient to its variable's optimizer.

        Args:
            grads: one gradient per variable the optimizer was (or is being) built with.
            trainable_variables: the variables; may be left out once built.
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
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if not self.built:
            self.build(trainable_variables)
        if len(grads) != len(self._trainable_variables_indices):
            raise ValueError(
                "MultiOptimizer: gradients must match trainable variables one-to-one. "
                f"Received {len(grads)} gradients and "
                f"{len(self._trainable_variables_indices)} variables."
            )
        self._check_variables_are_known(trainable_variables)
        grad_groups = self._split(grads, trainable_variables)
        variable_groups = self._split(trainable_variables)
        for optimizer, sub_grads, sub_vars in zip(
            self._inner_optimizers, grad_groups, variable_groups
        ):
            if sub_grads:
                optimizer.apply(sub_grads, sub_vars)
        self.assign_add(self._iterations, 1)

    def finalize_variable_values(self, var_list) -> None:
        """Let each inner optimizer finalize its variables (e.g. with its EMA)."""
        var_list = list(var_list)
        for optimizer, variables in zip(self._inner_optimizers, self._split(var_list)):
            if variables:
                optimizer.finalize_variable_values(variables)

    def set_weights(self, weights) -> None:
        """Set this optimizer's variables, then each inner optimizer's, from a list."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been "
                "built. Please call `optimizer.build(trainable_variables)` to create the "
                "optimizer weights before calling `set_weights()`."
            )
        weights = list(weights)
        if len(weights) != len(self.variables):
            raise ValueError(
                f"MultiOptimizer.set_weights: expected {len(self.variables)} arrays (one per "
                f"optimizer variable), received {len(weights)}."
            )
        own = len(self._variables)
        for variable, weight in zip(self._variables, weights[:own]):
            variable.assign(weight)
        start = own
        for optimizer in self._inner_optimizers:
            count = len(optimizer.variables)
            if count:
                optimizer.set_weights(weights[start : start + count])
                start += count

    def get_config(self) -> dict:
        return {
            "optimizer_map": serialization_lib.serialize_keras_object(self._optimizer_map),
            "loss_scale_factor": self.loss_scale_factor,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["optimizer_map"] = serialization_lib.deserialize_keras_object(
            config["optimizer_map"], custom_objects=custom_objects
        )
        return cls(**config)


def _check_inner(optimizer, owner: str) -> None:
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{owner} must be a lamina Optimizer instance. Received: {optimizer!r}")
    for kind in (LossScaleOptimizer, MultiOptimizer):
        if isinstance(optimizer, kind):
            raise ValueError(
                f"{owner} cannot be a {kind.__name__}: wrap the MultiOptimizer instead, or "
                "set `loss_scale_factor` on it."
            )
