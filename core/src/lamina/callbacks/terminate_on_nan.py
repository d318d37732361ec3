"""TerminateOnNaN: stop training when the loss becomes NaN or infinite."""

from __future__ import annotations

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """Stop training when a batch's `loss` is NaN or infinite.

    Args:
        raise_error: raise a RuntimeError at once instead of setting
            `model.stop_training` (which lets the epoch's other hooks and
            `on_train_end` run).

    Example:
        >>> model.fit(x, y, epochs=10, callbacks=[lamina.callbacks.TerminateOnNaN()])
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or not (np.isnan(loss) or np.isinf(loss)):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                "Terminating training immediately."
            )
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
