"""`Layer`: the base class of every layer, with Keras 3's contract.

A layer creates its state in `build(input_shape)` with `add_weight`, computes in
`call(inputs, ...)` with `lamina.ops`, and is used through `__call__`, which converts
and autocasts inputs, checks `input_spec`, builds on first use, resolves `training`,
injects and propagates masks, applies the dtype policy and records a functional-graph
node when called on symbolic tensors.

Sub-layers, variables and metrics assigned as attributes, directly or inside lists,
tuples and dicts, are tracked (also when appended to such containers later), except
attributes set under `no_automatic_dependency_tracking`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import itertools
import re
import sys
import threading
import warnings

import numpy as np

from lamina import dtype_policies, ops
from lamina.autodiff import Tensor, Variable
from lamina.backend import arrays as _arrays
from lamina.backend import standardize_dtype
from lamina.layers.input_spec import InputSpec, assert_input_compatibility

# The module, not the `primitive` decorator that `lamina.autodiff` exports under that name.
_primitive_module = importlib.import_module("lamina.autodiff.primitive")
_name_uids: dict = {}
_state = threading.local()  # .context: the call context of the outermost layer call
# Outermost layer calls are numbered; a layer's `_losses` belong to call `_losses_epoch`.
# Keras empties the losses of a layer tree when a call enters it; comparing numbers
# gives the same result without walking the tree on every call.
_epoch = itertools.count(1)
_current_epoch = [0]
_SERIALIZABLE = (str, int, float, bool, type(None))
# Argument values that are never tensors (`training=True`, `mask=None`): no need to look.
_PLAIN_VALUES = frozenset(_SERIALIZABLE)
_EAGER_TYPES = frozenset((Tensor, np.ndarray))
_tracking_paused = threading.local()  # .depth > 0 inside no_automatic_dependency_tracking


def get_uid(prefix: str = "") -> int:
    """Return 1, 2, 3, ... for successive calls with the same `prefix` (Keras's `get_uid`).

    Example:
        >>> get_uid("my_prefix")
        1
    """
    _name_uids[prefix] = _name_uids.get(prefix, 0) + 1
    return _name_uids[prefix]


def reset_uids() -> None:
    """Forget the name counters, so new layers are named `dense`, `dense_1`, ... again."""
    _name_uids.clear()


def to_snake_case(name: str) -> str:
    """`"BatchNormalization"` -> `"batch_normalization"`, as Keras names layers.

    Example:
        >>> to_snake_case("ReLU")
        're_lu'
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_object_name(base: str) -> str:
    """`base` the first time, then `base_1`, `base_2`, ...

    Example:
        >>> unique_object_name("block")  # first use
        'block'
    """
    uid = get_uid(base)
    return base if uid == 1 else f"{base}_{uid - 1}"


class _CallContext:
    """State shared by nested layer calls: which layer entered first, and `training`."""

    __slots__ = ("entry_layer", "training")

    def __init__(self, entry_layer):
        self.entry_layer = entry_layer
        self.training = None


def current_call_context():
    """The active call context (or None outside any layer call)."""
    return getattr(_state, "context", None)


class _CallSpec:
    """What `__call__` needs to know about a `call` signature (cached per function)."""

    __slots__ = (
        "arg_names",
        "has_mask",
        "has_training",
        "has_varkw",
        "positional_names",
        "training_default",
    )

    def __init__(self, fn):
        params = list(inspect.signature(fn).parameters.values())[1:]  # drop self
        self.arg_names = [p.name for p in params if p.kind is not p.VAR_KEYWORD]
        self.positional_names = [
            p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        self.has_varkw = any(p.kind is p.VAR_KEYWORD for p in params)
        by_name = {p.name: p for p in params}
        self.has_training = "training" in by_name
        self.has_mask = "mask" in by_name
        default = by_name["training"].default if self.has_training else None
        self.training_default = None if default is inspect.Parameter.empty else default


_call_specs: dict = {}


def _call_spec(fn) -> _CallSpec:
    spec = _call_specs.get(fn)
    if spec is None:
        spec = _call_specs[fn] = _CallSpec(fn)
    return spec


def call_accepts(layer: Layer, argument: str) -> bool:
    """Whether `layer`'s `call` takes the keyword `argument` (or any keyword, through `**kwargs`).

    For wrapper layers, which pass `training` or `mask` on only to layers that take them.

    Example:
        >>> call_accepts(lamina.layers.Dropout(0.5), "training")
        True
    """
    spec = _call_spec(type(layer).call)
    return argument in spec.arg_names or spec.has_varkw


def _flatten(structure):
    """The leaves of nested lists, tuples and dicts (dict values in key order)."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure, key=str) for leaf in _flatten(structure[key])]
    return [structure]


def _map(fn, structure):
    if isinstance(structure, list):
        return [_map(fn, item) for item in structure]
    if isinstance(structure, tuple):
        return tuple(_map(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: _map(fn, value) for key, value in structure.items()}
    return fn(structure)


def _is_symbolic(x) -> bool:
    return getattr(type(x), "_is_symbolic", False)


def _any_symbolic(args, kwargs) -> bool:
    for x in args:
        if _is_symbolic(x) or (isinstance(x, (list, tuple, dict)) and _any_symbolic_in(x)):
            return True
    for x in kwargs.values():
        if _is_symbolic(x) or (isinstance(x, (list, tuple, dict)) and _any_symbolic_in(x)):
            return True
    return False


def _any_symbolic_in(structure) -> bool:
    return any(_is_symbolic(x) for x in _flatten(structure))


def _is_tensor_like(x) -> bool:
    return (
        isinstance(x, (Tensor, np.ndarray))
        or _is_symbolic(x)
        or hasattr(x, "__cuda_array_interface__")
    )


def _shape_of(x):
    if isinstance(x, (list, tuple, dict)):
        return _map(_shape_of, x)
    shape = getattr(x, "shape", None)
    return None if shape is None else tuple(shape)


def _is_float_dtype(dtype: str) -> bool:
    return dtype.startswith(("float", "bfloat"))


def _is_float_array(array) -> bool:
    """Float arrays, bfloat16 included (ml_dtypes gives it NumPy kind "V", not "f")."""
    return array.dtype.kind == "f" or array.dtype == _arrays.bfloat16_loaded


class _NameScopes(threading.local):
    def __init__(self) -> None:
        self.layers: list = []


_name_scopes = _NameScopes()


@contextlib.contextmanager
def _name_scope(layer):
    """Open `layer`'s name scope (once) while it builds, so its variables get Keras's
    paths: `sequential/dense/kernel` when a model builds its layers, `dense/kernel` alone."""
    stack = _name_scopes.layers
    if stack and stack[-1] is layer:
        yield
        return
    stack.append(layer)
    try:
        yield
    finally:
        stack.pop()


def no_automatic_dependency_tracking(fn):
    """Decorate a method so that the attributes it sets are not tracked (Keras's decorator
    of the same name): a `Metric` or sub-layer stored that way stays out of `metrics`,
    `layers` and `weights`, as `Model.compile` stores its loss tracker.

    Example:
        >>> class Owner(Layer):
        ...     @no_automatic_dependency_tracking
        ...     def attach(self, helper):
        ...         self.helper = helper
    """

    @functools.wraps(fn)
    def untracked(*args, **kwargs):
        _tracking_paused.depth = getattr(_tracking_paused, "depth", 0) + 1
        try:
            return fn(*args, **kwargs)
        finally:
            _tracking_paused.depth -= 1

    return untracked


def _metric_class():
    """`lamina.metrics.Metric`, or None while that module is not imported (then no metric
    can exist). Looked up, never imported: metrics import layers, not the other way."""
    module = sys.modules.get("lamina.metrics.metric")
    return None if module is None else getattr(module, "Metric", None)


def _wrap_build(original):
    """Make a subclass's `build` mark the layer built and remember its input shape."""

    @functools.wraps(original)
    def build(self, *args, **kwargs):
        if self._build_shapes is None:
            if args and not kwargs:
                self._build_shapes = {"input_shape": args[0]} if len(args) == 1 else None
            elif kwargs and not args:
                self._build_shapes = dict(kwargs)
        with _name_scope(self):
            original(self, *args, **kwargs)
        self.built = True

    build._lamina_build_wrapper = True
    return build


# Attributes of Layer itself that the tracker never looks into.
_UNTRACKED = frozenset(
    {
        "_inbound_nodes",
        "_outbound_nodes",
        "_trainable_variables",
        "_non_trainable_variables",
        "_explicit_layers",
        "_losses",
        "_losses_epoch",
        "_entry_epoch",
        "_weight_regularizers",
        "_auto_config",
        "_build_shapes",
        "_dtype_policy",
        "_input_spec",
        "_call_context_layer",
        "_untracked_attributes",
        "_input_spec_checked",
    }
)


class Layer:
    """The base class of all layers: state in `build`, computation in `call`.

    Args:
        activity_regularizer: a regularizer applied to the outputs; its loss (divided by
            the batch size) is added to `losses`.
        trainable: whether the layer's variables are trainable.
        dtype: a dtype policy: a name such as `"float32"` or `"mixed_float16"`, a
            `DTypePolicy`, or None for the global policy.
        autocast: whether float inputs are cast to the compute dtype (and float
            variables read in it under mixed policies).
        name: the layer's name; by default a unique snake_case name from the class.
        input_shape, input_dim, batch_input_shape, batch_size: accepted as in Keras
            (they describe the input of a Sequential model's first layer).

    Example:
        >>> class Scale(Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        ...     def call(self, x):
        ...         return x * self.w
        >>> Scale()(np.ones((2, 3))).shape
        (2, 3)
    """

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        # Record the constructor arguments so `get_config` can be generated for
        # subclasses whose `__init__` takes plain values.
        auto_config = None
        try:
            signature = inspect.signature(cls.__init__)
            bound = signature.bind(None, *args, **kwargs)
        except (TypeError, ValueError):
            bound = None
        if bound is not None and not any(
            p.kind in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL)
            for name, p in list(signature.parameters.items())[1:]
        ):
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            arguments.pop(next(iter(signature.parameters)), None)
            for name, p in signature.parameters.items():
                if p.kind is p.VAR_KEYWORD:
                    arguments.update(arguments.pop(name, {}))
            if _is_plain(arguments):
                auto_config = arguments
        instance._auto_config = auto_config
        return instance

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_lamina_build_wrapper", False):
            cls.build = _wrap_build(build)

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        if name is None:
            name = unique_object_name(to_snake_case(type(self).__name__))
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"{type(self).__name__}: argument `name` must be a string without '/', "
                f"received {name!r}."
            )
        self.name = name
        self.built = False
        self._trainable = bool(trainable)
        self._dtype_policy = dtype_policies.get(dtype)
        self.autocast = autocast
        self._input_spec = None
        self.supports_masking = getattr(self, "supports_masking", False)
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._explicit_layers = None
        self._losses = []
        self._losses_epoch = 0
        self._entry_epoch = 0
        self._weight_regularizers = []
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._build_shapes = None
        self._init_called = True
        self.activity_regularizer = _get_regularizer(activity_regularizer)
        # Keras keeps these for Sequential: the first layer can declare its input shape.
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size, *tuple(input_shape))
        if input_shape is not None or input_dim is not None or batch_input_shape is not None:
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using "
                "Sequential models, prefer using an `Input(shape)` object as the first layer "
                "in the model instead.",
                stacklevel=2,
            )

    # ------------------------------------------------------------------ dtypes
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._dtype_policy = dtype_policies.get(value)

    @property
    def compute_dtype(self) -> str:
        """The dtype of the layer's computations and outputs."""
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's variables."""
        return self._dtype_policy.variable_dtype

    @property
    def dtype(self) -> str:
        """The dtype of the layer's variables (Keras's `layer.dtype`)."""
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self) -> str:
        """The dtype float inputs are cast to (the compute dtype)."""
        return self._dtype_policy.compute_dtype

    # ------------------------------------------------------------------ input spec
    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value):
        for spec in _flatten(value):
            if spec is not None and not isinstance(spec, InputSpec):
                raise TypeError(
                    f"Layer '{getattr(self, 'name', type(self).__name__)}': input_spec must be "
                    f"an InputSpec or a list of them, received {spec!r}."
                )
        self._input_spec = value

    # ------------------------------------------------------------------ tracking
    def _tracked_items(self):
        """(attribute name, value) for every attribute the tracker looks into."""
        store = vars(self)
        untracked = store.get("_untracked_attributes", ())
        for key, value in store.items():
            if key not in _UNTRACKED and key not in untracked:
                yield key, value

    def _scan(self):
        """Sub-layers, variables, seed generators and metrics reachable from attributes,
        in order."""
        from lamina.random import SeedGenerator

        metric_class = _metric_class() or ()
        layers, variables, seed_generators, metrics, seen = [], [], [], [], set()

        def visit(value):
            if isinstance(value, Layer):
                if value is not self and id(value) not in seen:
                    seen.add(id(value))
                    layers.append(value)
            elif isinstance(value, Variable):
                if id(value) not in seen:
                    seen.add(id(value))
                    variables.append(value)
            elif isinstance(value, SeedGenerator):
                if id(value) not in seen:
                    seen.add(id(value))
                    seed_generators.append(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    visit(item)
            elif isinstance(value, dict):
                for item in value.values():
                    visit(item)
            elif isinstance(value, metric_class):
                if id(value) not in seen:
                    seen.add(id(value))
                    metrics.append(value)

        for _, value in self._tracked_items():
            visit(value)
        return layers, variables, seed_generators, metrics

    @property
    def _layers(self):
        """The direct sub-layers (explicitly set, or found in attributes)."""
        if self._explicit_layers is not None:
            return list(self._explicit_layers)
        return self._scan()[0]

    @_layers.setter
    def _layers(self, value):
        self._explicit_layers = list(value)

    def _own_variables(self):
        """This layer's own variables: add_weight's trainable ones first, then the others."""
        found = self._scan()[1]
        known = {id(v) for v in self._trainable_variables}
        known.update(id(v) for v in self._non_trainable_variables)
        for v in found:  # variables assigned as attributes, not made by add_weight
            if id(v) not in known:
                known.add(id(v))
                if v.trainable:
                    self._trainable_variables.append(v)
                else:
                    self._non_trainable_variables.append(v)
        return self._trainable_variables + self._non_trainable_variables

    def _flatten_layers(self, include_self=True, recursive=True):
        """This layer and its sub-layers (depth first, each once)."""
        result = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            result.append(layer)
            if recursive:
                stack.extend(reversed(layer._layers))
        return result

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def weights(self) -> list:
        """All weight variables: own (trainable, then non-trainable), then sub-layers'."""
        result, seen = [], set()
        for v in self._own_variables():
            if id(v) not in seen:
                seen.add(id(v))
                result.append(v)
        for layer in self._layers:
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    result.append(v)
        return result

    @property
    def variables(self) -> list:
        """All state of the layer: `weights` plus the states of its `SeedGenerator`s."""
        result = self.weights
        seen = {id(v) for v in result}
        for layer in self._flatten_layers():
            for generator in layer._scan()[2]:
                if id(generator.state) not in seen:
                    seen.add(id(generator.state))
                    result.append(generator.state)
        return result

    @property
    def _metrics(self) -> list:
        """The `Metric`s assigned to this layer's own attributes (Keras's `_metrics`)."""
        return self._scan()[3]

    @property
    def metrics(self) -> list:
        """The layer's own metrics, then those of its sub-layers.

        Example:
            >>> class Counted(Layer):
            ...     def __init__(self):
            ...         super().__init__()
            ...         self.calls = lamina.metrics.Sum(name="calls")
            >>> [m.name for m in Counted().metrics]
            ['calls']
        """
        result = self._metrics
        for layer in self._layers:
            result.extend(layer.metrics)
        return result

    @property
    def metrics_variables(self) -> list:
        """The state variables of all `metrics` (not part of `variables` or `weights`)."""
        return [v for metric in self.metrics for v in metric.variables]

    @property
    def trainable_variables(self) -> list:
        """The trainable state (the same list as `trainable_weights`)."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        """All state an optimizer does not update, including random seed states."""
        if not self._trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def trainable_weights(self) -> list:
        """The variables an optimizer updates (empty when the layer is frozen)."""
        if not self._trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list:
        """The variables an optimizer does not update."""
        if not self._trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    # ------------------------------------------------------------------ weights
    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name=None,
    ):
        """Create a variable owned by this layer.

        Args:
            shape: the variable's shape (default `()`).
            initializer: a name (`"zeros"`, `"glorot_uniform"`, ...), an initializer
                object, a callable `(shape, dtype)`, or None (glorot_uniform for float
                dtypes, zeros otherwise).
            dtype: default the policy's variable dtype.
            trainable: whether optimizers update it.
            autocast: whether it is read in the compute dtype under mixed policies.
            regularizer: a name or object; its loss on the variable joins `losses`.
            constraint: a name or object applied by optimizers after each update.
            aggregation: accepted for Keras compatibility.
            overwrite_with_gradient: accepted for Keras compatibility.
            name: the variable's name (its path is `<layer name>/<name>`).

        Example:
            >>> w = layer.add_weight(shape=(3, 4), initializer="zeros", name="kernel")
        """
        del overwrite_with_gradient
        self._check_init_called()
        shape = () if shape is None else tuple(shape)
        dtype = standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if _is_float_dtype(dtype) else "zeros"
        initializer = _get_initializer(initializer)
        name = (
            name
            or f"variable_{len(self._trainable_variables) + len(self._non_trainable_variables)}"
        )
        variable = Variable(
            initializer,
            shape=shape,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            aggregation=aggregation,
            name=name,
            constraint=_get_constraint(constraint),
        )
        with _name_scope(self):
            variable.path = "/".join(layer.name for layer in _name_scopes.layers) + f"/{name}"
        if trainable:
            self._trainable_variables.append(variable)
            if not self._trainable:
                variable.trainable = False
        else:
            self._non_trainable_variables.append(variable)
        regularizer = _get_regularizer(regularizer)
        if regularizer is not None:
            self._weight_regularizers.append((variable, regularizer))
        return variable

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        name=None,
    ):
        """Same as `add_weight` (Keras's alias, with shape and initializer required)."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    def get_weights(self) -> list:
        """The values of `weights` as NumPy arrays.

        Example:
            >>> [w.shape for w in layer.get_weights()]
        """
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        """Set `weights` from a list of arrays (same count, shapes and order).

        Example:
            >>> layer.set_weights(other.get_weights())
        """
        variables = self.weights
        weights = list(weights)
        if len(weights) != len(variables):
            raise ValueError(
                f"Layer '{self.name}': set_weights expected {len(variables)} weight arrays "
                f"({[v.name for v in variables]}), received {len(weights)}."
            )
        for variable, value in zip(variables, weights):
            shape = tuple(getattr(value, "shape", np.shape(value)))
            if shape != variable.shape:
                raise ValueError(
                    f"Layer '{self.name}': weight '{variable.name}' has shape "
                    f"{variable.shape}, received a value of shape {shape}."
                )
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def count_params(self) -> int:
        """The number of scalars in all weights (the layer must be built).

        Example:
            >>> Dense(3)(np.ones((1, 2))) and layer.count_params()
        """
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' is not built yet, so it has no weights to count. "
                "Call it on an input, or call `layer.build(input_shape)`, first."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # ------------------------------------------------------------------ losses
    @property
    def losses(self) -> list:
        """Losses added during the last call (`add_loss`, activity regularizers) and
        the weight regularization losses, of this layer and its sub-layers."""
        result = []
        for layer in self._flatten_layers():
            if layer._losses_epoch >= self._entry_epoch:
                result.extend(layer._losses)
            for variable, regularizer in layer._weight_regularizers:
                if variable.trainable and layer.trainable:
                    result.append(regularizer(variable))
        return result

    def add_loss(self, loss) -> None:
        """Add a scalar loss tensor (e.g. a penalty computed in `call`).

        Example:
            >>> self.add_loss(ops.sum(ops.square(x)) * 1e-3)
        """
        epoch = _current_epoch[0]
        if self._losses_epoch != epoch:  # losses of an earlier call are superseded
            self._losses = []
            self._losses_epoch = epoch
        self._losses.extend(loss if isinstance(loss, (list, tuple)) else [loss])

    def _clear_losses(self) -> None:
        """Start a new outermost call: losses added before it no longer count."""
        # Written to __dict__ directly: a plain number never needs __setattr__'s tracking.
        _current_epoch[0] = self.__dict__["_entry_epoch"] = next(_epoch)

    # ------------------------------------------------------------------ build/call
    def build(self, input_shape=None):
        """Create the layer's state for inputs of `input_shape` (override in subclasses)."""
        self.built = True

    def call(self, *args, **kwargs):
        """The layer's computation (override in subclasses)."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `call()` method implemented."
        )

    def __call__(self, *args, **kwargs):
        store = self.__dict__
        if not store.get("_init_called"):
            self._check_init_called()
        if not store.get("built"):
            with _name_scope(self):  # sub-layers built during this first call nest under ours
                return self._dispatch_call(args, kwargs)
        # One eager tensor or array and no other tensor argument (the common case) is never
        # symbolic.
        if len(args) == 1 and type(args[0]) in _EAGER_TYPES and not _any_tensor_kwarg(kwargs):
            return self._eager_call(args, kwargs)
        return self._dispatch_call(args, kwargs)

    def _dispatch_call(self, args, kwargs):
        if _any_symbolic(args, kwargs):
            from lamina.layers.symbolic import symbolic_layer_call

            return symbolic_layer_call(self, args, kwargs)
        return self._eager_call(args, kwargs)

    def _eager_call(self, args, kwargs):
        policy = self._dtype_policy
        compute_dtype = policy._compute_dtype
        if compute_dtype == "bfloat16":
            _check_bfloat16_device(self, policy)
        autocast = self.autocast
        if not (len(args) == 1 and type(args[0]) is Tensor and args[0].dtype == compute_dtype):
            args = tuple(self._convert(x, autocast, compute_dtype) for x in args)
        if kwargs:
            kwargs = {k: self._convert(v, autocast, compute_dtype) for k, v in kwargs.items()}
        spec = _call_spec(type(self).call)
        first = args[0] if args else (next(iter(kwargs.values())) if kwargs else None)
        if self._input_spec is not None:
            self._check_input_spec(first)
        if not self.built:
            self._maybe_build(args, kwargs, spec)

        context = getattr(_state, "context", None)
        entered = context is None
        if entered:
            context = _state.context = _CallContext(self)
            self._clear_losses()
        try:
            # training: explicit argument, then the enclosing call, then call()'s default.
            if "training" in kwargs:
                training = kwargs["training"]
                if not spec.has_training and not spec.has_varkw:
                    kwargs = dict(kwargs)
                    del kwargs["training"]
            elif context.training is not None:
                training = context.training
            else:
                training = spec.training_default
            context.training = training
            if spec.has_training and training is not None and "training" not in kwargs:
                kwargs = dict(kwargs)
                kwargs["training"] = training

            previous_mask = self._inject_masks(args, kwargs, spec)
            if kwargs.get("mask") is not None:
                previous_mask = kwargs["mask"]

            mixed = autocast and compute_dtype != policy._variable_dtype
            if mixed or _primitive_module.autocast_dtype is not None:
                outputs = self._call_autocast(args, kwargs, compute_dtype if autocast else None)
            else:
                outputs = self.call(*args, **kwargs)
            if not self.built:
                self.built = True
            if self.activity_regularizer is not None:
                self._add_activity_loss(outputs)
            if self.supports_masking:
                # The default compute_mask passes the input mask on: nothing to do without one.
                if previous_mask is not None or type(self).compute_mask is not Layer.compute_mask:
                    self._set_mask_metadata(first, outputs, previous_mask)
            elif previous_mask is not None and any(m is not None for m in _flatten(previous_mask)):
                warnings.warn(
                    f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input "
                    "with a mask attached to it. However, this layer does not support masking "
                    "and will therefore destroy the mask information. Downstream layers will "
                    "not see the mask.",
                    stacklevel=3,
                )
        finally:
            if entered:
                _state.context = None
        return outputs

    def _check_input_spec(self, first):
        """`assert_input_compatibility`, skipped when the same spec already accepted an
        input of this shape and dtype (input specs are replaced, not edited in place)."""
        spec = self._input_spec
        if type(first) is Tensor:
            key = (first.shape, first.dtype)
            checked = self.__dict__.get("_input_spec_checked")
            if checked is not None and checked[0] is spec and checked[1] == key:
                return
            assert_input_compatibility(spec, first, self.name)
            self.__dict__["_input_spec_checked"] = (spec, key)
            return
        assert_input_compatibility(spec, first, self.name)

    def _call_autocast(self, args, kwargs, dtype):
        if dtype is not None and not _is_float_dtype(dtype):
            dtype = None
        previous = _primitive_module.autocast_dtype
        _primitive_module.autocast_dtype = dtype
        try:
            return self.call(*args, **kwargs)
        finally:
            _primitive_module.autocast_dtype = previous

    def _convert(self, x, autocast, dtype):
        """Arrays become tensors; float tensors are cast to the compute dtype (autocast)."""
        if type(x) in _PLAIN_VALUES:
            return x
        if isinstance(x, Tensor):
            if autocast and x.dtype != dtype and _is_float_array(x._value):
                mask = x._keras_mask
                x = ops.cast(x, dtype)
                x._keras_mask = mask
            return x
        if isinstance(x, (list, tuple, dict)):
            return _map(lambda item: self._convert(item, autocast, dtype), x)
        if isinstance(x, np.ndarray) or hasattr(x, "__cuda_array_interface__"):
            x = ops.convert_to_tensor(x)
            if autocast and x.dtype != dtype and _is_float_array(x._value):
                x = ops.cast(x, dtype)
            return x
        return x

    def _inject_masks(self, args, kwargs, spec):
        """Fill `mask=` (or `<arg>_mask=`) from the inputs' `_keras_mask`; return the mask
        of the first input."""
        if (
            len(args) == 1
            and type(args[0]) is Tensor
            and not any(map(_holds_tensors, kwargs.values()))
        ):
            mask = args[0]._keras_mask  # the common case: one tensor argument
            if mask is not None and spec.has_mask and kwargs.get("mask") is None:
                kwargs["mask"] = mask
            return mask
        tensor_args = {}
        for name, value in zip(spec.positional_names, args):
            if _holds_tensors(value):
                tensor_args[name] = value
        for name, value in kwargs.items():
            if name in spec.arg_names and _holds_tensors(value) and not name.endswith("mask"):
                tensor_args[name] = value
        if len(tensor_args) == 1:
            if spec.has_mask and kwargs.get("mask") is None:
                value = next(iter(tensor_args.values()))
                mask = _map(_get_mask, value)
                if any(m is not None for m in _flatten(mask)):
                    kwargs["mask"] = mask
        elif len(tensor_args) > 1:
            for name, value in tensor_args.items():
                key = f"{name}_mask"
                if key in spec.arg_names and kwargs.get(key) is None:
                    mask = _map(_get_mask, value)
                    if any(m is not None for m in _flatten(mask)):
                        kwargs[key] = mask
        first = args[0] if args else next(iter(tensor_args.values()), None)
        return _map(_get_mask, first) if first is not None else None

    def _set_mask_metadata(self, inputs, outputs, previous_mask):
        flat_outputs = _flatten(outputs)
        if all(getattr(o, "_keras_mask", None) is not None for o in flat_outputs):
            return
        masks = self.compute_mask(inputs, previous_mask)
        if masks is None:
            return
        for tensor, mask in zip(flat_outputs, _flatten(masks)):
            if isinstance(tensor, Tensor) or _is_symbolic(tensor):
                if getattr(tensor, "_keras_mask", None) is None and mask is not None:
                    tensor._keras_mask = mask

    def _add_activity_loss(self, outputs):
        for output in _flatten(outputs):
            if isinstance(output, Tensor):
                loss = self.activity_regularizer(output)
                if output.ndim > 0:
                    loss = ops.divide_no_nan(loss, ops.cast(output.shape[0], loss.dtype))
                self.add_loss(loss)

    def _maybe_build(self, args, kwargs, spec):
        """Call `build` with the input shapes the way Keras does."""
        shapes = {}
        for name, value in zip(spec.positional_names, args):
            if _holds_tensors(value):
                shapes[f"{name}_shape"] = _shape_of(value)
        for name, value in kwargs.items():
            if name in spec.arg_names and _holds_tensors(value) and not name.endswith("mask"):
                shapes[f"{name}_shape"] = _shape_of(value)
        if type(self).build is Layer.build:
            # Keras records the first call's shapes for every layer (its build_config).
            if len(shapes) == 1:
                self._build_shapes = {"input_shape": next(iter(shapes.values()))}
            elif shapes:
                self._build_shapes = shapes
            return  # a layer without build() creates its state in call()
        build_params = [
            p
            for p in list(inspect.signature(self.build).parameters.values())
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        names = [p.name for p in build_params]
        if len(names) == 1:
            self.build(next(iter(shapes.values()), None))
        else:
            self.build(**{k: v for k, v in shapes.items() if k in names})
        self.built = True
        if self._input_spec is not None:
            first = args[0] if args else None
            if first is not None:
                assert_input_compatibility(self._input_spec, first, self.name)

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs: by default the input mask when `supports_masking`."""
        if not self.supports_masking:
            if any(m is not None for m in _flatten(mask)):
                raise TypeError(
                    f"Layer '{self.name}' (of type {type(self).__name__}) does not support "
                    "masking, but was passed an input mask."
                )
            return None
        return mask

    def compute_output_shape(self, *args, **kwargs):
        """The output shape for inputs of the given shapes (override in subclasses)."""
        raise NotImplementedError(
            f"Layer {type(self).__name__} should implement `compute_output_shape()`."
        )

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensors for KerasTensor inputs (from `compute_output_shape`, or a dry
        run of `call` on a batch of 1 when that is not implemented)."""
        from lamina.layers.symbolic import default_output_spec

        return default_output_spec(self, args, kwargs)

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict:
        """The layer's constructor arguments (generated automatically when they are
        plain values).

        Example:
            >>> Layer(name="x").get_config()["name"]
            'x'
        """
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": dtype_policies.serialize(self._dtype_policy),
        }
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = _serialize(self.activity_regularizer)
        if _overrides(type(self), "get_config"):
            return config
        auto = self._auto_config
        if auto is None:
            raise NotImplementedError(
                f"Object {type(self).__name__} was created by passing non-serializable "
                "argument values in `__init__()`, and therefore the object must override "
                "`get_config()` in order to be serializable. Please implement `get_config()`."
            )
        params = inspect.signature(type(self).__init__).parameters
        has_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
        auto = {k: v for k, v in auto.items() if k not in ("dtype",) or v is not None}
        result = {**config, **auto}
        result["name"] = self.name
        result["trainable"] = self.trainable
        result["dtype"] = config["dtype"]
        if "name" not in params and not has_kwargs:
            result.pop("name", None)
        if not has_kwargs:
            for key in ("trainable", "dtype"):
                if key not in params:
                    result.pop(key, None)
        return result

    @classmethod
    def from_config(cls, config):
        """Create a layer from `get_config()`'s output.

        Example:
            >>> Dense.from_config(Dense(3).get_config()).units
            3
        """
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policies.deserialize(config["dtype"])
        try:
            return cls(**config)
        except TypeError as err:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {err}"
            ) from err

    def get_build_config(self):
        """`{"input_shape": ...}` recorded at build time (None if unbuilt)."""
        if self._build_shapes is not None:
            shapes = self._build_shapes
            if len(shapes) == 1 and "input_shape" in shapes:
                return {"input_shape": _listify(shapes["input_shape"])}
            return {"shapes_dict": {k: _listify(v) for k, v in shapes.items()}}
        return None

    def build_from_config(self, config):
        """Build the layer from `get_build_config()`'s output."""
        if not config:
            return
        if "input_shape" in config:
            self.build(_tupleize(config["input_shape"]))
        elif "shapes_dict" in config:
            self.build(**{k: _tupleize(v) for k, v in config["shapes_dict"].items()})
        self.built = True

    # ------------------------------------------------------------------ saving
    def save_own_variables(self, store) -> None:
        """Write this layer's own variables to `store` as "0", "1", ... (trainable first).

        Override it (with `load_own_variables`) to control how the layer's state is saved.

        Example:
            >>> store = {}
            >>> layer.save_own_variables(store)  # doctest: +SKIP
        """
        for i, variable in enumerate(self._saved_variables()):
            store[str(i)] = variable

    def _saved_variables(self) -> list:
        """Own variables, less those of sub-layers (held in attributes, e.g. a cache)."""
        nested = {id(v) for layer in self._layers for v in layer.variables}
        return [v for v in self._own_variables() if id(v) not in nested]

    def load_own_variables(self, store) -> None:
        """Assign this layer's own variables from what `save_own_variables` wrote.

        Counts and shapes are all checked before any variable changes.

        Example:
            >>> layer.load_own_variables({"0": kernel, "1": bias})  # doctest: +SKIP
        """
        variables = self._saved_variables()
        if len(store.keys()) != len(variables):
            if not variables and not self.built:
                raise ValueError(
                    f"Layer '{self.name}' was never built and thus it doesn't have any "
                    f"variables. However the weights file lists {len(store.keys())} "
                    "variables for this layer. Make its parent's `build()` build it, or "
                    "implement `build_from_config(config)` (and `get_build_config()`)."
                )
            raise ValueError(
                f"Layer '{self.name}' expected {len(variables)} variables, but received "
                f"{len(store.keys())} variables during loading. "
                f"Expected: {[v.name for v in variables]}"
            )
        values = [store[str(i)] for i in range(len(variables))]
        wrong = [
            f"'{v.path}' has shape {tuple(v.shape)}, the saved value has shape {np.shape(x)}"
            for v, x in zip(variables, values)
            if tuple(v.shape) != np.shape(x)
        ]
        if wrong:
            raise ValueError(f"Layer '{self.name}': {'; '.join(wrong)}.")
        for variable, value in zip(variables, values):
            variable.assign(value)

    # ------------------------------------------------------------------ misc
    def _check_init_called(self):
        if not vars(self).get("_init_called", False):
            raise RuntimeError(
                f"In layer '{type(self).__name__}', you forgot to call `super().__init__()` "
                "as the first statement in the `__init__()` method. Go add it!"
            )

    @property
    def path(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def __setattr__(self, name, value):
        if isinstance(value, (Layer, Variable)):
            if not vars(self).get("_init_called", False):
                raise RuntimeError(
                    f"In layer '{type(self).__name__}', you forgot to call "
                    "`super().__init__()` as the first statement in the `__init__()` method. "
                    "Go add it!"
                )
        if getattr(_tracking_paused, "depth", 0):
            vars(self).setdefault("_untracked_attributes", set()).add(name)
        elif name in vars(self).get("_untracked_attributes", ()):
            self._untracked_attributes.discard(name)  # reassigned while tracking is on
        object.__setattr__(self, name, value)

    # Functional-graph helpers (filled by symbolic calls).
    @property
    def input(self):
        """The symbolic input of the layer's first call (single input/output layers)."""
        return self._node_attribute("input_tensors", "input")

    @property
    def output(self):
        """The symbolic output of the layer's first call."""
        return self._node_attribute("outputs", "output")

    def _node_attribute(self, attribute, what):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' has never been called on a symbolic tensor, so it has "
                f"no defined {what}."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer '{self.name}' has been called {len(self._inbound_nodes)} times on "
                f"symbolic tensors, so its {what} is ambiguous; use "
                f"`layer._inbound_nodes[i]` instead."
            )
        values = getattr(self._inbound_nodes[0], attribute)
        return values[0] if len(values) == 1 else list(values)


def _any_tensor_kwarg(kwargs) -> bool:
    """Whether a keyword argument may hold a tensor (`training=True` alone does not)."""
    for value in kwargs.values():
        if type(value) not in _PLAIN_VALUES:
            return True
    return False


def _check_bfloat16_device(layer, policy):
    from lamina.backend import get_device

    if get_device().xp is not np:
        raise TypeError(
            f"Layer '{layer.name}' has dtype policy '{policy.name}', which computes in "
            "bfloat16; bfloat16 is CPU-only for now in lamina (CuPy has no bfloat16). Use "
            "'mixed_float16' on the GPU."
        )


def _holds_tensors(value) -> bool:
    if type(value) in _PLAIN_VALUES:
        return False
    if isinstance(value, (list, tuple, dict)):
        leaves = _flatten(value)
        return (
            bool(leaves)
            and all(_is_tensor_like(x) or x is None for x in leaves)
            and any(_is_tensor_like(x) for x in leaves)
        )
    return _is_tensor_like(value)


def _get_mask(x):
    return getattr(x, "_keras_mask", None)


def _is_plain(value) -> bool:
    if isinstance(value, _SERIALIZABLE):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return isinstance(value, dtype_policies.DTypePolicy)


def _overrides(cls, method) -> bool:
    for klass in cls.__mro__:
        if klass is Layer:
            return False
        if method in klass.__dict__:
            return True
    return False


def _listify(shape):
    if isinstance(shape, tuple):
        return (
            [_listify(s) for s in shape]
            if any(isinstance(s, (tuple, list)) for s in shape)
            else list(shape)
        )
    if isinstance(shape, list):
        return [_listify(s) for s in shape]
    return shape


def _tupleize(shape):
    if isinstance(shape, list):
        if all(s is None or isinstance(s, int) for s in shape):
            return tuple(shape)
        return [_tupleize(s) for s in shape]
    return shape


def _get_initializer(initializer):
    if isinstance(initializer, (str, dict)):
        from lamina import initializers

        return initializers.get(initializer)
    return initializer


def _get_regularizer(regularizer):
    if regularizer is None:
        return None
    if isinstance(regularizer, (str, dict)):
        from lamina import regularizers

        return regularizers.get(regularizer)
    return regularizer


def _get_constraint(constraint):
    if constraint is None:
        return None
    if isinstance(constraint, (str, dict)):
        from lamina import constraints

        return constraints.get(constraint)
    return constraint


def _serialize(obj):
    try:
        from lamina.saving import serialize_keras_object
    except ImportError:  # the saving module is optional for plain layers
        return obj.get_config() if hasattr(obj, "get_config") else obj
    return serialize_keras_object(obj)
