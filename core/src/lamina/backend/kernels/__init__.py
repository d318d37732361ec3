"""Kernels outside the array API standard, one module per array library.

Generic code calls `kernels_for(xp)` and uses the returned module's
functions: `scatter_add`, `sliding_window_view`, `einsum`, `pad`, `erf`.
"""

import numpy as np


def kernels_for(xp):
    """Return the kernel module matching the array module `xp`."""
    if xp is np:
        from lamina.backend.kernels import numpy_kernels

        return numpy_kernels
    from lamina.backend.kernels import cupy_kernels

    return cupy_kernels
