"""`CompileLoss` and `CompileMetrics`: `compile()`'s `loss` and `metrics` resolved per output.

Both are built on the first batch, once the structure and shapes of the targets and of
the model's outputs are known: that is when `"accuracy"` becomes binary, categorical or
sparse-categorical accuracy, and `"crossentropy"` the matching crossentropy, as in Keras.

Model outputs may be one tensor, a flat list/tuple or a flat dict of tensors; `loss`,
`loss_weights` and `metrics` may then be given once for all outputs, as a list in output
order, or as a dict keyed by output name.
"""

from __future__ import annotations

from lamina import losses as losses_module
from lamina import metrics as metrics_module
from lamina import ops
from lamina.layers.layer import no_automatic_dependency_tracking, to_snake_case


def get_object_name(obj) -> str:
    """The name Keras shows for a loss or metric object: `.name`, else the function name."""
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)


def is_binary_or_sparse_categorical(y_true, y_pred) -> tuple[bool, bool]:
    """Whether targets/predictions of these shapes are binary, and whether sparse.

    Example:
        >>> is_binary_or_sparse_categorical(np.zeros((4,)), np.zeros((4, 3)))
        (False, True)
    """
    t_shape, p_shape = tuple(y_true.shape), tuple(y_pred.shape)
    t_last = t_shape[-1] if t_shape else None
    p_last = p_shape[-1] if p_shape else None
    is_binary = p_last == 1
    is_sparse = len(t_shape) < len(p_shape) or (t_last == 1 and p_last is not None and p_last > 1)
    return is_binary, is_sparse


def get_metric(identifier, y_true, y_pred):
    """A `Metric` for one `compile(metrics=...)` entry, named as Keras names it."""
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            cls = metrics_module.BinaryAccuracy
        elif is_sparse:
            cls = metrics_module.SparseCategoricalAccuracy
        else:
            cls = metrics_module.CategoricalAccuracy
        metric = cls(name=str(identifier))
    else:
        metric = metrics_module.get(identifier)
    name = identifier if isinstance(identifier, str) else get_object_name(metric)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric)
    metric.name = name
    return metric


def get_loss(identifier, y_true, y_pred):
    """A `Loss` for one `compile(loss=...)` entry (None stays None: no loss there)."""
    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            loss = losses_module.binary_crossentropy
        elif is_sparse:
            loss = losses_module.sparse_categorical_crossentropy
        else:
            loss = losses_module.categorical_crossentropy
    else:
        loss = losses_module.get(identifier)
    if not isinstance(loss, losses_module.Loss):
        name = identifier if isinstance(identifier, str) else get_object_name(loss)
        loss = losses_module.LossFunctionWrapper(loss, name=name)
    return loss


def check_identifiers(loss, metrics, weighted_metrics) -> None:
    """Fail at compile() for loss and metric names that do not exist (Keras fails later,
    on the first batch).

    Example:
        >>> check_identifiers("msee", None, None)
        Traceback (most recent call last):
        ValueError: Could not interpret loss identifier: 'msee'. ...
    """
    special_losses = ("crossentropy", "ce")
    for identifier in _leaves(loss):
        if isinstance(identifier, str) and identifier.lower() not in special_losses:
            losses_module.get(identifier)
    special_metrics = ("accuracy", "acc")
    for identifier in _leaves(metrics) + _leaves(weighted_metrics):
        if isinstance(identifier, str) and identifier.lower() not in special_metrics:
            metrics_module.get(identifier)


def _leaves(spec) -> list:
    if isinstance(spec, dict):
        return [leaf for value in spec.values() for leaf in _leaves(value)]
    if isinstance(spec, (list, tuple)):
        return [leaf for value in spec for leaf in _leaves(value)]
    return [spec]


