"""lamina.mixed_precision: the `keras.mixed_precision` namespace.

Dtype policies live in `lamina.dtype_policies`; this module gives them their
`keras.mixed_precision` names (`Policy`, `set_global_policy`, `global_policy`) and
exports `LossScaleOptimizer`.

Example:
    >>> lamina.mixed_precision.set_global_policy("mixed_float16")
    >>> lamina.mixed_precision.global_policy().compute_dtype
    'float16'
    >>> lamina.mixed_precision.set_global_policy("float32")
"""

from lamina.dtype_policies import DTypePolicy, dtype_policy, set_dtype_policy
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer

Policy = DTypePolicy
global_policy = dtype_policy
set_global_policy = set_dtype_policy

__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
