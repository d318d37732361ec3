"""Indexing ops: get_item, take, take_along_axis, slice, slice_update, where, select."""

import builtins

from lamina.autodiff import Tensor, primitive, unwrap
from lamina.backend import kernels_for
from lamina.ops._axes import canonical_axis, named, result_dtype
from lamina.ops._dtypes import xp_of

__all__ = [
    "get_item",
    "select",
    "slice",
    "slice_update",
    "take",
    "take_along_axis",
    "where",
]

_ALL = builtins.slice(None)


def _raw_key(key):
    if isinstance(key, tuple):
        return tuple(_raw_key(k) for k in key)
    if isinstance(key, Tensor):
        return key.value
    if isinstance(key, list) and builtins.any(isinstance(k, Tensor) for k in key):
        return [_raw_key(k) for k in key]
    return key


def _has_integer_array(key):
    keys = key if isinstance(key, tuple) else (key,)
    for k in keys:
        if isinstance(k, list) or (hasattr(k, "dtype") and k.dtype.kind in "iu" and k.ndim > 0):
            return True
    return False


@primitive(nin=1)
def get_item(x, key):
    """`x[key]` with NumPy's basic and advanced indexing rules.

    Example:
        >>> ops.get_item(ops.arange(6), ops.array([0, 5]))  # [0, 5]
    """
    key = _raw_key(key)
    xp = xp_of(x)
    try:
        out = x[key]
    except IndexError as err:
        raise IndexError(f"get_item: {err} (tensor shape {x.shape}, index {key!r})") from err

    def vjp(g):
        grad = xp.zeros(x.shape, g.dtype)
        if _has_integer_array(key):  # repeated indices must accumulate
            kernels_for(xp).scatter_add(grad, key, g)
        else:
            grad[key] = g
        return grad

    return out, vjp


def _check_indices(indices, name):
    if hasattr(indices, "dtype") and indices.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: `indices` must be integers, received dtype {indices.dtype}; "
            "cast them with ops.cast(indices, 'int32')."
        )


@primitive
def take(x, indices, axis=None):
    """Elements of `x` at `indices` along `axis` (of the flattened `x` when None).

    Negative indices count from the end; out-of-range indices raise an error.

    Example:
        >>> ops.take([[1, 2], [3, 4]], [1, 0], axis=1)  # [[2, 1], [4, 3]]
    """
    xp = xp_of(x, indices)
    _check_indices(indices, "take")
    shape = x.shape
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    else:
        axis = canonical_axis(axis, x.ndim, "take")
    try:
        out = xp.take(x, indices, axis=axis)
    except IndexError as err:
        raise IndexError(f"take: {err} (tensor shape {shape}, axis {axis}).") from err
    flat_shape = x.shape

    def vjp(g):
        def grad_x():
            index = xp.asarray(indices).reshape(-1)
            rows = g.reshape((*flat_shape[:axis], index.shape[0], *flat_shape[axis + 1 :]))
            grad = xp.zeros(flat_shape, g.dtype)
            kernels_for(xp).scatter_add(grad, (_ALL,) * axis + (index,), rows)
            return grad.reshape(shape)

        return grad_x, None

    return out, vjp


def _along_axis_key(xp, shape, indices, axis):
    """The fancy index that picks `indices` along `axis` (broadcast over the rest)."""
    ndim = len(shape)
    key = []
    for d in range(ndim):
        if d == axis:
            key.append(indices)
        else:
            view = [1] * ndim
            view[d] = shape[d]
            key.append(xp.arange(shape[d]).reshape(view))
    return tuple(key)


@primitive
def take_along_axis(x, indices, axis=None):
    """Pick `indices[..., i, ...]` along `axis` of `x`; other axes broadcast.

    Example:
        >>> ops.take_along_axis([[10, 30, 20]], [[1, 0]], axis=1)  # [[30, 10]]
    """
    xp = xp_of(x, indices)
    _check_indices(indices, "take_along_axis")
    shape = x.shape
    if axis is None:
        if indices.ndim != 1:
            raise ValueError(
                "take_along_axis: with axis=None, `indices` must be 1-D, received "
                f"shape {indices.shape}."
            )
        x = x.reshape(-1)
        axis = 0
    else:
        axis = canonical_axis(axis, x.ndim, "take_along_axis")
    if indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: `indices` must have the rank of `x` ({x.ndim}), received "
            f"shape {indices.shape} for x of shape {x.shape}."
        )
    key = _along_axis_key(xp, x.shape, indices, axis)
    try:
        out = x[key]
    except IndexError as err:
        raise IndexError(f"take_along_axis: {err} (tensor shape {shape}).") from err
    flat_shape = x.shape

    def vjp(g):
        def grad_x():
            grad = xp.zeros(flat_shape, g.dtype)
            kernels_for(xp).scatter_add(grad, key, g)
            return grad.reshape(shape)

        return grad_x, None

    return out, vjp


def _static_ints(values, name):
    values = unwrap(values)
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, int):
        values = (values,)
    try:
        return tuple(int(v) for v in values)
    except TypeError as err:
        raise TypeError(f"{name}: expected a sequence of ints, received {values!r}.") from err


def _window(shape, start, size, name):
    """Slices for a block of `size` at `start`, shifted inside `shape` like lax.dynamic_slice."""
    if len(start) != len(shape) or len(size) != len(shape):
        raise ValueError(
            f"{name}: expected one start index and one size per axis of a tensor of shape "
            f"{shape}, received start_indices={start} and shape={size}."
        )
    window = []
    for n, s, k in zip(shape, start, size):
        if k > n:
            raise ValueError(f"{name}: a block of shape {size} does not fit in shape {shape}.")
        s = builtins.min(builtins.max(s, 0), n - k)
        window.append(builtins.slice(s, s + k))
    return tuple(window)


