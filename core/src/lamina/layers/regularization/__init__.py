"""Regularization layers: Dropout, SpatialDropout1D/2D/3D, GaussianNoise,
GaussianDropout, AlphaDropout, ActivityRegularization.

Example:
    >>> from lamina.layers.regularization import Dropout
    >>> Dropout(0.5)(ops.ones((2, 2))).shape  # inference: the identity
    (2, 2)
"""

from lamina.layers.regularization.activity_regularization import ActivityRegularization
from lamina.layers.regularization.alpha_dropout import AlphaDropout
from lamina.layers.regularization.dropout import Dropout
from lamina.layers.regularization.gaussian_dropout import GaussianDropout
from lamina.layers.regularization.gaussian_noise import GaussianNoise
from lamina.layers.regularization.spatial_dropout import (
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)

__all__ = [
    "ActivityRegularization",
    "AlphaDropout",
    "Dropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]
