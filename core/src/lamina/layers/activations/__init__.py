"""Activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax.

Example:
    >>> from lamina.layers.activations import ReLU
    >>> ReLU()(ops.convert_to_tensor([-1.0, 1.0])).numpy()
    array([0., 1.], dtype=float32)
"""

from lamina.layers.activations.activation import Activation
from lamina.layers.activations.elu import ELU
from lamina.layers.activations.leaky_relu import LeakyReLU
from lamina.layers.activations.prelu import PReLU
from lamina.layers.activations.relu import ReLU
from lamina.layers.activations.softmax import Softmax

__all__ = ["ELU", "Activation", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
