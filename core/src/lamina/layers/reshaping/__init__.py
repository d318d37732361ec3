"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector."""

from lamina.layers.reshaping.flatten import Flatten
from lamina.layers.reshaping.permute import Permute
from lamina.layers.reshaping.repeat_vector import RepeatVector
from lamina.layers.reshaping.reshape import Reshape

__all__ = ["Flatten", "Permute", "Reshape", "RepeatVector"]