# ---------------------------------------------------------------------- output layout
class OutputLayout:
    """How a model's outputs are laid out: a single tensor, a flat list or a flat dict.

    Args:
        y_pred: one batch of model outputs (tensors or KerasTensors).
        output_names: the model's output names (Functional models), or None.
    """

    def __init__(self, y_pred, output_names=None):
        names = list(output_names) if output_names else None
        if isinstance(y_pred, dict):
            self.kind = "dict"
            if names and set(names) == set(y_pred):
                self.keys = names
            else:
                self.keys = sorted(y_pred)
            self.names = list(self.keys)
        elif isinstance(y_pred, (list, tuple)):
            self.kind = "list"
            self.keys = list(range(len(y_pred)))
            self.names = names if names and len(names) == len(y_pred) else [None] * len(y_pred)
        else:
            self.kind = "single"
            self.keys = [None]
            self.names = names if names and len(names) == 1 else [None]
        self.output_names = names
        for leaf in self.flatten(y_pred, "y_pred"):
            if isinstance(leaf, (list, tuple, dict)):
                raise ValueError(
                    "lamina's compile() supports models whose output is a tensor, a flat "
                    "list/tuple of tensors or a flat dict of tensors. Received an output "
                    f"nested deeper: {_structure_of(y_pred)}."
                )

    def __len__(self) -> int:
        return len(self.keys)

    def flatten(self, values, what: str) -> list:
        """`values` (targets, predictions or sample weights) as one item per output."""
        n = len(self.keys)
        if self.kind == "single":
            if isinstance(values, (list, tuple)) and len(values) == 1:
                return [values[0]]
            if isinstance(values, dict) and len(values) == 1:
                return list(values.values())
            return [values]
        if isinstance(values, dict):
            if self.kind == "dict" and set(self.keys) <= set(values):
                return [values[key] for key in self.keys]
            names = self.output_names
            if self.kind == "list" and names and set(names) <= set(values):
                return [values[name] for name in self.names]
            raise ValueError(
                f"`{what}` is a dict with keys {sorted(values)}, but the model's outputs are "
                f"named {self.names}. Hint: key `{what}` by the output names."
            )
        if isinstance(values, (list, tuple)) and len(values) == n:
            if self.kind == "dict":  # a list matches a dict's outputs in sorted-key order
                by_key = dict(zip(sorted(self.keys), values, strict=True))
                return [by_key[key] for key in self.keys]
            return list(values)
        raise ValueError(
            f"`{what}` and the model's outputs have different structures: the model has "
            f"{n} outputs {self.names}, but `{what}` is {_structure_of(values)}. Hint: pass "
            f"`{what}` as a list of {n} arrays, or a dict keyed by output name."
        )

    def per_output(self, spec, argument: str) -> list:
        """Spread a `compile()` argument (one value, a list or a dict) over the outputs."""
        n = len(self.keys)
        if isinstance(spec, dict):
            unknown = [key for key in spec if key not in self.names]
            if unknown and n == 1 and len(spec) == 1:
                return list(spec.values())
            if unknown:
                raise ValueError(
                    f"compile(): the `{argument}` dict has keys {unknown} that are not "
                    f"output names of the model. The outputs are named {self.names}."
                )
            return [spec.get(name) for name in self.names]
        if isinstance(spec, (list, tuple)):
            if len(spec) == n and self.kind == "dict":  # in sorted-key order, as Keras
                by_key = dict(zip(sorted(self.keys), spec, strict=True))
                return [by_key[key] for key in self.keys]
            if len(spec) == n:
                return list(spec)
            raise ValueError(
                f"compile(): `{argument}` is a list of {len(spec)} entries but the model has "
                f"{n} outputs {self.names}. Pass one entry per output, or a dict keyed by "
                "output name."
            )
        return [spec] * n


def _structure_of(values) -> str:
    if isinstance(values, dict):
        return "{" + ", ".join(f"{k!r}: {_structure_of(v)}" for k, v in values.items()) + "}"
    if isinstance(values, (list, tuple)):
        return "[" + ", ".join(_structure_of(v) for v in values) + "]"
    shape = getattr(values, "shape", None)
    return f"array{tuple(shape)}" if shape is not None else type(values).__name__


