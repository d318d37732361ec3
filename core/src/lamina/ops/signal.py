"""Signal processing on 1-D tensors: correlate (cross-correlation)."""

from __future__ import annotations

from lamina.autodiff import primitive
from lamina.backend import kernels_for
from lamina.ops._contraction_utils import _float_result
from lamina.ops._dtypes import xp_of

__all__ = ["correlate"]


def _correlate_valid(x, y):
    """`out[k] = sum_n x[n + k] * y[n]` for every full overlap (len(x) >= len(y))."""
    windows = kernels_for(xp_of(x, y)).sliding_window_view(x, y.shape[0])
    return windows @ y


@primitive
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D tensors: `out[k] = sum_n x1[n + k] * x2[n]`.

    Args:
        x1: 1-D tensor.
        x2: 1-D tensor.
        mode: `"valid"`, `"same"` or `"full"`, as in NumPy.

    Example:
        >>> ops.correlate(ops.convert_to_tensor([1.0, 2, 3]), ops.convert_to_tensor([0.0, 1, 0.5]))
        ... # [3.5]
    """
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full', received {mode!r}.")
    x1, x2 = _float_result(x1, x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(
            f"correlate: inputs must be 1-D, received shapes {x1.shape} and {x2.shape}."
        )
    xp = xp_of(x1, x2)
    n, m = x1.shape[0], x2.shape[0]
    if n == 0 or m == 0:
        raise ValueError("correlate: inputs must not be empty.")
    # Full correlation: lags -(m - 1) .. n - 1, computed on x1 padded with zeros.
    padded = xp.concatenate([xp.zeros(m - 1, x1.dtype), x1, xp.zeros(m - 1, x1.dtype)])
    full = _correlate_valid(padded, x2)
    length = {"full": n + m - 1, "valid": abs(n - m) + 1, "same": max(n, m)}[mode]
    start = {"full": 0, "valid": min(n, m) - 1, "same": (min(n, m) - 1) // 2}[mode]
    if n < m and mode == "same":
        start = (n + m - 1 - length) - (min(n, m) - 1) // 2
    out = full[start : start + length]

    def vjp(g):
        g_full = xp.zeros(n + m - 1, g.dtype)
        g_full[start : start + length] = g
        return (
            (lambda: _correlate_valid(g_full, x2[::-1])),
            (lambda: _correlate_valid(padded, g_full)),
        )

    return out, vjp
