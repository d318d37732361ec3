"""Spatial reshaping layers: UpSampling, ZeroPadding and Cropping in 1D, 2D and 3D."""

from lamina_conv.layers.reshaping.cropping import Cropping1D, Cropping2D, Cropping3D
from lamina_conv.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D, UpSampling3D
from lamina_conv.layers.reshaping.zero_padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D

__all__ = [
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
]
