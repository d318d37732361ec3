"""History: records every epoch's logs; `fit` returns it and sets it as `model.history`."""

from __future__ import annotations

from lamina.callbacks.callback import Callback


class History(Callback):
    """Records the epoch indices (`epoch`) and each metric's values per epoch (`history`).

    Every `fit` adds one; it is what `fit` returns and what `model.history` points to.

    Example:
        >>> history = model.fit(x, y, epochs=3, verbose=0)
        >>> history.epoch
        [0, 1, 2]
        >>> list(history.history)
        ['loss']
    """

    def __init__(self):
        super().__init__()
        self.history: dict[str, list] = {}

    def on_train_begin(self, logs=None):
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        # Re-set after every epoch so the model holds the latest history even if another
        # fit (with its own History) ran in between.
        self.model.history = self
