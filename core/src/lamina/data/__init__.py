"""lamina.data: `Dataset`, the `tf.data` API that Keras training code uses, on NumPy.

Example:
    >>> ds = lamina.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)
    >>> ds = ds.prefetch(lamina.data.AUTOTUNE)
"""

from lamina.data.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from lamina.data.structure import TensorSpec

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "TensorSpec"]
