"""Weight penalties: `Regularizer`, `L1`, `L2`, `L1L2`, `OrthogonalRegularizer`.

Each computes the same value as Keras 3 in the same dtype (the input's). The L1/L2
penalties run as one fused primitive for float inputs, since they are evaluated on
every weight at every training step.
"""

from __future__ import annotations

import math

import numpy as np

from lamina import ops
from lamina.autodiff import primitive
from lamina.ops._dtypes import xp_of

__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer"]


class Regularizer:
    """Base class of weight regularizers: `regularizer(x)` returns a scalar penalty.

    Subclasses implement `__call__(x)` and `get_config()`; `from_config` calls the
    constructor with the config's items. Any function of one tensor returning a scalar
    can be used in place of a `Regularizer` too.

    Example:
        >>> class Scaled(Regularizer):
        ...     def __init__(self, k=0.1):
        ...         self.k = k
        ...     def __call__(self, x):
        ...         return self.k * ops.sum(ops.square(x))
        ...     def get_config(self):
        ...         return {"k": self.k}
    """

    def __call__(self, x):
        """Return the penalty for `x` (0.0 for the base class)."""
        return 0.0

    @classmethod
    def from_config(cls, config):
        """Create a regularizer from the dict `get_config` returned."""
        return cls(**config)

    def get_config(self):
        """Return the constructor arguments as a dict (subclasses must override it)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement get_config(): define it to return "
            "the constructor arguments so that the regularizer can be saved and cloned."
        )


class L1L2(Regularizer):
    """Penalty `l1 * sum(abs(x)) + l2 * sum(square(x))`.

    Args:
        l1: non-negative float (default 0.0; None means 0.0).
        l2: non-negative float (default 0.0; None means 0.0).

    Example:
        >>> L1L2(l1=0.01, l2=0.01)(ops.ones((2, 2)))  # 0.08
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, name="l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, name="l2")

    def __call__(self, x):
        return _penalty(x, self.l1, self.l2)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """Penalty `l1 * sum(abs(x))`.

    Args:
        l1: non-negative float (default 0.01). Keras keeps it as a float32 tensor, so
            `get_config()["l1"]` is the float32 value (0.009999999776482582).

    Example:
        >>> L1(0.5)(ops.ones((2, 2)))  # 2.0
    """

    def __init__(self, l1=0.01):
        l1 = validate_float_arg(0.01 if l1 is None else l1, name="l1")
        self.l1 = ops.convert_to_tensor(l1)

    def __call__(self, x):
        return _penalty(x, float(self.l1), 0.0)

    def get_config(self):
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """Penalty `l2 * sum(square(x))`.

    Args:
        l2: non-negative float (default 0.01).

    Example:
        >>> L2(0.5)(ops.ones((2, 2)))  # 2.0
    """

    def __init__(self, l2=0.01):
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, name="l2")

    def __call__(self, x):
        return _penalty(x, 0.0, self.l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalty pushing the rows (or columns) of a rank-2 weight towards orthogonality.

    The penalty is `factor * 0.5 * sum(|P - diag(P)|) / (n * (n - 1) / 2)`, where `P` holds
    the dot products of the L2-normalized rows (`mode="rows"`) or columns.

    Args:
        factor: non-negative float (default 0.01); stored as a float32 tensor, as in Keras.
        mode: `"rows"` or `"columns"`.

    Example:
        >>> OrthogonalRegularizer(factor=0.01)(ops.eye(3))  # 0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        validate_float_arg(factor, name="factor")
        self.factor = ops.convert_to_tensor(factor)
        if mode not in {"rows", "columns"}:
            raise ValueError(
                'Invalid value for argument `mode`. Expected one of {"rows", "columns"}. '
                f"Received: mode={mode}"
            )
        self.mode = mode

    def __call__(self, inputs):
        if len(inputs.shape) != 2:
            raise ValueError(
                "Inputs to OrthogonalRegularizer must have rank 2. Received: "
                f"inputs.shape={tuple(inputs.shape)}"
            )
        if self.mode == "rows":
            inputs = ops.normalize(inputs, axis=1)
            product = ops.matmul(inputs, ops.transpose(inputs))
            size = inputs.shape[0]
        else:
            inputs = ops.normalize(inputs, axis=0)
            product = ops.matmul(ops.transpose(inputs), inputs)
            size = inputs.shape[1]
        product_no_diagonal = product * (1.0 - ops.eye(size, dtype=inputs.dtype))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * ops.sum(ops.absolute(product_no_diagonal)) / num_pairs

    def get_config(self):
        return {"factor": float(self.factor), "mode": self.mode}


def validate_float_arg(value, name):
    """Return `value` as a float; raise ValueError unless it is a finite number >= 0."""
    if not isinstance(value, (float, int)) or math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. "
            f"Received: {name}={value}"
        )
    return float(value)


def _penalty(x, l1, l2):
    """`l1 * sum(|x|) + l2 * sum(x**2)` in x's dtype, with Keras's casts of l1 and l2."""
    x = ops.convert_to_tensor(x)
    if x.dtype.startswith("float"):
        return _l1_l2_penalty(x, l1, l2)
    # Integer weights: Keras casts the factors to the integer dtype (0.01 -> 0).
    out = ops.convert_to_tensor(0, dtype=x.dtype)
    if l1 != 0.0:
        out = out + ops.cast(l1, x.dtype) * ops.sum(ops.absolute(x))
    if l2 != 0.0:
        out = out + ops.cast(l2, x.dtype) * ops.sum(ops.square(x))
    return out


@primitive
def _l1_l2_penalty(x, l1, l2):
    xp = xp_of(x)
    dtype = x.dtype
    # Keras casts each factor to x's dtype before multiplying (float16 rounding included).
    c1 = np.asarray(l1, dtype=dtype)[()]
    c2 = np.asarray(l2, dtype=dtype)[()]
    out = xp.zeros((), dtype=dtype)
    if l1 != 0.0:
        out = out + c1 * xp.sum(xp.abs(x))
    if l2 != 0.0:
        out = out + c2 * xp.sum(x * x)

    def vjp(g):
        grad = xp.zeros_like(x)
        if l1 != 0.0:
            grad = grad + (g * c1) * xp.sign(x)
        if l2 != 0.0:
            grad = grad + (g * (2 * c2)) * x
        return grad

    return out.astype(dtype, copy=False), vjp
