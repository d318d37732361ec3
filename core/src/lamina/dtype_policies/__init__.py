"""lamina.dtype_policies: a layer's compute and variable dtypes, as in `keras.dtype_policies`.

Example:
    >>> from lamina import dtype_policies
    >>> dtype_policies.get("mixed_float16").compute_dtype
    'float16'
"""

from lamina.dtype_policies.dtype_policy import (
    DTypePolicy,
    FloatDTypePolicy,
    deserialize,
    dtype_policy,
    get,
    serialize,
    set_dtype_policy,
)

__all__ = [
    "DTypePolicy",
    "FloatDTypePolicy",
    "deserialize",
    "dtype_policy",
    "get",
    "serialize",
    "set_dtype_policy",
]
