"""ReduceLROnPlateau: lower the learning rate when a monitored metric stops improving."""

from __future__ import annotations

import warnings

import numpy as np

from lamina.callbacks.learning_rates import current_learning_rate, optimizers_of
from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.utils.progbar import print_msg


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by `factor` after `patience` epochs without improvement.

    Adds the current `learning_rate` to the epoch's logs (so `History` and `CSVLogger`
    record it).

    Args:
        monitor: the logged quantity to watch.
        factor: multiplier of the learning rate, below 1 (`new_lr = lr * factor`).
        patience: epochs without improvement before reducing.
        verbose: 0 (quiet) or 1 (print each reduction).
        mode: `"auto"`, `"min"` or `"max"` (see `MonitorCallback`).
        min_delta: smallest change that counts as an improvement.
        cooldown: epochs after a reduction during which no new reduction happens.
        min_lr: the learning rate is never reduced below this.
        **kwargs: accepted for Keras compatibility and ignored.

    Example:
        >>> reduce_lr = lamina.callbacks.ReduceLROnPlateau(factor=0.2, patience=5, min_lr=1e-3)
        >>> model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                "ReduceLROnPlateau does not support a factor >= 1.0. "
                f"Received factor={factor}. Pass a factor below 1, e.g. factor=0.1."
            )
        if kwargs:
            warnings.warn(
                f"ReduceLROnPlateau: ignoring unknown arguments {sorted(kwargs)}.",
                stacklevel=2,
            )
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        """Whether a reduction happened fewer than `cooldown` epochs ago."""
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs or {}
        for key, optimizer in optimizers_of(self.model):
            logs[key] = current_learning_rate(optimizer)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which "
                f"is not available. Available metrics are: {','.join(list(logs.keys()))}.",
                stacklevel=2,
            )
            return

        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for key, optimizer in optimizers_of(self.model):
                    name = key.removeprefix("learning_rate").removeprefix("_")
                    reduced = self._reduce_optimizer_lr(optimizer, epoch, name) or reduced
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def _reduce_optimizer_lr(self, optimizer, epoch, name="") -> bool:
        old_lr = current_learning_rate(optimizer)
        # Compared in float32, as the optimizer stores it: a rate already at min_lr stays.
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            name_str = f" {name}" if name else ""
            print_msg(
                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name_str} learning rate "
                f"to {new_lr}."
            )
        return True
