"""lamina.backend: devices, array namespaces, kernels and numeric config.

Nothing here knows about tensors, layers or models.
"""

from lamina.backend.allocator import keep_freed_memory
from lamina.backend.arrays import (
    asarray,
    is_array,
    is_float_dtype,
    namespace,
    standardize_dtype,
    to_numpy,
)
from lamina.backend.config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
)
from lamina.backend.device import (
    Device,
    DeviceUnavailableError,
    device,
    get_device,
    is_gpu_available,
    parse_device,
    set_device,
)
from lamina.backend.kernels import kernels_for

keep_freed_memory()

__all__ = [
    "Device",
    "DeviceUnavailableError",
    "asarray",
    "device",
    "epsilon",
    "floatx",
    "get_device",
    "image_data_format",
    "is_array",
    "is_float_dtype",
    "is_gpu_available",
    "kernels_for",
    "namespace",
    "parse_device",
    "set_device",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_data_format",
    "standardize_dtype",
    "to_numpy",
]
