"""`DTypePolicy`: the dtype a layer computes in and the dtype its variables are stored in."""

from __future__ import annotations

from lamina.backend import config, standardize_dtype

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_global_policy = None  # None: follow floatx


class DTypePolicy:
    """A named dtype policy: `"float32"`, `"float16"`, `"mixed_float16"`, `"mixed_bfloat16"`, ...

    A plain dtype name computes and stores variables in that dtype. `mixed_float16`
    computes in float16 and `mixed_bfloat16` in bfloat16, both storing variables in
    float32. bfloat16 comes from the `ml_dtypes` package (imported when first used) and
    is CPU-only: on a GPU device a bfloat16 layer raises a clear error when it computes.

    Args:
        name: the policy name; None gives the global policy's name.

    Example:
        >>> p = DTypePolicy("mixed_float16")
        >>> (p.compute_dtype, p.variable_dtype)
        ('float16', 'float32')
    """

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        if not isinstance(name, str):
            raise TypeError(
                f"DTypePolicy: `name` must be a string such as 'float32' or 'mixed_float16', "
                f"received {name!r} of type {type(name).__name__}."
            )
        self._name = name
        self._compute_dtype, self._variable_dtype = _parse(name)

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype of a layer's computations and outputs."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of a layer's variables."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        return None

    def convert_input(self, x, autocast, dtype):
        """Cast a float tensor `x` to `dtype` when `autocast` is True (Keras's rule)."""
        from lamina import ops

        dtype = standardize_dtype(dtype)
        if autocast and _is_float(x.dtype) and x.dtype != dtype:
            return ops.cast(x, dtype)
        return x

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return type(other) is type(self) and other._name == self._name

    def __hash__(self):
        return hash((type(self).__name__, self._name))

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self._name}">'


class FloatDTypePolicy(DTypePolicy):
    """Alias kept for Keras compatibility: the same as `DTypePolicy`."""


def _is_float(dtype: str) -> bool:
    return dtype.startswith(("float", "bfloat"))


def _parse(name):
    if name in _MIXED:
        return _MIXED[name], "float32"
    try:
        dtype = standardize_dtype(name)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"DTypePolicy: cannot interpret dtype policy {name!r}. Use a float dtype "
            "('float16', 'float32', 'float64', 'bfloat16') or 'mixed_float16' / "
            "'mixed_bfloat16'."
        ) from err
    return dtype, dtype


def get(identifier):
    """Resolve a policy from a name, a config dict, a policy, or None (the global policy).

    Example:
        >>> get("float64").variable_dtype
        'float64'
    """
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    if hasattr(identifier, "name") and not isinstance(identifier, type):
        return DTypePolicy(standardize_dtype(identifier))  # a NumPy dtype
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except (TypeError, ValueError) as err:
        raise ValueError(f"dtype_policies.get: cannot interpret {identifier!r}.") from err


def serialize(policy) -> dict:
    """The Keras config of a policy: `{"module", "class_name", "config", "registered_name"}`.

    Example:
        >>> serialize(DTypePolicy("float32"))["config"]
        {'name': 'float32'}
    """
    if not isinstance(policy, DTypePolicy):
        raise TypeError(f"dtype_policies.serialize: expected a DTypePolicy, received {policy!r}.")
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": policy.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects=None):
    """Rebuild a policy from `serialize`'s output (or a bare name).

    Example:
        >>> deserialize({"class_name": "DTypePolicy", "config": {"name": "float16"}}).name
        'float16'
    """
    if isinstance(config, str):
        return DTypePolicy(config)
    if not isinstance(config, dict) or "config" not in config:
        raise ValueError(f"dtype_policies.deserialize: expected a policy config, got {config!r}.")
    class_name = config.get("class_name", "DTypePolicy")
    if class_name not in ("DTypePolicy", "FloatDTypePolicy"):
        raise ValueError(
            f"dtype_policies.deserialize: unknown policy class {class_name!r}; lamina has "
            "DTypePolicy and FloatDTypePolicy."
        )
    return DTypePolicy(**config["config"])


def set_dtype_policy(policy) -> None:
    """Set the global dtype policy used by layers created afterwards.

    Example:
        >>> set_dtype_policy("mixed_float16")
        >>> set_dtype_policy("float32")
    """
    global _global_policy
    if isinstance(policy, str):
        policy = DTypePolicy(policy)
    elif not isinstance(policy, DTypePolicy):
        raise ValueError(
            f"set_dtype_policy: expected a policy name or a DTypePolicy, received {policy!r}."
        )
    _global_policy = policy


def dtype_policy() -> DTypePolicy:
    """The global dtype policy (by default: floatx, e.g. `"float32"`).

    Example:
        >>> dtype_policy().name
        'float32'
    """
    if _global_policy is None:
        return DTypePolicy(config.floatx())
    return _global_policy
