"""CallbackList: many callbacks behind one set of hooks, as `fit`/`evaluate`/`predict` use them."""

from __future__ import annotations

from lamina.autodiff import Tensor
from lamina.autodiff.nest import flatten
from lamina.callbacks.callback import Callback
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger


def pythonify_logs(logs: dict | None) -> dict:
    """Flatten nested dicts of logs and turn every value that can be one into a float.

    Keys come out sorted (so metrics print in alphabetical order, as in Keras); values
    that `float()` refuses (arrays of outputs, strings) are kept as they are.

    Example:
        >>> pythonify_logs({"loss": np.float32(0.5), "val": {"val_loss": 1}})
        {'loss': 0.5, 'val_loss': 1.0}
    """
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        try:
            result[key] = float(value.numpy() if isinstance(value, Tensor) else value)
        except (TypeError, ValueError):
            result[key] = value
    return result


class CallbackList(Callback):
    """Container that calls every hook of a list of callbacks, in order.

    Args:
        callbacks: a list (possibly nested) of `Callback` instances.
        add_history: append a `History` callback unless one is in `callbacks`.
        add_progbar: append a `ProgbarLogger` callback unless one is in `callbacks`.
        model: the model the callbacks observe; also gets `model.history`.
        **params: run parameters (`verbose`, `epochs`, `steps`) given to every
            callback through `set_params`.

    Example:
        >>> callbacks = lamina.callbacks.CallbackList(
        ...     [MyCallback()], add_history=True, model=model, verbose=0, epochs=2, steps=10
        ... )
        >>> callbacks.on_train_begin()
        >>> callbacks.on_epoch_end(0, {"loss": 0.3})
    """

    def __init__(
        self,
        callbacks=None,
        add_history: bool = False,
        add_progbar: bool = False,
        model=None,
        **params,
    ):
        super().__init__()
        self.callbacks = flatten(callbacks) if callbacks else []
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "CallbackList: every callback must be a `lamina.callbacks.Callback` "
                    f"instance. Received: {callback!r} of type {type(callback).__name__}. "
                    "Subclass `Callback`, or wrap functions in `LambdaCallback`."
                )
        self._in_begin_end_block_count = 0
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history: bool, add_progbar: bool) -> None:
        self._progbar = None
        self._history = None
        for callback in self.callbacks:
            if isinstance(callback, ProgbarLogger):
                self._progbar = callback
            elif isinstance(callback, History):
                self._history = callback
        # History goes before the progress bar, both after the user's callbacks.
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def set_params(self, params: dict) -> None:
        """Store `params` and pass them to every callback (when not empty)."""
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model) -> None:
        """Attach `model` to every callback and set `model.history` (ignored when None)."""
        if not model:
            return
        super().set_model(model)
        if self._history:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _on_begin(self) -> None:
        self._in_begin_end_block_count += 1

    def _on_end(self) -> None:
        self._in_begin_end_block_count -= 1
        if self._in_begin_end_block_count < 0:
            raise ValueError(
                "CallbackList: `on_xxx_end` called without a matching `on_xxx_begin` "
                "(call on_train_begin/on_test_begin/on_predict_begin first)."
            )

    def _call(self, hook: str, *args, logs=None) -> None:
        # Keras passes `logs` by keyword to batch hooks only, positionally to the others,
        # so overrides may name that parameter freely except in batch hooks.
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            if "batch" in hook:
                getattr(callback, hook)(*args, logs=logs)
            else:
                getattr(callback, hook)(*args, logs)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs=logs)

    def on_train_begin(self, logs=None):
        self._on_begin()
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)
        self._on_end()

    def on_test_begin(self, logs=None):
        self._on_begin()
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)
        self._on_end()

    def on_predict_begin(self, logs=None):
        self._on_begin()
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)
        self._on_end()
