"""lamina.utils: the `keras.utils` namespace.

Example:
    >>> lamina.utils.set_random_seed(42)
"""

from lamina.trainers.data_adapters.data_adapter_utils import (
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)
from lamina.utils.file_utils import get_file
from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.progbar import Progbar
from lamina.utils.py_dataset import PyDataset, Sequence
from lamina.utils.random_seed import set_random_seed
from lamina.utils.session import clear_session

__all__ = [
    "Progbar",
    "PyDataset",
    "Sequence",
    "clear_session",
    "get_file",
    "normalize",
    "pack_x_y_sample_weight",
    "set_random_seed",
    "to_categorical",
    "unpack_x_y_sample_weight",
]
