"""ModelCheckpoint: save the model or its weights during `fit`, every epoch or every N batches."""

from __future__ import annotations

import os
import warnings

import numpy as np

from lamina.callbacks.batch_save_schedule import BatchSaveSchedule
from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.utils.progbar import print_msg


class ModelCheckpoint(MonitorCallback):
    """Save the model (`model.save`) or its weights (`model.save_weights`) during training.

    Args:
        filepath: where to save; a string or `os.PathLike`. It may hold format fields
            filled from `epoch` (1-based), `batch` (1-based, batch-level saves) and the
            logs: `"ckpt/{epoch:02d}-{val_loss:.2f}.keras"`. It must end in
            `.weights.h5` with `save_weights_only=True`, else in `.keras` (or `.h5`).
        monitor: the logged quantity that decides what "best" is (`"val_loss"`).
        verbose: 0 (silent) or 1 (a message for each save decision).
        save_best_only: save only when `monitor` improves on the best value so far.
        save_weights_only: save the weights only instead of the whole model.
        mode: `"auto"`, `"min"` or `"max"`: which way `monitor` improves.
        save_freq: `"epoch"` (at the end of each epoch) or an integer: every that many
            batches (checked at the end of each step run, with `steps_per_execution`).
        initial_value_threshold: the value `monitor` must beat for the first save when
            `save_best_only=True`.

    Example:
        >>> checkpoint = lamina.callbacks.ModelCheckpoint(
        ...     "ckpt/best.keras", monitor="val_loss", save_best_only=True
        ... )
        >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])
        >>> best = lamina.models.load_model("ckpt/best.keras")
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = _path_to_string(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._current_epoch = 0
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. "
                "Expected save_freq are 'epoch' or integer values"
            )
        self._schedule = None if save_freq == "epoch" else BatchSaveSchedule(save_freq)
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format). Received: "
                    f"filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). "
                f"Received: filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._schedule is not None and self._schedule.is_due(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            # As Keras: set once the model's metrics exist (an unknown `monitor` fails here).
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_model(self, epoch: int, logs: dict, filepath: str) -> bool:
        """Whether to save now; with `save_best_only`, also updates `self.best`."""
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. "
                f"Received: {current}. Falling back to `save_best_only=False`.",
                stacklevel=3,
            )
            return True
        if self.monitor_op is None:
            # A batch-level save can come before the first epoch end.
            self._set_monitor_op()
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {filepath}"
            )
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        """`filepath` with its fields filled: 1-based `epoch` and `batch`, then the logs."""
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". '
                f"Reason: {error}. Available fields: {sorted(fields)}"
            ) from None
        except (ValueError, IndexError) as error:
            raise ValueError(
                f'ModelCheckpoint: failed to format the filepath "{self.filepath}" with '
                f"{fields}: {error}. Use named fields whose format spec fits the value, "
                "e.g. `{epoch:02d}` or `{val_loss:.2f}`."
            ) from None


def _path_to_string(filepath) -> str:
    if isinstance(filepath, os.PathLike):
        filepath = os.fspath(filepath)
    if not isinstance(filepath, str):
        raise TypeError(
            "ModelCheckpoint: `filepath` must be a string or an `os.PathLike`. "
            f"Received: filepath={filepath!r} (of type {type(filepath).__name__})"
        )
    return filepath
