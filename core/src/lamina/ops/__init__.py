"""lamina.ops: the `keras.ops` namespace, differentiable through GradientTape.

Each module holds one family of primitives; this namespace re-exports them all.

Example:
    >>> from lamina import ops
    >>> ops.sum(ops.square(ops.arange(4.0)))
"""

from lamina.ops import tensor_methods as _tensor_methods
from lamina.ops.bitwise import *
from lamina.ops.comparison import *
from lamina.ops.contraction import *
from lamina.ops.contraction_einsum import *
from lamina.ops.control_flow import *
from lamina.ops.core import *
from lamina.ops.creation import *
from lamina.ops.cumulative import *
from lamina.ops.custom_gradients import *
from lamina.ops.diagonals import *
from lamina.ops.differences import *
from lamina.ops.einops import *
from lamina.ops.elementwise_binary import *
from lamina.ops.elementwise_binary_math import *
from lamina.ops.elementwise_complex import *
from lamina.ops.elementwise_extrema import *
from lamina.ops.elementwise_special import *
from lamina.ops.elementwise_trig import *
from lamina.ops.elementwise_unary import *
from lamina.ops.folding import *
from lamina.ops.forward_mode import *
from lamina.ops.indexing import *
from lamina.ops.joining import *
from lamina.ops.linalg import *
from lamina.ops.linalg_decompositions import *
from lamina.ops.linalg_norms import *
from lamina.ops.linalg_solve import *
from lamina.ops.math import *
from lamina.ops.nn import *
from lamina.ops.order_stats import *
from lamina.ops.padding import *
from lamina.ops.pairwise import *
from lamina.ops.reduction import *
from lamina.ops.reduction_nan import *
from lamina.ops.scans import *
from lamina.ops.scattering import *
from lamina.ops.searching import *
from lamina.ops.sequences import *
from lamina.ops.shape import *
from lamina.ops.signal import *
from lamina.ops.sorting import *
from lamina.ops.splitting import *
from lamina.ops.views import *
from lamina.ops.windows import *

_tensor_methods.bind()

from lamina.ops import numpy  # the `keras.ops.numpy` namespace
from lamina.plugins import module_getattr as _module_getattr

# Ops contributed by plugins (`lamina.ops.conv` from lamina-layers-conv) resolve here.
__getattr__ = _module_getattr("ops", __name__)
