"""LearningRateScheduler: set the optimizer's learning rate from a function of the epoch."""

from __future__ import annotations

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.callbacks.learning_rates import current_learning_rate, optimizers_of
from lamina.utils.progbar import print_msg


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of every epoch from `schedule`.

    Args:
        schedule: a function `(epoch, lr) -> new_lr` (epoch counts from 0, `lr` is the
            current rate as a float), or `(epoch) -> new_lr`; it must return a float.
        verbose: 0 (quiet) or 1 (print each update).

    Example:
        >>> def scheduler(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.9
        >>> callback = lamina.callbacks.LearningRateScheduler(scheduler)
        >>> model.fit(x, y, epochs=15, callbacks=[callback], verbose=0)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "LearningRateScheduler: `schedule` must be a function (epoch, lr) -> float. "
                f"Received: {schedule!r} of type {type(schedule).__name__}."
            )
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch) -> float:
        try:
            learning_rate = self.schedule(epoch, current_learning_rate(optimizer))
        except TypeError:
            # A one-argument schedule (Keras accepts both signatures).
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                "The output of the `schedule` function should be a float. "
                f"Got: {learning_rate!r} of type {type(learning_rate).__name__}."
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        for key, optimizer in optimizers_of(self.model):
            learning_rate = self._update_optimizer_lr(optimizer, epoch)
            if self.verbose > 0:
                name = f" {optimizer.name}" if key != "learning_rate" else ""
                print_msg(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting{name} learning "
                    f"rate to {learning_rate}."
                )

    def on_epoch_end(self, epoch, logs=None):
        # Written into the shared logs dict so History and CSVLogger record the rate.
        if not logs:
            return
        for key, optimizer in optimizers_of(self.model):
            logs[key] = current_learning_rate(optimizer)
