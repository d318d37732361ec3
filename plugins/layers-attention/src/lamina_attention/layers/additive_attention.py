"""`AdditiveAttention`: Keras's Bahdanau-style attention over `[query, value, key]`."""

from __future__ import annotations

from lamina import ops
from lamina_attention.layers.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention layer, a.k.a. Bahdanau-style attention.

    Scores are `sum(scale * tanh(query + key), axis=-1)` with a trainable `(dim,)` vector
    `scale` (when `use_scale`); masking, softmax, dropout and the output are as in
    `Attention`.

    Args:
        use_scale: create the trainable `scale` vector (Glorot-uniform initialized).
        dropout: dropout rate on the attention distribution.
        seed: int seed of the dropout.

    Example:
        >>> q, v = ops.ones((2, 3, 4)), ops.ones((2, 5, 4))
        >>> AdditiveAttention()([q, v]).shape
        (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale",
                shape=[input_shape[0][-1]],
                initializer="glorot_uniform",
                dtype=self.dtype,
                trainable=True,
            )

    def _calculate_scores(self, query, key):
        summed = ops.tanh(ops.expand_dims(query, -2) + ops.expand_dims(key, -3))
        if self.scale is not None:
            summed = self.scale * summed
        return ops.sum(summed, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
