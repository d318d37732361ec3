"""`ConvLSTM2D`: the 2D convolutional LSTM layer."""

from __future__ import annotations

from lamina_rnn.layers.conv_lstm import ConvLSTM, constructor_arguments

__all__ = ["ConvLSTM2D"]


class ConvLSTM2D(ConvLSTM):
    """2D convolutional LSTM: an LSTM whose input and recurrent transformations are
    2D convolutions (gates i, f, c, o, as Keras).

    Inputs are `(batch, time, rows, cols, channels)` ("channels_last") or
    `(batch, time, channels, rows, cols)` ("channels_first").

    Args:
        filters: the number of output channels.
        kernel_size: an int or 2 ints.
        strides: an int or 2 ints; > 1 is incompatible with `dilation_rate` > 1.
        padding: "valid" or "same" (case-insensitive).
        data_format: "channels_last" or "channels_first"; None uses
            `lamina.config.image_data_format()`.
        dilation_rate: an int or 2 ints.
        activation: the cell and output activation (default tanh).
        recurrent_activation: the gates' activation (default sigmoid).
        use_bias: whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: initializers.
        unit_forget_bias: add 1 to the forget gate's bias at initialization.
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        activity_regularizer: regularizers.
        kernel_constraint, recurrent_constraint, bias_constraint: constraints.
        dropout: fraction of the inputs dropped (one mask per gate, per sequence).
        recurrent_dropout: fraction of the recurrent state dropped.
        seed: the dropout seed.
        return_sequences: return every step's output, not only the last one.
        return_state: also return the last states `h` and `c`.
        go_backwards: process the sequence backwards.
        stateful: carry the last states of a batch over to the next batch.

    Call arguments:
        sequences: the input sequences.
        initial_state: `[h, c]`, each of the output step's shape.
        mask: a boolean `(batch, time)` mask.
        training: whether dropout is active.

    Example:
        >>> layer = ConvLSTM2D(4, 3, padding="same", return_sequences=True)
        >>> layer(np.ones((2, 5, 8, 8, 3), "float32")).shape
        (2, 5, 8, 8, 4)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        **kwargs,
    ):
        super().__init__(rank=2, **constructor_arguments(locals()))
