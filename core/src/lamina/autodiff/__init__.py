"""lamina.autodiff: Tensor, Variable, primitives and reverse-mode GradientTape."""

from lamina.autodiff.graph import Node, is_recording
from lamina.autodiff.primitive import primitive, unwrap
from lamina.autodiff.tape import GradientTape, UnconnectedGradients
from lamina.autodiff.tensor import Tensor
from lamina.autodiff.variable import Variable

__all__ = [
    "GradientTape",
    "Node",
    "Tensor",
    "UnconnectedGradients",
    "Variable",
    "is_recording",
    "primitive",
    "unwrap",
]
