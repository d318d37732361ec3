"""MonitorCallback: the shared base of callbacks that watch one metric for improvement."""

from __future__ import annotations

import operator
import warnings

from lamina.callbacks.callback import Callback

_MODES = ("auto", "min", "max")


class MonitorCallback(Callback):
    """Base of `EarlyStopping` and `ReduceLROnPlateau`: decides what an improvement is.

    Args:
        monitor: name of the logged quantity to watch (`"val_loss"`).
        mode: `"min"`, `"max"`, or `"auto"` to infer the direction from the name
            (`loss`/`val_loss` go down; a compiled metric goes the way its
            `_direction` says).
        baseline: starting "best" value, or None to take the first value seen.
        min_delta: smallest absolute change that counts as an improvement.

    Example:
        >>> class Watch(MonitorCallback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         if self.monitor_op is None:
        ...             self._set_monitor_op()
        ...         if self._is_improvement(logs[self.monitor], self.best):
        ...             self.best = logs[self.monitor]
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in _MODES:
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            self.monitor_op = self._infer_monitor_op()
        if self.monitor_op is operator.lt:
            # Improving means going down by more than min_delta.
            self.min_delta *= -1

    def _infer_monitor_op(self):
        metric_name = self.monitor.removeprefix("val_")
        op = operator.lt if metric_name == "loss" else None
        # A compiled metric says which way is better through `_direction` ("up"/"down").
        for metric in self._compiled_metrics():
            if metric.name == metric_name and hasattr(metric, "_direction"):
                op = operator.gt if metric._direction == "up" else operator.lt
        if op is None:
            raise ValueError(
                f"{type(self).__name__} callback received monitor={self.monitor}, but "
                "lamina isn't able to automatically determine whether that metric should "
                "be maximized or minimized. Pass `mode='max'` in order to monitor based on "
                "the highest metric value, or pass `mode='min'` in order to use the lowest "
                "value."
            )
        return op

    def _compiled_metrics(self) -> list:
        """The metrics inside the model's compiled-metrics containers (where Keras looks)."""
        from lamina.trainers.compile_utils import CompileMetrics, MetricsList

        found = []
        for metric in getattr(self.model, "metrics", None) or []:
            if isinstance(metric, (CompileMetrics, MetricsList)):
                found.extend(metric.metrics)
        return found

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
