"""The primitive contract: a forward on raw arrays plus its vector-Jacobian product.

A primitive is a function decorated with `@primitive`. It receives raw backend
arrays (NumPy or CuPy) for its tensor inputs, followed by its static parameters,
and returns `(output, vjp)`:

    @primitive
    def multiply(x1, x2):
        def vjp(g):
            return (lambda: g * x2), (lambda: g * x1)
        return x1 * x2, vjp

`vjp(g)` returns one cotangent per tensor input: an array, None (no gradient),
or a zero-argument callable, evaluated only when that input needs a gradient
(so the gradient of data inputs is never computed). Cotangents may have the
broadcast shape; the engine sums them back to the input's shape and casts them
to its dtype. `vjp` itself may be None for non-differentiable operations.

The tensor inputs are the leading parameters without a default value (`nin`
overrides that). Python scalars stay Python scalars when a tensor is among the
inputs, so NumPy's weak-scalar promotion applies (`float16 * 2.0` is float16).

bfloat16 (ml_dtypes' NumPy dtype; NumPy computes on it slowly or promotes it to
float32) is handled here once for every primitive: bfloat16 inputs are upcast to
float32, the forward and the vjp run in float32, and float32 outputs are rounded
back to bfloat16 unless another float input or an explicit `dtype` argument decided
the result dtype, which gives Keras's promotion (`bfloat16 + int32` is bfloat16,
`bfloat16 + float16` is float32).
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from lamina.autodiff import profiler
from lamina.autodiff.graph import Node, recording
from lamina.autodiff.tensor import Tensor
from lamina.autodiff.variable import Variable
from lamina.backend import arrays as _arrays
from lamina.backend import asarray

_SCALARS = (int, float, bool, complex)
_DIFFERENTIABLE_KINDS = "fc"

# Installed by `lamina.layers.symbolic`: called as `symbolic_handler(op, args, kwargs)`
# when an op receives a symbolic tensor (a class with `_is_symbolic = True`), so that
# ops on `lamina.Input` tensors build functional graphs. Detected only in the slow
# branch of the op wrapper (non-Tensor inputs), so eager calls pay nothing for it.
symbolic_handler = None

# Set by `Layer.__call__` under a mixed dtype policy (e.g. "float16"): float variables
# with `autocast=True` passed to an op are read cast to this dtype, differentiably.
autocast_dtype = None


def _parameters(fn) -> tuple[list[str], int, dict[str, object]]:
    """`fn`'s parameter names, how many lead without a default, and the defaults.

    Read from the code object for plain functions: `inspect.signature` costs ~0.1 ms, and
    `import lamina` decorates a few hundred primitives.
    """
    code = getattr(fn, "__code__", None)
    plain = (
        code is not None
        and not hasattr(fn, "__wrapped__")
        and not code.co_posonlyargcount
        and not code.co_flags & inspect.CO_VARARGS
    )
    if not plain:
        params = list(inspect.signature(fn).parameters.values())
        leading = 0
        for param in params:
            if param.kind is not param.POSITIONAL_OR_KEYWORD or param.default is not param.empty:
                break
            leading += 1
        defaults = {p.name: p.default for p in params if p.default is not p.empty}
        return [p.name for p in params], leading, defaults
    positional = code.co_varnames[: code.co_argcount]
    names = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    given = fn.__defaults__ or ()
    defaults = dict(zip(positional[len(positional) - len(given) :], given))
    defaults.update(fn.__kwdefaults__ or {})
    return names, len(positional) - len(given), defaults


def _dtype_parameter(names, defaults):
    """(position, default) of the `dtype` parameter, or None when there is none."""
    if "dtype" not in names:
        return None
    return names.index("dtype"), defaults.get("dtype")


def _is_differentiable(dtype) -> bool:
    return dtype.kind in _DIFFERENTIABLE_KINDS or dtype == _arrays.bfloat16_loaded


def _record(vjp, inputs, out, multiple_outputs, op_name):
    """A graph node for this call, or None when no input needs a gradient."""
    parents = []
    connected = False
    for x in inputs:
        node = x._node if isinstance(x, Tensor) else None
        if node is None:
            parents.append(None)
        else:
            parents.append((node, x._index))
            connected = True
    if not connected:
        return None
    if multiple_outputs:
        meta = tuple((o.shape, o.dtype) for o in out)
    else:
        meta = ((out.shape, out.dtype),)
    return Node(vjp, tuple(parents), meta, op_name, multiple_outputs)


def _as_tensor(out, node, index):
    if isinstance(out, np.generic):  # NumPy reductions return scalars, not 0-d arrays
        out = np.asarray(out)
    if node is not None and not _is_differentiable(out.dtype):
        node = None
    return Tensor(out, node, index)


def primitive(fn=None, *, nin: int | None = None, multiple_outputs: bool = False):
    """Turn `fn(*arrays, *params) -> (out, vjp)` into a differentiable op on tensors.

    Args:
        nin: how many leading arguments are tensors (default: those without a
            default value).
        multiple_outputs: `fn` returns a tuple of outputs and `vjp` receives a
            tuple of cotangents (zeros for outputs that received none).
    """
    if fn is None:
        return functools.partial(primitive, nin=nin, multiple_outputs=multiple_outputs)
    all_names, leading, defaults = _parameters(fn)
    n_inputs = leading if nin is None else nin
    names = all_names[:n_inputs]
    op_name = fn.__name__
    dtype_parameter = _dtype_parameter(all_names, defaults)

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if len(args) < n_inputs:
            args = args + tuple(kwargs.pop(name) for name in names[len(args) :] if name in kwargs)
        if autocast_dtype is not None:
            args = _autocast(args, n_inputs)
        inputs = args[:n_inputs]
        arrays = []
        has_array = False
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x._value)
                has_array = True
            elif x is None or type(x) in _SCALARS:
                arrays.append(x)
            elif getattr(x, "_is_symbolic", False) and symbolic_handler is not None:
                return symbolic_handler(op, args, kwargs)
            else:
                arrays.append(asarray(x))
                has_array = True
        if not has_array:  # all Python scalars: Keras's default dtypes, not NumPy's
            arrays = [x if x is None else asarray(x) for x in arrays]
        try:
            if _arrays.bfloat16_loaded is not None and _has_bfloat16(arrays):
                out, vjp = _in_float32(fn, arrays, args, kwargs, n_inputs, dtype_parameter)
            elif profiler.active is None:
                out, vjp = fn(*arrays, *args[n_inputs:], **kwargs)
            else:
                out, vjp = profiler.active.call(op_name, fn, *arrays, *args[n_inputs:], **kwargs)
        except (ValueError, TypeError, IndexError) as err:
            raise _explained(err, op_name, arrays) from err
        node = None
        if vjp is not None and recording.depth:
            node = _record(vjp, inputs, out, multiple_outputs, op_name)
        if multiple_outputs:
            return tuple(_as_tensor(o, node, i) for i, o in enumerate(out))
        if node is None and not isinstance(out, np.generic):
            return Tensor(out)
        return _as_tensor(out, node, 0)

    op.forward = fn
    op.nin = n_inputs
    return op


def _has_bfloat16(arrays) -> bool:
    bfloat16 = _arrays.bfloat16_loaded
    for a in arrays:  # a loop, not any(...): this runs on every op once bfloat16 is loaded
        if getattr(a, "dtype", None) == bfloat16:
            return True
    return False


def _in_float32(fn, arrays, args, kwargs, n_inputs, dtype_parameter):
    """Run `fn` with its bfloat16 inputs upcast to float32, rounding float32 outputs back
    to bfloat16 when bfloat16 decides the result dtype (Keras's promotion)."""
    bfloat16 = _arrays.bfloat16_loaded
    upcast = []
    round_outputs = True
    for a in arrays:
        dtype = getattr(a, "dtype", None)
        if dtype == bfloat16:
            a = a.astype(np.float32)
        elif dtype is not None and dtype.kind in _DIFFERENTIABLE_KINDS:
            round_outputs = False  # float16/32/64 or complex: that dtype (or float32) wins
        upcast.append(a)
    if dtype_parameter is not None:
        position, default = dtype_parameter
        explicit = kwargs.get("dtype", args[position] if len(args) > position else default)
        round_outputs = round_outputs and explicit is None
    out, vjp = fn(*upcast, *args[n_inputs:], **kwargs)
    if round_outputs:
        out = _round_to(out, bfloat16)
    if vjp is None:
        return out, None

    def vjp_in_float32(g):
        return vjp(_upcast(g, bfloat16))

    return out, vjp_in_float32


def _round_to(out, bfloat16):
    if isinstance(out, (tuple, list)):
        return type(out)(_round_to(o, bfloat16) for o in out)
    if getattr(out, "dtype", None) == np.float32:
        return out.astype(bfloat16)
    return out


def _upcast(g, bfloat16):
    if isinstance(g, tuple):
        return tuple(_upcast(item, bfloat16) for item in g)
    if getattr(g, "dtype", None) == bfloat16:
        return g.astype(np.float32)
    return g


def _autocast(args, n_inputs):
    """Replace float Variables among the tensor inputs by their value cast to autocast_dtype."""
    target = autocast_dtype
    changed = None
    for i in range(min(n_inputs, len(args))):
        x = args[i]
        if (
            isinstance(x, Variable)
            and x.autocast
            and (x._value.dtype.kind == "f" or x._value.dtype == _arrays.bfloat16_loaded)
            and x.dtype != target
        ):
            if changed is None:
                changed = list(args)
            changed[i] = _cast_variable(x.value, target)
    return args if changed is None else tuple(changed)


def _explained(err, op_name, arrays):
    """Prefix an array library's error with the op and what it received."""
    message = str(err)
    if message.startswith(op_name):
        return err
    received = ", ".join(
        f"shape={tuple(a.shape)} dtype={a.dtype}" if hasattr(a, "shape") else repr(a)
        for a in arrays
    )
    text = f"{op_name}: {message}. Received inputs: [{received}]."
    if "bfloat16" in message and any(
        hasattr(a, "shape") and not isinstance(a, np.ndarray) for a in arrays
    ):
        text += " bfloat16 is CPU-only for now in lamina (CuPy has no bfloat16)."
    try:
        return type(err)(text)
    except TypeError:  # subclasses such as NumPy's UFuncTypeError take other arguments
        return next(base for base in (IndexError, ValueError, TypeError) if isinstance(err, base))(
            text
        )


def unwrap(x):
    """The raw array inside a Tensor; other values are returned unchanged."""
    return x._value if isinstance(x, Tensor) else x


@primitive(nin=1)
def _cast_variable(x, dtype):
    """Read a variable cast to a layer's compute dtype; the gradient is cast back."""

    def vjp(g):
        return g.astype(x.dtype)

    return x.astype(dtype), vjp