@primitive(nin=1)
def slice(inputs, start_indices, shape):
    """A block of `inputs` of `shape` starting at `start_indices` (-1 in shape: to the end).

    Start indices are clamped so that the block fits, as in JAX.

    Example:
        >>> ops.slice(ops.arange(10), (2,), (3,))  # [2, 3, 4]
    """
    xp = xp_of(inputs)
    start = _static_ints(start_indices, "slice")
    size = _static_ints(shape, "slice")
    size = tuple(n - s if k == -1 else k for n, s, k in zip(inputs.shape, start, size))
    window = _window(inputs.shape, start, size, "slice")
    full = inputs.shape

    def vjp(g):
        grad = xp.zeros(full, g.dtype)
        grad[window] = g
        return grad

    return inputs[window], vjp


def slice_update(inputs, start_indices, updates):
    """`inputs` with the block at `start_indices` replaced by `updates`.

    Start indices are clamped so that the block fits, as in JAX.

    Example:
        >>> ops.slice_update(ops.zeros(4), (1,), ops.ones(2))  # [0., 1., 1., 0.]
    """
    return _slice_update(inputs, updates, _static_ints(start_indices, "slice_update"))


@primitive(nin=2)
@named("slice_update")
def _slice_update(inputs, updates, start):
    xp = xp_of(inputs, updates)
    updates = xp.asarray(updates)
    if updates.ndim != inputs.ndim:
        raise ValueError(
            f"slice_update: `updates` must have the rank of `inputs`, received shapes "
            f"{updates.shape} and {inputs.shape}."
        )
    window = _window(inputs.shape, start, updates.shape, "slice_update")
    out = inputs.copy()
    out[window] = updates

    def vjp(g):
        def grad_inputs():
            grad = g.copy()
            grad[window] = 0
            return grad

        return grad_inputs, (lambda: g[window])

    return out, vjp


def where(condition, x1=None, x2=None):
    """`x1` where `condition` holds, else `x2`; with only `condition`, its nonzero indices.

    Args:
        condition: a boolean tensor (other dtypes: non-zero is true).
        x1, x2: values to pick from (broadcast together); both or neither.

    Example:
        >>> ops.where([True, False], [1, 2], [3, 4])  # [1, 4]
    """
    if x1 is None and x2 is None:
        from lamina.ops.searching import nonzero

        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: `x1` and `x2` must both be given, or neither.")
    return _where(condition, x1, x2)


def _as_dtype(xp, value, dtype):
    if hasattr(value, "dtype"):
        return value if value.dtype == dtype else value.astype(dtype)
    return value


@primitive
@named("where")
def _where(condition, x1, x2):
    xp = xp_of(condition, x1, x2)
    dtype = result_dtype(x1, x2)
    if not hasattr(x1, "dtype") and not hasattr(x2, "dtype"):
        x1 = xp.asarray(x1, dtype=dtype)
    x1, x2 = _as_dtype(xp, x1, dtype), _as_dtype(xp, x2, dtype)
    cond = xp.asarray(condition)
    if cond.dtype != bool:
        cond = cond != 0
    out = xp.where(cond, x1, x2)

    def vjp(g):
        zero = xp.zeros((), g.dtype)
        return None, (lambda: xp.where(cond, g, zero)), (lambda: xp.where(cond, zero, g))

    return out, vjp


def select(condlist, choicelist, default=0):
    """Per element, the choice of the first condition that holds (else `default`).

    Args:
        condlist: a list of boolean tensors.
        choicelist: a list of tensors, one per condition.
        default: the value where no condition holds.

    Example:
        >>> ops.select([ops.array([True, False])], [ops.array([1, 2])], 0)  # [1, 0]
    """
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise ValueError(
            "select: `condlist` and `choicelist` must be lists, received "
            f"{type(condlist).__name__} and {type(choicelist).__name__}."
        )
    if not condlist or len(condlist) != len(choicelist):
        raise ValueError(
            "select: `condlist` and `choicelist` must be non-empty and of equal length, "
            f"received {len(condlist)} and {len(choicelist)}."
        )
    n = len(condlist)
    op = _SELECT_OPS.get(n)
    if op is None:
        op = _SELECT_OPS[n] = primitive(_select_forward, nin=2 * n + 1)
    return op(*condlist, *choicelist, default)


_SELECT_OPS: dict = {}


def _select_forward(*args):
    n = (len(args) - 1) // 2
    conds, choices, default = args[:n], args[n : 2 * n], args[-1]
    xp = xp_of(*args)
    dtype = result_dtype(*choices, default)
    out = xp.asarray(default, dtype=dtype) if not hasattr(default, "dtype") else default
    out = out.astype(dtype, copy=False)
    conds = [xp.asarray(c).astype(bool, copy=False) for c in conds]
    which = xp.asarray(n)
    for i in range(n - 1, -1, -1):
        out = xp.where(conds[i], _as_dtype(xp, choices[i], dtype), out)
        which = xp.where(conds[i], i, which)

    def vjp(g):
        zero = xp.zeros((), g.dtype)
        picks = [xp.where(which == i, g, zero) for i in range(n + 1)]
        return (None,) * n + tuple(picks)

    return out, vjp


_select_forward.__name__ = "select"
