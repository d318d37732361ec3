"""lamina.ops: the `keras.ops` namespace, differentiable through GradientTape.

Example:
    >>> from lamina import ops
    >>> ops.sum(ops.square(ops.arange(4.0)))
"""

from lamina.ops import tensor_methods as _tensor_methods
from lamina.ops.comparison import *  # noqa: F403
from lamina.ops.contraction import *  # noqa: F403
from lamina.ops.core import *  # noqa: F403
from lamina.ops.elementwise_binary import *  # noqa: F403
from lamina.ops.elementwise_unary import *  # noqa: F403
from lamina.ops.indexing import *  # noqa: F403
from lamina.ops.reduction import *  # noqa: F403
from lamina.ops.shape import *  # noqa: F403

_tensor_methods.bind()
