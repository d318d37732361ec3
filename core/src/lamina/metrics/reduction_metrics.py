"""Reduction metrics: `Sum`, `Mean` and `MeanMetricWrapper` (the mean of a function's values)."""

from __future__ import annotations

from lamina import ops
from lamina.losses.reduction import apply_mask, squeeze_or_expand_to_same_rank
from lamina.metrics.metric import Metric
from lamina.metrics.metrics_utils import convert_input


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype, owner="Metric"):
    """Weight `values` per sample and reduce everything past the batch axis.

    Returns `(values, sample_weight)`: values of rank <= 1 and the per-sample weights.
    """
    mask = getattr(values, "_keras_mask", None)
    values = ops.cast(convert_input(values, None, owner, "values"), dtype)
    if sample_weight is not None:
        sample_weight = convert_input(sample_weight, dtype, owner, "sample_weight")
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        try:
            sample_weight = ops.broadcast_to(sample_weight, values.shape)
        except ValueError as err:
            raise ValueError(
                f"{owner}: `sample_weight` of shape {tuple(sample_weight.shape)} cannot be "
                f"broadcast to the values' shape {tuple(values.shape)}. Pass one weight per "
                "sample (shape (batch_size,)) or a weight of the values' shape."
            ) from err
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the given values.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.Sum()
        >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
        >>> float(m.result())
        4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(
            values, sample_weight, ops.sum, self.dtype, type(self).__name__
        )
        self.total.assign_add(ops.sum(values))

    def result(self):
        return ops.cast(self.total.value, self.dtype)


class Mean(Metric):
    """The (weighted) mean of the given values.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.Mean()
        >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable((), "zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype, type(self).__name__
        )
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(ops.cast(num_samples, self.dtype))

    def result(self):
        return ops.divide_no_nan(self.total.value, ops.cast(self.count.value, self.dtype))


class MeanMetricWrapper(Mean):
    """The running mean of a function `fn(y_true, y_pred, **kwargs)` of per-sample values.

    Args:
        fn: the function to average, returning one value per sample.
        name: the metric's name.
        dtype: the dtype of the result.
        **kwargs: keyword arguments passed on to `fn`.

    Example:
        >>> m = lamina.metrics.MeanMetricWrapper(lamina.metrics.binary_accuracy)
        >>> float(m([[1], [0]], [[0.9], [0.8]]))
        0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        if not callable(fn):
            raise ValueError(
                f"MeanMetricWrapper: `fn` must be a callable fn(y_true, y_pred), received {fn!r}."
            )
        self._fn = fn
        self._fn_kwargs = kwargs
        from lamina import losses

        if fn in losses.ALL_OBJECTS or type(fn) in losses.ALL_OBJECTS:
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = getattr(y_pred, "_keras_mask", None)
        try:
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
        except ValueError as err:
            raise ValueError(f"{type(self).__name__} (metric '{self.name}'): {err}") from err
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        from lamina.saving import serialize_keras_object

        config = {"fn": serialize_keras_object(self._fn)}
        config.update(serialize_keras_object(self._fn_kwargs))
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            from lamina.saving import deserialize_keras_object

            config = deserialize_keras_object(config)
        return cls(**config)
