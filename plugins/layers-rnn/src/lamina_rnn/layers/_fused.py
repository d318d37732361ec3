"""When LSTM and GRU may run a whole sequence as one fused primitive."""

from __future__ import annotations

from lamina import activations, ops


def can_fuse(layer, mask) -> bool:
    """Default activations, no recurrent dropout, no zero-output masking, plain states."""
    cell = layer.cell
    return (
        cell.activation is activations.tanh
        and cell.recurrent_activation is activations.sigmoid
        and not cell.recurrent_dropout
        and not (mask is not None and layer.zero_output_for_mask)
    )


def dropped_sequences(cell, sequences, training):
    """The sequences with the cell's input dropout mask (one per sequence) applied."""
    if not (training and 0.0 < cell.dropout < 1.0):
        return sequences
    dp_mask = cell.get_dropout_mask(sequences[:, 0, :])
    return sequences * ops.expand_dims(dp_mask, axis=1)
