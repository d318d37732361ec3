"""Fused whole-sequence recurrent primitives (internal to lamina-layers-rnn)."""

from lamina_rnn.ops.gru_sequence import gru_sequence
from lamina_rnn.ops.lstm_sequence import lstm_sequence

__all__ = ["gru_sequence", "lstm_sequence"]
