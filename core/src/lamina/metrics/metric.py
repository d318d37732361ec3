"""`Metric`: the base class of every metric (state in variables, streaming updates)."""

from __future__ import annotations

import contextlib
import functools

from lamina import dtype_policies, initializers, ops
from lamina.autodiff import Variable
from lamina.autodiff.graph import recording
from lamina.backend import floatx


@contextlib.contextmanager
def _not_recording():
    """Pause every recording tape: metric updates are never differentiated, so they
    must cost no graph even when called inside a `GradientTape`."""
    depth = recording.depth
    recording.depth = 0
    try:
        yield
    finally:
        recording.depth = depth


def _wrap_update_state(original):
    @functools.wraps(original)
    def update_state(self, *args, **kwargs):
        with _not_recording():
            return original(self, *args, **kwargs)

    update_state._lamina_metric_wrapper = True
    return update_state


class Metric:
    """Encapsulates metric logic and state, like `keras.metrics.Metric`.

    Subclasses create their state in `__init__` with `add_variable`, accumulate
    it in `update_state` and compute the value in `result`.

    Args:
        dtype: the dtype of the metric's computations; defaults to floatx. A
            `DTypePolicy` contributes its compute dtype.
        name: the metric's name; defaults to the snake-cased class name.

    Example:
        >>> class Count(lamina.metrics.Metric):
        ...     def __init__(self, name="count", **kwargs):
        ...         super().__init__(name=name, **kwargs)
        ...         self.count = self.add_variable((), "zeros", name="count")
        ...     def update_state(self, values):
        ...         self.count.assign_add(float(len(values)))
        ...     def result(self):
        ...         return self.count.value
        >>> m = Count()
        >>> float(m([1, 2, 3]))
        3.0
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        update = cls.__dict__.get("update_state")
        if update is not None and not getattr(update, "_lamina_metric_wrapper", False):
            cls.update_state = _wrap_update_state(update)

    def __init__(self, dtype=None, name: str | None = None):
        if not name:
            # Imported here: layer.py tracks metrics, so a module-level import would cycle.
            from lamina.layers.layer import to_snake_case, unique_object_name

            name = unique_object_name(to_snake_case(type(self).__name__))
        self.name = name
        self._dtype_policy = dtype_policies.get(dtype or floatx())
        self._dtype = self._dtype_policy.compute_dtype
        self._metrics: list = []
        self._variables: list = []

    @property
    def dtype(self) -> str:
        """The dtype of the metric's computations and variables."""
        return self._dtype

    def _obj_type(self) -> str:
        return "Metric"

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state variable, listed in `variables`.

        Args:
            shape: the variable's shape.
            initializer: an initializer, or its name (`"zeros"`).
            dtype: the variable's dtype; defaults to floatx.
            aggregation: how distributed replicas combine it (`"sum"`, `"mean"`, ...).
            name: the variable's name; its path is `"<metric name>/<name>"`.

        Example:
            >>> m = lamina.metrics.Sum()
            >>> m.add_variable((), "zeros", name="extra").path
            'sum/extra'
        """
        self._check_super_called()
        variable = Variable(
            initializer=initializers.get(initializer),
            shape=shape,
            dtype=dtype,
            trainable=False,
            aggregation=aggregation,
            synchronization="on_read",
            name=name,
        )
        variable.path = f"{self.name.replace('/', '>')}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of `add_variable` kept for backwards compatibility."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list:
        """The state: own variables in creation order, then those of sub-metrics."""
        result = list(self._variables)
        for metric in self._metrics:
            result.extend(metric.variables)
        return result

    def reset_state(self) -> None:
        """Set every state variable back to zero (between epochs or evaluations)."""
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def update_state(self, *args, **kwargs):
        """Accumulate statistics for the metric (implemented by subclasses)."""
        raise NotImplementedError(
            f"{type(self).__name__}.update_state: a Metric subclass must implement update_state()."
        )

    def result(self):
        """Compute the current value: a scalar tensor or a dict of them."""
        raise NotImplementedError(
            f"{type(self).__name__}.result: a Metric subclass must implement result()."
        )

    def _check_variables(self, metric_variables, method):
        if len(metric_variables) != len(self.variables):
            raise ValueError(
                f"{type(self).__name__}.{method}: argument `metric_variables` must be a list "
                f"of tensors corresponding 1:1 to {type(self).__name__}().variables. Received "
                f"a list of length {len(metric_variables)}, but expected "
                f"{len(self.variables)} variables."
            )

    @contextlib.contextmanager
    def _swapped_state(self, metric_variables):
        """Run with the variables holding `metric_variables`, then restore them."""
        saved = [v.numpy().copy() for v in self.variables]
        for v, value in zip(self.variables, metric_variables):
            v.assign(value)
        try:
            yield
        finally:
            for v, value in zip(self.variables, saved):
                v.assign(value)

    def stateless_update_state(self, metric_variables, *args, **kwargs) -> list:
        """`update_state` from the given state values; returns the new values.

        The metric's own variables are left unchanged.
        """
        self._check_variables(metric_variables, "stateless_update_state")
        with self._swapped_state(metric_variables):
            self.update_state(*args, **kwargs)
            return [v.value for v in self.variables]

    def stateless_result(self, metric_variables):
        """`result` computed from the given state values."""
        self._check_variables(metric_variables, "stateless_result")
        with self._swapped_state(metric_variables):
            return self.result()

    def stateless_reset_state(self) -> list:
        """The state values `reset_state` would produce, without changing the metric."""
        with self._swapped_state([v.value for v in self.variables]):
            self.reset_state()
            return [v.value for v in self.variables]

    def __call__(self, *args, **kwargs):
        """Update the state with one batch and return the current result."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        """The serializable config: `name` and `dtype`."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        """Create a metric from its `get_config()`."""
        return cls(**config)

    def __setattr__(self, name, value):
        store = vars(self)
        if "_variables" in store:
            self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value):
        if isinstance(value, Variable):
            if not any(v is value for v in self._variables):
                self._variables.append(value)
        elif isinstance(value, Metric):
            if not any(m is value for m in self._metrics):
                self._metrics.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self._track(item)
        elif isinstance(value, dict):
            for item in value.values():
                self._track(item)

    def _check_super_called(self):
        if "_variables" not in vars(self):
            raise RuntimeError(
                f"In metric '{type(self).__name__}', you forgot to call `super().__init__()` "
                "in the `__init__()` method. Go add it!"
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"

    def __str__(self) -> str:
        return self.__repr__()
