"""Probabilistic metrics: `KLDivergence`, `Poisson` and the crossentropies."""

from __future__ import annotations

from lamina.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from lamina.metrics.reduction_metrics import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.KLDivergence()
        >>> round(float(m([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
        0.4581
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """The mean Poisson loss `y_pred - y_true * log(y_pred)`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.Poisson()
        >>> round(float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]])), 4)
        0.5
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary crossentropy between labels and predictions.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        from_logits: `y_pred` are logits rather than probabilities.
        label_smoothing: squeeze labels towards 0.5 by this amount.

    Example:
        >>> m = lamina.metrics.BinaryCrossentropy()
        >>> round(float(m([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
        0.8149
    """

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean crossentropy between one-hot labels and predicted distributions.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        from_logits: `y_pred` are logits rather than probabilities.
        label_smoothing: squeeze one-hot labels towards uniform by this amount.
        axis: the class axis.

    Example:
        >>> m = lamina.metrics.CategoricalCrossentropy()
        >>> round(float(m([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
        1.1769
    """

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean crossentropy between integer labels and predicted distributions.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.
        from_logits: `y_pred` are logits rather than probabilities.
        ignore_class: a label value that is left out of the mean.
        axis: the class axis.

    Example:
        >>> m = lamina.metrics.SparseCategoricalCrossentropy()
        >>> round(float(m([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
        1.1769
    """

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
