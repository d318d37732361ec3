"""lamina.config: global settings, as in `keras.config`."""

from lamina.backend.config import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from lamina.backend.device import get_device, set_device
from lamina.dtype_policies import dtype_policy, set_dtype_policy

__all__ = [
    "dtype_policy",
    "epsilon",
    "floatx",
    "get_device",
    "image_data_format",
    "set_device",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
