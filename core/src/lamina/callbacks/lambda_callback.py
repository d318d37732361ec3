"""LambdaCallback: a callback made of plain functions, for quick custom hooks."""

from __future__ import annotations

from lamina.callbacks.callback import Callback


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given.

    The functions take the hook's positional arguments: `(epoch, logs)` for epoch
    hooks, `(batch, logs)` for batch hooks, `(logs)` for train begin/end. Any other
    hook (`on_test_begin=...`, `on_predict_batch_end=...`) can be passed by keyword.

    Args:
        on_epoch_begin: called at the start of each epoch.
        on_epoch_end: called at the end of each epoch.
        on_train_begin: called at the start of training.
        on_train_end: called at the end of training.
        on_train_batch_begin: called before each training batch.
        on_train_batch_end: called after each training batch.
        **kwargs: other hooks (or attributes) to set on the callback.

    Example:
        >>> print_batch = lamina.callbacks.LambdaCallback(
        ...     on_train_batch_begin=lambda batch, logs: print(batch)
        ... )
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(
                    f"LambdaCallback: `{name}` must be a function or None. "
                    f"Received: {fn!r} of type {type(fn).__name__}."
                )
            setattr(self, name, fn)
