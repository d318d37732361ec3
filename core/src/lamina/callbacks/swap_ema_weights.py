"""SwapEMAWeights: evaluate (and predict) with the optimizer's EMA weights."""

from __future__ import annotations

import numpy as np

from lamina.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swaps the model's weights with the optimizer's EMA weights around evaluation.

    Before `evaluate` (and validation inside `fit`) or `predict`, the trainable
    weights take the values of the optimizer's exponential moving averages; afterwards
    the trained values come back. Use it with an optimizer built with `use_ema=True`.
    The swap is in place; other callbacks must not change either set of weights.

    Args:
        swap_on_epoch: also swap at the end of each epoch (and back at the start of the
            next), so that later callbacks see the EMA weights.

    Example:
        >>> model.compile(optimizer=lamina.optimizers.SGD(use_ema=True), loss="mse")
        >>> model.fit(x, y, validation_split=0.2, callbacks=[lamina.callbacks.SwapEMAWeights()])
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self) -> list:
        optimizer = self.model.optimizer
        # A LossScaleOptimizer keeps the EMA on its inner optimizer.
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            inner = [opt for opt in optimizer.optimizers if getattr(opt, "use_ema", False)]
            if not inner:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has "
                    "`use_ema=True` set. Received a MultiOptimizer with all inner "
                    "optimizers having `use_ema=False`."
                )
        else:
            inner = [optimizer]
        for opt in inner:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the "
                    f"optimizer. Received: use_ema={getattr(opt, 'use_ema', None)}. Build "
                    "the optimizer with `use_ema=True` and train at least one step first."
                )
        return inner

    def _swap_variables(self) -> None:
        for optimizer in self._ema_optimizers():
            pairs = zip(optimizer._trainable_variables, optimizer._model_variables_moving_average)
            for variable, average in pairs:
                trained = np.array(variable.numpy())
                variable.assign(average)
                average.assign(trained)

    def _finalize_ema_values(self) -> None:
        for optimizer in self._ema_optimizers():
            pairs = zip(optimizer._trainable_variables, optimizer._model_variables_moving_average)
            for variable, average in pairs:
                average.assign(variable)

    def _swap_in(self) -> None:
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def _swap_out(self) -> None:
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch:
            self._swap_out()

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_in()
            # fit ends with `finalize_variable_values`, which copies the averages into the
            # model: after the last epoch the averages must hold the EMA values again.
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        self._swap_in()

    def on_test_end(self, logs=None):
        self._swap_out()

    def on_predict_begin(self, logs=None):
        self._swap_in()

    def on_predict_end(self, logs=None):
        self._swap_out()
