"""Hinge metrics: `Hinge`, `SquaredHinge`, `CategoricalHinge`."""

from __future__ import annotations

from lamina.losses import categorical_hinge, hinge, squared_hinge
from lamina.metrics.reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """The mean hinge loss `max(1 - y_true * y_pred, 0)` (labels -1/1, or 0/1 mapped to -1/1).

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.Hinge()
        >>> float(m([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]))
        1.2999999523162842
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """The mean squared hinge loss `max(1 - y_true * y_pred, 0) ** 2`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.SquaredHinge()
        >>> float(m([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]))
        1.8600000143051147
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """The mean categorical hinge loss `max(0, 1 + max(neg) - pos)`.

    Args:
        name: the metric's name.
        dtype: the dtype of the result.

    Example:
        >>> m = lamina.metrics.CategoricalHinge()
        >>> float(m([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]))
        1.4000000953674316
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}
