"""`GroupedQueryAttention`: Keras's grouped-query attention (several query heads share
each key/value head)."""

from __future__ import annotations

import math

from lamina import constraints, initializers, ops, regularizers
from lamina.layers import Dropout, EinsumDense, Layer
from lamina.layers.symbolic import KerasTensor
from lamina_attention.layers._attend_heads import attend_heads
from lamina_attention.layers._masks import combine_masks, expand_mask


class GroupedQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023).

    `num_query_heads` query heads share `num_key_value_heads` key/value heads (each is
    repeated `num_query_heads // num_key_value_heads` times); the attention itself is the
    fused primitive of `MultiHeadAttention`. Inputs are `(batch, T, dim)` tensors.

    Args:
        head_dim: size of each attention head.
        num_query_heads: number of query heads.
        num_key_value_heads: number of key and value heads; must divide `num_query_heads`.
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        sliding_window: positive int; each query position attends only to keys within
            `sliding_window - 1` positions of itself.
        flash_attention: accepted for Keras compatibility (see `MultiHeadAttention`).
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        use_gate: gate the attention output with `sigmoid(gate(query))`.
        seed: int seed of the dropout.

    Call arguments: as `MultiHeadAttention` (query, value, key, query/value/key masks,
    attention_mask, return_attention_scores, training, use_causal_mask).

    Example:
        >>> layer = GroupedQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> x = ops.ones((2, 6, 8))
        >>> layer(x, x).shape
        (2, 6, 8)
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        for name, value in (
            ("head_dim", head_dim),
            ("num_query_heads", num_query_heads),
            ("num_key_value_heads", num_key_value_heads),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"GroupedQueryAttention: `{name}` must be a positive integer. "
                    f"Received: {name}={value!r}"
                )
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                "GroupedQueryAttention: `num_query_heads` must be divisible by "
                f"`num_key_value_heads`. Received: num_query_heads={num_query_heads}, "
                f"num_key_value_heads={num_key_value_heads}"
            )
        if sliding_window is not None and (
            isinstance(sliding_window, bool)
            or not isinstance(sliding_window, int)
            or sliding_window <= 0
        ):
            raise ValueError(
                "GroupedQueryAttention: `sliding_window` must be `None` or a positive "
                f"integer. Received: sliding_window={sliding_window!r}"
            )
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        self.sliding_window = sliding_window
        self._flash_attention = bool(flash_attention)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        if self._flash_attention and dropout > 0.0:
            raise ValueError(
                "GroupedQueryAttention: dropout is not supported when flash attention is "
                "enabled. Please set dropout to 0.0 to use flash attention."
            )

    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        self._query_dense = self._dense("bqm,muh->bquh", self.num_query_heads, "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._dense(
                "bqm,muh->bquh", self.num_query_heads, "uh", "gate", activation="sigmoid"
            )
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "value")
        self._value_dense.build(value_shape)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy, seed=self.seed)
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm",
            output_shape=(None, self.feature_dim),
            bias_axes="m" if self.use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))
        self.built = True

    def _dense(self, equation, heads, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            output_shape=(None, heads, self.head_dim),
            bias_axes=bias_axes if self.use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )

    def _sublayer_kwargs(self):
        def clone(init):  # fresh instances: a shared seeded one repeats its values
            return init.__class__.from_config(init.get_config())

        return dict(
            kernel_initializer=clone(self.kernel_initializer),
            bias_initializer=clone(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy,
        )

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        if key is None:
            key = value
        self._check_shapes(query, value, key)
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "GroupedQueryAttention: returning attention scores is not supported when "
                "flash attention is enabled. Please disable flash attention to access "
                "attention scores."
            )
        keep = combine_masks(
            query,
            value,
            query_mask,
            value_mask,
            key_mask,
            attention_mask,
            use_causal_mask,
            self.sliding_window,
        )
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)
        key = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        value = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        if keep is not None:
            keep = expand_mask(keep, 4, 1, self)
        drop = None
        if training and self.dropout > 0.0:
            shape = (query.shape[0], self.num_query_heads, query.shape[1], key.shape[1])
            drop = self._dropout_layer(ops.ones(shape, dtype=query.dtype), training=True)
        # As in MultiHeadAttention: Keras's explicit path zeroes fully masked rows.
        explicit = self.dropout > 0.0 or return_attention_scores
        output, scores = attend_heads(
            query, key, value, keep, drop, self._inverse_sqrt_head_dim, (1,), explicit,
            gate, self._output_dense, return_attention_scores,
        )  # fmt: skip
        if return_attention_scores:
            return output, scores
        return output

    def _check_shapes(self, query, value, key):
        self.compute_output_shape(query.shape, value.shape, key.shape)
        if query.ndim != 3 or value.ndim != 3 or key.ndim != 3:
            raise ValueError(
                f"GroupedQueryAttention '{self.name}': query, value and key must be "
                f"(batch, T, dim) tensors; received shapes {tuple(query.shape)}, "
                f"{tuple(value.shape)}, {tuple(key.shape)}."
            )

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                "GroupedQueryAttention: the last dimension of `query_shape` and "
                f"`value_shape` must be equal, but are {query_shape[-1]}, {value_shape[-1]}. "
                f"Received: query_shape={tuple(query_shape)}, "
                f"value_shape={tuple(value_shape)}"
            )
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                "GroupedQueryAttention: all dimensions of `value` and `key`, except the last "
                f"one, must be equal. Received: value_shape={tuple(value_shape)} and "
                f"key_shape={tuple(key_shape)}"
            )
        return tuple(query_shape)

    def compute_output_spec(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        key_shape = None if key is None else key.shape
        shape = self.compute_output_shape(query.shape, value.shape, key_shape)
        output = KerasTensor(shape, dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        kv_len = value.shape[1] if key is None else key.shape[1]
        scores = (query.shape[0], self.num_query_heads, query.shape[1], kv_len)
        return output, KerasTensor(scores, dtype=self.compute_dtype)

    def get_config(self):
        config = {
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
