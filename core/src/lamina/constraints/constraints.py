"""Weight constraints: `Constraint`, `MaxNorm`, `MinMaxNorm`, `NonNeg`, `UnitNorm`.

A constraint maps a weight to its projected value; optimizers apply it after each
update. The formulas (and the epsilon added to norms) are Keras 3's.
"""

from __future__ import annotations

from lamina import ops
from lamina.backend import epsilon

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"]


class Constraint:
    """Base class of weight constraints: `constraint(w)` returns the projected weight.

    Example:
        >>> class Clip(Constraint):
        ...     def __init__(self, limit=1.0):
        ...         self.limit = limit
        ...     def __call__(self, w):
        ...         return ops.clip(w, -self.limit, self.limit)
        ...     def get_config(self):
        ...         return {"limit": self.limit}
    """

    def __call__(self, w):
        """Return `w` unchanged (the base class imposes nothing)."""
        return w

    def get_config(self):
        """Return the constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Create a constraint from the dict `get_config` returned."""
        return cls(**config)


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale the slices of `w` along `axis` whose L2 norm exceeds `max_value`.

    Args:
        max_value: the largest allowed norm (default 2).
        axis: the axis (or axes) along which norms are taken (default 0: each column
            of a Dense kernel).

    Example:
        >>> MaxNorm(1.0)(ops.convert_to_tensor([[3.0], [4.0]]))  # [[0.6], [0.8]]
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.cast(w, norms.dtype) * (desired / (epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Replace negative weights by zero.

    Example:
        >>> NonNeg()(ops.convert_to_tensor([-1.0, 2.0]))  # [0.0, 2.0]
    """

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        return ops.maximum(w, 0)


class UnitNorm(Constraint):
    """Scale the slices of `w` along `axis` to unit L2 norm.

    Args:
        axis: the axis (or axes) along which norms are taken (default 0).

    Example:
        >>> UnitNorm()(ops.convert_to_tensor([[3.0], [4.0]]))  # [[0.6], [0.8]]
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return ops.cast(w, norms.dtype) / (epsilon() + norms)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Move the L2 norms of the slices of `w` along `axis` into `[min_value, max_value]`.

    The new norm is `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`.

    Args:
        min_value: the smallest allowed norm (default 0.0).
        max_value: the largest allowed norm (default 1.0).
        rate: how far to move towards the clipped norm per call, in [0, 1] (default 1.0).
        axis: the axis (or axes) along which norms are taken (default 0).

    Example:
        >>> MinMaxNorm(1.0, 2.0)(ops.convert_to_tensor([[0.3], [0.4]]))  # [[0.6], [0.8]]
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = (
            self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        )
        return ops.cast(w, norms.dtype) * (desired / (epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }
