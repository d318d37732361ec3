"""The layers of lamina-layers-conv: convolution, pooling and spatial reshaping.

Registered as `lamina.layers.<Name>` by the plugin module; users never import this.
"""

from lamina_conv.layers import convolutional as _convolutional
from lamina_conv.layers import pooling as _pooling
from lamina_conv.layers import reshaping as _reshaping
from lamina_conv.layers.convolutional import *
from lamina_conv.layers.pooling import *
from lamina_conv.layers.reshaping import *

__all__ = [*_convolutional.__all__, *_pooling.__all__, *_reshaping.__all__]
