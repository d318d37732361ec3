"""`Attention`: Keras's dot-product (Luong-style) attention over `[query, value, key]`."""

from __future__ import annotations

from lamina import ops, random
from lamina.layers import Layer
from lamina.layers.symbolic import KerasTensor

_SCORE_MODES = ("dot", "concat")


class Attention(Layer):
    """Dot-product attention layer, a.k.a. Luong-style attention.

    Scores `(batch, Tq, Tv)` are `query @ key^T` ("dot", times a trainable scalar `scale`
    if `use_scale`) or `concat_score_weight * sum(tanh(scale * (q + k)))` ("concat");
    masked keys get `score - 1e9`, then `softmax(scores) @ value`; positions where the
    query mask is False output 0.

    Args:
        use_scale: create a trainable scalar `scale` for the scores.
        score_mode: `"dot"` or `"concat"`.
        dropout: dropout rate on the attention distribution.
        seed: int seed of the dropout.

    Call arguments:
        inputs: `[query, value]` or `[query, value, key]`, `(batch, T, dim)` tensors.
        mask: `[query_mask, value_mask]` (taken from the inputs' Keras masks).
        training: apply dropout.
        return_attention_scores: also return the `(batch, Tq, Tv)` distribution.
        use_causal_mask: position `i` attends only to positions `j <= i`.

    Example:
        >>> q, v = ops.ones((2, 3, 4)), ops.ones((2, 5, 4))
        >>> Attention()([q, v]).shape
        (2, 3, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if self.dropout > 0:
            self.seed_generator = random.SeedGenerator(seed=seed)
        if self.score_mode not in _SCORE_MODES:
            raise ValueError(
                f"{type(self).__name__}: invalid value for argument score_mode. Expected one "
                f"of {{'dot', 'concat'}}. Received: score_mode={score_mode!r}"
            )
        self.supports_masking = True

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(), initializer="ones", dtype=self.dtype, trainable=True
            )
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight",
                shape=(),
                initializer="ones",
                dtype=self.dtype,
                trainable=True,
            )

    def _calculate_scores(self, query, key):
        """`(batch, Tq, Tv)` scores of `query` against `key`."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores if self.scale is None else ops.multiply(scores, self.scale)
        summed = ops.expand_dims(query, -2) + ops.expand_dims(key, -3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * ops.sum(ops.tanh(summed), axis=-1)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """`(softmax(masked scores) @ value, distribution)`; masked scores get -1e9."""
        if scores_mask is not None:
            padding = ops.logical_not(scores_mask)
            if padding.ndim == 2:
                padding = ops.expand_dims(padding, -2)
            big = 65504.0 if scores.dtype == "float16" else 1.0e9
            scores = ops.where(padding, scores - big, scores)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        return ops.matmul(weights, value), weights

    def _score_mask(self, scores, value_mask, use_causal_mask):
        if not use_causal_mask:
            return value_mask
        t, s = scores.shape[-2], scores.shape[-1]
        causal = ops.greater_equal(
            ops.reshape(ops.arange(t), (1, t, 1)), ops.reshape(ops.arange(s), (1, 1, s))
        )
        if value_mask is None:
            return causal
        return ops.logical_and(ops.expand_dims(value_mask, -2), causal)

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores=False,
        use_causal_mask=False,
    ):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        self._check_shapes(query, value, key)
        scores = self._calculate_scores(query, key)
        scores_mask = self._score_mask(scores, value_mask, use_causal_mask)
        output, distribution = self._apply_scores(scores, value, scores_mask, training)
        if query_mask is not None:
            output = ops.where(ops.expand_dims(query_mask, -1), output, 0)
        if return_attention_scores:
            return output, distribution
        return output

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], input_shape[1][-1])

    def compute_output_spec(
        self,
        inputs,
        mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        output = KerasTensor(self.compute_output_shape([query.shape, value.shape]))
        if not return_attention_scores:
            return output
        return output, KerasTensor((*query.shape[:-1], key.shape[-2]), self.compute_dtype)

    def _check_shapes(self, query, value, key):
        name = type(self).__name__
        if query.ndim < 2 or value.ndim < 2 or key.ndim < 2:
            raise ValueError(
                f"{name}: query, value and key must have shape (batch, T, dim); received "
                f"shapes {tuple(query.shape)}, {tuple(value.shape)}, {tuple(key.shape)}."
            )
        if key.shape[-2] != value.shape[-2] or (
            self.score_mode == "dot" and query.shape[-1] != key.shape[-1]
        ):
            raise ValueError(
                f"{name}: key must have value's length (Tv) and, for dot scores, the "
                f"query's depth; received query {tuple(query.shape)}, value "
                f"{tuple(value.shape)}, key {tuple(key.shape)}."
            )

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely [query, value] "
                f"or [query, value, key]. Received: inputs={inputs}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] "
                f"or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, list):
                raise ValueError(
                    f"{name} layer mask must be a list, namely [query_mask, value_mask]. "
                    f"Received: mask={mask}."
                )
            if not 2 <= len(mask) <= 3:
                raise ValueError(
                    f"{name} layer accepts mask list of length 2 or 3. Received: mask={mask}."
                )

    def get_config(self):
        config = {
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