# ---------------------------------------------------------------------- metrics
class MetricsList(metrics_module.Metric):
    """The metrics of one model output, updated together.

    Args:
        metrics: the `Metric` instances.
        name: the list's name.
        output_name: the output they watch (prefixes their result names), or None.
    """

    def __init__(self, metrics, name="metrics_list", output_name=None):
        super().__init__(name=name)
        self.metrics = metrics
        self.output_name = output_name

    def update_state(self, y_true, y_pred, sample_weight=None):
        for metric in self.metrics:
            metric.update_state(y_true, y_pred, sample_weight=sample_weight)

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    def result(self):
        return {metric.name: metric.result() for metric in self.metrics}


def get_metrics_list(metrics, y_true, y_pred, output_name=None):
    """A `MetricsList` for one output's metrics (one identifier or a list), or None."""
    if metrics is None:
        return None
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    return MetricsList([get_metric(m, y_true, y_pred) for m in metrics], output_name=output_name)


def _check_metrics_argument(value, argument):
    if value and not isinstance(value, (list, tuple, dict)):
        raise ValueError(
            f"Expected `{argument}` argument to be a list, tuple, or dict. "
            f"Received instead: {argument}={value!r} of type {type(value)}"
        )


class CompileMetrics(metrics_module.Metric):
    """`compile(metrics=..., weighted_metrics=...)`: one `MetricsList` per output.

    `result()` is a dict keyed like Keras: `"accuracy"` for a single output,
    `"<output>_accuracy"` for several, `"weighted_<name>"` when a weighted metric has the
    name of an unweighted one.

    Args:
        metrics: metrics updated without sample weights.
        weighted_metrics: metrics updated with the sample weights (and class weights).
        name: ignored (the container is always named `"compile_metrics"`, as in Keras).
        output_names: the model's output names, or None.

    Example:
        >>> cm = CompileMetrics(["mae"], None)
        >>> cm.update_state(np.zeros((2, 1)), np.ones((2, 1)))
        >>> {k: float(v) for k, v in cm.result().items()}
        {'mae': 1.0}
    """

    @no_automatic_dependency_tracking
    def __init__(self, metrics, weighted_metrics, name="compile_metric", output_names=None):
        super().__init__(name=name)
        _check_metrics_argument(metrics, "metrics")
        _check_metrics_argument(weighted_metrics, "weighted_metrics")
        self._user_metrics = metrics
        self._user_weighted_metrics = weighted_metrics
        self.built = False
        self.name = "compile_metrics"
        self.output_names = output_names
        self._layout = None
        self._flat_metrics = []
        self._flat_weighted_metrics = []

    @property
    def metrics(self) -> list:
        """Every metric, unweighted first (empty until built)."""
        if not self.built:
            return []
        return [
            m
            for metrics_list in self._flat_metrics + self._flat_weighted_metrics
            if metrics_list is not None
            for m in metrics_list.metrics
        ]

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def build(self, y_true, y_pred):
        """Resolve the metrics for outputs and targets like `y_pred` and `y_true`."""
        self._layout = layout = OutputLayout(y_pred, self.output_names)
        flat_true = layout.flatten(y_true, "y_true")
        flat_pred = layout.flatten(y_pred, "y_pred")
        self._flat_metrics = self._build_set(self._user_metrics, flat_true, flat_pred, "metrics")
        self._flat_weighted_metrics = self._build_set(
            self._user_weighted_metrics, flat_true, flat_pred, "weighted_metrics"
        )
        self.built = True

    def _build_set(self, metrics, flat_true, flat_pred, argument):
        layout = self._layout
        if not metrics:
            return [None] * len(layout)
        if len(layout) == 1:  # every metric given applies to the one output
            flat = _flatten_identifiers(metrics)
            return [get_metrics_list(flat, flat_true[0], flat_pred[0])]
        per_output = layout.per_output(metrics, argument)
        return [
            get_metrics_list(m, y_t, y_p, name)
            for m, y_t, y_p, name in zip(per_output, flat_true, flat_pred, layout.names)
        ]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        layout = self._layout
        flat_true = layout.flatten(y_true, "y_true")
        flat_pred = layout.flatten(y_pred, "y_pred")
        for metrics_list, y_t, y_p in zip(self._flat_metrics, flat_true, flat_pred):
            if metrics_list is not None:
                metrics_list.update_state(y_t, y_p)
        weights = per_output_sample_weights(layout, sample_weight)
        for metrics_list, y_t, y_p, s_w in zip(
            self._flat_weighted_metrics, flat_true, flat_pred, weights
        ):
            if metrics_list is not None:
                metrics_list.update_state(y_t, y_p, s_w)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    def result(self) -> dict:
        if not self.built:
            raise ValueError("Cannot get result() since the metric has not yet been built.")
        results, counters = {}, {}
        for metrics_list in self._flat_metrics:
            if metrics_list is None:
                continue
            for m in metrics_list.metrics:
                name = _prefixed(metrics_list.output_name, m.name)
                if name in counters:
                    index = counters[name]
                    counters[name] += 1
                    name = f"{name}_{index}"
                else:
                    counters[name] = 1
                results[name] = m.result()
        for metrics_list in self._flat_weighted_metrics:
            if metrics_list is None:
                continue
            for m in metrics_list.metrics:
                name = _prefixed(metrics_list.output_name, m.name)
                if name in counters:
                    name = _prefixed(metrics_list.output_name, f"weighted_{m.name}")
                    if name in counters:
                        index = counters[name]
                        counters[name] += 1
                        name = f"{name}_{index}"
                    else:
                        counters[name] = 1
                else:
                    counters[name] = 1
                results[name] = m.result()
        return results


