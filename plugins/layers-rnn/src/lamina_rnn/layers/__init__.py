"""The layers of lamina-layers-rnn: recurrent cells and layers, and their wrappers.

Registered as `lamina.layers.<Name>` by the plugin module; users never import this.
Each module below lists its public classes in its own `__all__`; one import per module.
"""

from lamina_rnn.layers import bidirectional as _bidirectional
from lamina_rnn.layers import conv_lstm1d as _conv_lstm1d
from lamina_rnn.layers import conv_lstm2d as _conv_lstm2d
from lamina_rnn.layers import conv_lstm3d as _conv_lstm3d
from lamina_rnn.layers import gru as _gru
from lamina_rnn.layers import lstm as _lstm
from lamina_rnn.layers import rnn as _rnn
from lamina_rnn.layers import simple_rnn as _simple_rnn
from lamina_rnn.layers import stacked_rnn_cells as _stacked_rnn_cells
from lamina_rnn.layers import time_distributed as _time_distributed
from lamina_rnn.layers.bidirectional import *
from lamina_rnn.layers.conv_lstm1d import *
from lamina_rnn.layers.conv_lstm2d import *
from lamina_rnn.layers.conv_lstm3d import *
from lamina_rnn.layers.gru import *
from lamina_rnn.layers.lstm import *
from lamina_rnn.layers.rnn import *
from lamina_rnn.layers.simple_rnn import *
from lamina_rnn.layers.stacked_rnn_cells import *
from lamina_rnn.layers.time_distributed import *

__all__ = [
    *_bidirectional.__all__,
    *_conv_lstm1d.__all__,
    *_conv_lstm2d.__all__,
    *_conv_lstm3d.__all__,
    *_gru.__all__,
    *_lstm.__all__,
    *_rnn.__all__,
    *_simple_rnn.__all__,
    *_stacked_rnn_cells.__all__,
    *_time_distributed.__all__,
]
