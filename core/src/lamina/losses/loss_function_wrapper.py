"""`LossFunctionWrapper`: a `Loss` that calls a loss function with fixed keyword arguments."""

from __future__ import annotations

from lamina.losses.loss import Loss
from lamina.losses.reduction import squeeze_or_expand_to_same_rank


class LossFunctionWrapper(Loss):
    """Wrap `fn(y_true, y_pred, **kwargs)` into a `Loss`.

    Args:
        fn: the loss function, returning per-sample losses.
        reduction: see `Loss`.
        name: name of the loss instance.
        dtype: dtype the loss is computed in.
        **kwargs: keyword arguments passed to `fn` on every call.

    Example:
        >>> loss = LossFunctionWrapper(lamina.losses.huber, delta=2.0)
        >>> loss([[0.0]], [[3.0]])  # 4.0
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if isinstance(y_true, dict) and isinstance(y_pred, dict):
            pairs = {k: squeeze_or_expand_to_same_rank(y_true[k], y_pred[k]) for k in y_pred}
            y_true = {k: pair[0] for k, pair in pairs.items()}
            y_pred = {k: pair[1] for k, pair in pairs.items()}
        elif not isinstance(y_true, (dict, list, tuple)):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        from lamina.saving import serialization_lib

        config = super().get_config()
        config["fn"] = serialization_lib.serialize_keras_object(self.fn)
        config.update(serialization_lib.serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        from lamina.saving import serialization_lib

        if "fn" in config:
            config = serialization_lib.deserialize_keras_object(config)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class BuiltinLoss(LossFunctionWrapper):
    """Base of the built-in loss classes: their config is their constructor arguments.

    The keyword arguments given to `fn` are also attributes (`loss.from_logits`, ...).
    """

    def __init__(self, fn, reduction, name, dtype, **kwargs):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({key: getattr(self, key) for key in self._fn_kwargs})
        return config

    def __repr__(self) -> str:
        return Loss.__repr__(self)