def _prefixed(output_name, name):
    return f"{output_name}_{name}" if output_name else name


def _flatten_identifiers(metrics) -> list:
    if isinstance(metrics, dict):
        metrics = [metrics[key] for key in sorted(metrics)]
    if isinstance(metrics, (list, tuple)):
        return [m for item in metrics for m in _flatten_identifiers(item)]
    return [metrics]


def per_output_sample_weights(layout, sample_weight) -> list:
    if sample_weight is None:
        return [None] * len(layout)
    if layout.kind != "single" and isinstance(sample_weight, (list, tuple, dict)):
        if isinstance(sample_weight, (list, tuple)) and len(sample_weight) < len(layout):
            return [sample_weight[0]] * len(layout)
        return layout.flatten(sample_weight, "sample_weight")
    if layout.kind == "single" and isinstance(sample_weight, (list, tuple)):
        return [sample_weight[0]]
    return [sample_weight] * len(layout)


# ---------------------------------------------------------------------- loss
class CompileLoss(losses_module.Loss):
    """`compile(loss=..., loss_weights=...)`: the weighted sum of one loss per output.

    With several losses it also tracks each one in a `Mean` named `"<output>_loss"`
    (listed in `metrics`), as Keras does.

    Args:
        loss: a loss (name, function or `Loss`), a list in output order, or a dict keyed
            by output name; None entries mean no loss for that output.
        loss_weights: a float (one output), a list or a dict of scalar coefficients.
        reduction: the reduction of the per-output losses' container (Keras's default).
        output_names: the model's output names, or None.

    Example:
        >>> loss = CompileLoss("mse")
        >>> float(loss(np.zeros((2, 1)), np.ones((2, 1))))
        1.0
    """

    def __init__(self, loss, loss_weights=None, reduction="sum_over_batch_size", output_names=None):
        if loss_weights and not isinstance(loss_weights, (list, tuple, dict, float, int)):
            raise ValueError(
                "Expected `loss_weights` argument to be a float (single output case) or a "
                "list, tuple, or dict (multiple output case). Received instead: "
                f"loss_weights={loss_weights} of type {type(loss_weights)}"
            )
        super().__init__(name="compile_loss", reduction=reduction)
        self._user_loss = loss
        self._user_loss_weights = loss_weights
        self.output_names = output_names
        self.built = False
        self._layout = None
        self._flat_losses = []  # (output index, Loss, weight or None, name)
        self._metrics = []

    @property
    def metrics(self) -> list:
        """The per-output loss trackers (only when there are several losses)."""
        return self._metrics

    @property
    def variables(self) -> list:
        return [v for m in self._metrics for v in m.variables]

    def build(self, y_true, y_pred):
        """Resolve each output's loss for outputs and targets like `y_pred` and `y_true`."""
        self._layout = layout = OutputLayout(y_pred, self.output_names)
        flat_true = layout.flatten(y_true, "y_true")
        flat_pred = layout.flatten(y_pred, "y_pred")
        per_output = layout.per_output(self._user_loss, "loss")
        weights = self._per_output_weights(layout, per_output)
        flat = []
        for index, (identifier, weight) in enumerate(zip(per_output, weights)):
            loss = get_loss(identifier, flat_true[index], flat_pred[index])
            if loss is None:
                continue
            name = layout.names[index] or loss.name
            flat.append((index, loss, weight, name))
        if layout.kind == "dict" and isinstance(self._user_loss, dict):
            # Keras tracks a dict of losses in the dict's own order.
            order = list(self._user_loss)
            flat.sort(key=lambda entry: order.index(layout.names[entry[0]]))
        self._flat_losses = flat
        if len(flat) > 1:
            self._metrics = [metrics_module.Mean(name=f"{name}_loss") for *_, name in flat]
        self.built = True

    def _per_output_weights(self, layout, per_output):
        weights = self._user_loss_weights
        if weights is None:
            return [None] * len(layout)
        if isinstance(weights, (int, float)):
            return [weights] * len(layout)
        if isinstance(weights, dict):
            return layout.per_output(weights, "loss_weights")
        given = [i for i, loss in enumerate(per_output) if loss is not None]
        if len(weights) == len(layout):
            return list(weights)
        if len(weights) == len(given):  # one weight per non-None loss
            resolved = [None] * len(layout)
            for i, w in zip(given, weights):
                resolved[i] = w
            return resolved
        raise ValueError(
            f"`loss_weights` must match the number of losses, got {len(given)} losses "
            f"and {len(weights)} weights."
        )

    @property
    def flat_losses(self) -> list:
        """`(output index, Loss, weight, name)` for each output that has a loss."""
        return list(self._flat_losses)

    def __call__(self, y_true, y_pred, sample_weight=None):
        return self.call(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        layout = self._layout
        if layout.kind == "single" and len(self._flat_losses) == 1:
            # The common case, kept free of structure handling.
            if isinstance(y_true, (list, tuple, dict)):
                y_true = layout.flatten(y_true, "y_true")[0]
            if isinstance(sample_weight, (list, tuple)):
                sample_weight = sample_weight[0]
            _, loss, weight, _ = self._flat_losses[0]
            value = self._cast(loss(y_true, y_pred, sample_weight))
            return value if weight is None else ops.multiply(value, weight)
        flat_true = layout.flatten(y_true, "y_true")
        flat_pred = layout.flatten(y_pred, "y_pred")
        weights = per_output_sample_weights(layout, sample_weight)
        total = None
        trackers = self._metrics or [None] * len(self._flat_losses)
        for (index, loss, weight, _), tracker in zip(self._flat_losses, trackers):
            y_p = flat_pred[index]
            value = self._cast(loss(flat_true[index], y_p, weights[index]))
            if tracker is not None:
                tracker.update_state(value, sample_weight=_batch_size(y_p))
            if weight is not None:
                value = ops.multiply(value, weight)
            total = value if total is None else total + value
        return total

    def _cast(self, value):
        if getattr(value, "dtype", self.dtype) != self.dtype:
            return ops.cast(value, self.dtype)
        return value


def _batch_size(y_pred) -> int:
    shape = getattr(y_pred, "shape", ())
    return int(shape[0]) if shape else 1
