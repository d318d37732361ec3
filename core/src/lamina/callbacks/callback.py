"""Callback: the base class of objects that hook into fit, evaluate and predict."""

from __future__ import annotations


class Callback:
    """Base class of callbacks: override the hooks for the stages you care about.

    `fit`, `evaluate` and `predict` call every hook with the epoch or batch index and a
    `logs` dict of Python floats (metric results; validation keys start with `val_`).
    Inside a hook, `self.model` is the model being trained and `self.params` holds the
    run's parameters (`verbose`, `epochs`, `steps`).

    Example:
        >>> class StopAtLoss(lamina.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         if logs["loss"] < 0.1:
        ...             self.model.stop_training = True
        >>> model.fit(x, y, epochs=100, callbacks=[StopAtLoss()])
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params: dict) -> None:
        """Store the run's parameters (`verbose`, `epochs`, `steps`) in `self.params`."""
        self.params = params

    def set_model(self, model) -> None:
        """Attach the model this callback observes (read back as `self.model`)."""
        self._model = model

    @property
    def model(self):
        """The model being trained, evaluated or run."""
        return self._model

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Backwards-compatible alias of `on_train_batch_begin`."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Backwards-compatible alias of `on_train_batch_end`."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of each training epoch (`epoch` counts from 0)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of each training epoch with the epoch's metric results.

        `logs` holds the training metrics (`{"loss": 0.2, "accuracy": 0.7}`) and, when
        `fit` validates, the validation ones prefixed with `val_`.
        """

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each training batch; by default calls `on_batch_begin`."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each training batch with the metrics aggregated so far.

        By default calls `on_batch_end`.
        """
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each batch of `evaluate` (and of validation inside `fit`)."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each batch of `evaluate` with the metrics aggregated so far."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each batch of `predict`."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each batch of `predict`; `logs["outputs"]` holds its outputs."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once at the start of `fit`."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once at the end of `fit` with the last epoch's logs."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the start of `evaluate` (and of each validation run in `fit`)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of `evaluate` with the evaluation's results."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called once at the start of `predict`."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called once at the end of `predict`."""
