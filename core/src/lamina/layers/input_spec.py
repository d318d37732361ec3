"""`InputSpec`: what a layer expects of its inputs (rank, dtype, axis sizes)."""

from __future__ import annotations

from lamina.backend import standardize_dtype


class InputSpec:
    """The rank, dtype and shape constraints a layer places on one input.

    Args:
        dtype: the expected dtype.
        shape: the expected shape (None entries match any size); sets `ndim`.
        ndim, max_ndim, min_ndim: rank constraints.
        axes: `{axis: size}` for axes whose size is fixed (e.g. `{-1: 16}`).
        allow_last_axis_squeeze: a trailing axis of size 1 may be present or absent.
        name: the input's name (for dict inputs).
        optional: the input may be None.

    Example:
        >>> spec = InputSpec(min_ndim=2, axes={-1: 4})
        >>> spec.axes
        {-1: 4}
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = None if dtype is None else standardize_dtype(dtype)
        if shape is not None:
            self.shape = tuple(None if d is None else int(d) for d in shape)
            self.ndim = len(self.shape)
        else:
            self.shape = None
            self.ndim = ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"InputSpec: argument `axes` must be a dict with integer keys, received {axes!r}."
            ) from err
        limit = self.ndim if self.ndim is not None else self.max_ndim
        if self.axes and limit is not None and max(self.axes) > limit - 1:
            raise ValueError(f"InputSpec: axis {max(self.axes)} is out of range for ndim={limit}.")

    def __repr__(self) -> str:
        parts = []
        for key in ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes"):
            value = getattr(self, key)
            if value:
                parts.append(f"{key}={value}")
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _leaves(structure):
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _leaves(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure, key=str) for leaf in _leaves(structure[key])]
    return [structure]


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raise a ValueError naming the layer when `inputs` do not satisfy `input_spec`.

    Args:
        input_spec: an InputSpec, a (nested) list of them, or None.
        inputs: a tensor or a (nested) structure of tensors.
        layer_name: used in the error message.

    Example:
        >>> assert_input_compatibility(InputSpec(ndim=2), np.ones((3, 4)), "dense")
    """
    if not input_spec:
        return
    specs = _leaves(input_spec)
    if isinstance(inputs, dict):
        names = [spec.name for spec in specs]
        if all(names):
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f'Layer "{layer_name}": missing data for input "{missing[0]}". You passed '
                    f"a dict with keys {list(inputs)}; expected keys {names}."
                )
            inputs = [inputs[n] for n in names]
    flat = _leaves(inputs)
    if len(flat) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received '
            f"{len(flat)} input tensors. Inputs received: {flat}"
        )
    for index, (x, spec) in enumerate(zip(flat, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        if not hasattr(x, "shape"):
            raise ValueError(
                f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as "
                f"input for layer '{layer_name}'."
            )
        shape = tuple(x.shape)
        ndim = len(shape)
        where = f"Input {index} with name '{spec.name}' of layer '{layer_name}'"
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected ndim={spec.ndim}, "
                f"found ndim={ndim}. Full shape received: {shape}"
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected max_ndim={spec.max_ndim}, "
                f"found ndim={ndim}. Full shape received: {shape}"
            )
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected min_ndim={spec.min_ndim}, "
                f"found ndim={ndim}. Full shape received: {shape}"
            )
        if spec.dtype is not None:
            dtype = standardize_dtype(x.dtype)
            if dtype != spec.dtype:
                raise ValueError(
                    f"{where} is incompatible with the layer: expected dtype={spec.dtype}, "
                    f"found dtype={dtype}"
                )
        for axis, size in (spec.axes or {}).items():
            if size is None:
                continue
            if not -ndim <= axis < ndim:
                raise ValueError(
                    f"{where} is incompatible with the layer: expected axis {axis} to exist, "
                    f"but received input with shape {shape}"
                )
            if shape[axis] not in (size, None):
                raise ValueError(
                    f"{where} is incompatible with the layer: expected axis {axis} of input "
                    f"shape to have value {size}, but received input with shape {shape}"
                )
        if spec.shape is not None:
            expected, received = spec.shape, shape
            if spec.allow_last_axis_squeeze:
                if received and received[-1] == 1:
                    received = received[:-1]
                if expected and expected[-1] == 1:
                    expected = expected[:-1]
            for want, got in zip(expected, received):
                if want is not None and got is not None and want != got:
                    raise ValueError(
                        f"{where} is incompatible with the layer: expected shape="
                        f"{spec.shape}, found shape={shape}"
                    )
