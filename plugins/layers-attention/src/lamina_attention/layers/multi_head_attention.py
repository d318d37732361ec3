"""`MultiHeadAttention`: Keras's multi-head (scaled dot-product) attention layer."""

from __future__ import annotations

import math

from lamina import constraints, initializers, ops, regularizers
from lamina.layers import Dropout, EinsumDense, Layer
from lamina.layers.symbolic import KerasTensor
from lamina_attention.attention_core import scores_shape
from lamina_attention.layers._attend_heads import attend_heads
from lamina_attention.layers._equations import partial_output_shape, projection_equation
from lamina_attention.layers._masks import combine_masks, expand_mask


def _check_positive_int(name, value, allow_none=False):
    if allow_none and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        expected = "a positive integer or `None`" if allow_none else "a positive integer"
        raise ValueError(
            f"MultiHeadAttention: received an invalid value for argument `{name}`, "
            f"expected {expected}. Received: {name}={value!r}"
        )


class MultiHeadAttention(Layer):
    """Multi-head attention ("Attention is all you need", Vaswani et al., 2017).

    `query`, `key` and `value` are projected to `num_heads` heads by `EinsumDense` layers
    (`query`, `key`, `value`), attended with `softmax(q k^T / sqrt(key_dim)) v` over the
    attention axes, and projected back by `attention_output`. The attention itself is one
    fused primitive (scores, mask, softmax, dropout, weighted sum) with its own backward.

    Args:
        num_heads: number of attention heads.
        key_dim: size of each head for query and key.
        value_dim: size of each head for value; defaults to `key_dim`.
        dropout: dropout rate on the attention probabilities.
        use_bias: whether the projections have biases.
        output_shape: shape of the output's last axes (int or tuple); defaults to the
            query's last dimension.
        attention_axes: axes attention runs over; None means every axis but batch,
            heads and features.
        sliding_window: positive int; each query position attends only to keys within
            `sliding_window - 1` positions of itself.
        flash_attention: accepted for Keras compatibility; True refuses `dropout > 0`
            and `return_attention_scores` as Keras does.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
        use_gate: gate the attention output with `sigmoid(gate(query))` (gated attention).
        seed: int seed of the dropout.

    Call arguments:
        query: `(B, T, dim)` (or `(B, <dims>, dim)`) tensor.
        value: `(B, S, dim)` tensor.
        key: optional `(B, S, dim)` tensor; defaults to `value`.
        query_mask, value_mask, key_mask: `(B, T)` / `(B, S)` masks; taken from the
            inputs' Keras masks when not given (the query's always comes from `query`).
        attention_mask: boolean `(B, T, S)` mask; False positions get no attention.
        return_attention_scores: also return the `(B, heads, T, S)` probabilities.
        training: apply dropout.
        use_causal_mask: each position attends only to itself and earlier ones.

    Example:
        >>> layer = MultiHeadAttention(num_heads=2, key_dim=4)
        >>> x = ops.ones((3, 8, 16))
        >>> out, scores = layer(x, x, return_attention_scores=True)
        >>> out.shape, scores.shape
        ((3, 8, 16), (3, 2, 8, 8))
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
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
        _check_positive_int("num_heads", num_heads)
        _check_positive_int("key_dim", key_dim)
        _check_positive_int("value_dim", value_dim, allow_none=True)
        _check_positive_int("sliding_window", sliding_window, allow_none=True)
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(
                f"MultiHeadAttention: `dropout` must be in [0, 1). Received: dropout={dropout}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        self._output_shape = _standardize_output_shape(output_shape)
        self._flash_attention = bool(flash_attention)
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "MultiHeadAttention: `attention_axes` must be an int, list, or tuple. "
                f"Received: attention_axes={attention_axes!r}"
            )
        self._attention_axes = tuple(attention_axes) if attention_axes is not None else None
        self._sliding_window = sliding_window
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        if self._flash_attention and dropout > 0.0:
            raise ValueError(
                "MultiHeadAttention: dropout is not supported when flash attention is "
                "enabled. Please set dropout to 0.0 to use flash attention."
            )

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    # ------------------------------------------------------------------ build
    def build(self, query_shape, value_shape, key_shape=None):
        key_shape = value_shape if key_shape is None else key_shape
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) < 3:
                raise ValueError(
                    f"MultiHeadAttention: `{name}` must have rank >= 3 (batch, <positions>, "
                    f"features); received shape {tuple(shape)}. Add a positions axis, e.g. "
                    "with `ops.expand_dims(x, 1)`."
                )
        _check_key_value(value_shape, key_shape)
        self._query_dense = self._projection(query_shape, self._key_dim, "query")
        self._key_dense = self._projection(key_shape, self._key_dim, "key")
        if self._use_gate:
            self._gate_dense = self._projection(
                query_shape, self._value_dim, "gate", activation="sigmoid"
            )
        self._value_dense = self._projection(value_shape, self._value_dim, "value")
        self._set_attention_axes(len(value_shape) + 1)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy, seed=self.seed)
        self._output_dense = self._make_output_dense(query_shape)
        head_shape = list(self._query_dense.compute_output_shape(query_shape))
        head_shape[-1] = self._value_dim
        self._output_dense.build(tuple(head_shape))
        self.built = True

    def _sublayer_kwargs(self):
        # Fresh initializer instances per projection: a shared seeded initializer would
        # give every kernel the same values.
        def clone(init):
            return init.__class__.from_config(init.get_config())

        return dict(
            kernel_initializer=clone(self._kernel_initializer),
            bias_initializer=clone(self._bias_initializer),
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self.dtype_policy,
        )

    def _projection(self, input_shape, depth, name, activation=None):
        equation, bias_axes, output_rank = projection_equation(len(input_shape) - 1, 1, 2)
        layer = EinsumDense(
            equation,
            output_shape=partial_output_shape(output_rank - 1, [self._num_heads, depth]),
            bias_axes=bias_axes if self._use_bias else None,
            activation=activation,
            name=name,
            **self._sublayer_kwargs(),
        )
        layer.build(tuple(input_shape))
        return layer

    def _make_output_dense(self, query_shape):
        output_shape = self._output_shape or [query_shape[-1]]
        equation, bias_axes, output_rank = projection_equation(
            len(query_shape) - 1, 2, len(output_shape)
        )
        return EinsumDense(
            equation,
            output_shape=partial_output_shape(output_rank - 1, output_shape),
            bias_axes=bias_axes if self._use_bias else None,
            name="attention_output",
            **self._sublayer_kwargs(),
        )

    def _set_attention_axes(self, rank):
        """Normalize `attention_axes` for projected tensors of `rank` (Keras keeps the
        normalized tuple, which `get_config` then reports)."""
        if self._attention_axes is None:
            axes = tuple(range(1, rank - 2))
        else:
            axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        if not axes or any(not 1 <= a < rank - 2 for a in axes) or len(set(axes)) != len(axes):
            raise ValueError(
                f"MultiHeadAttention: `attention_axes` must be distinct axes of the inputs "
                f"other than the batch (0) and feature (-1) axes, i.e. in [1, {rank - 3}] "
                f"for rank-{rank - 1} inputs. Received: attention_axes={self._attention_axes}"
            )
        self._attention_axes = axes

    # ------------------------------------------------------------------- call
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
        self._check_call_shapes(query, value, key)
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                "MultiHeadAttention: returning attention scores is not supported when flash "
                "attention is enabled. Please disable flash attention to access attention "
                "scores."
            )
        # Keras reads the query's mask from the tensor itself, not from `query_mask`, and
        # detaches the inputs' masks: they are consumed here, not by the projections.
        query_mask = getattr(query, "_keras_mask", None)
        for x in (query, value, key):
            if getattr(x, "_keras_mask", None) is not None:
                x._keras_mask = None
        keep = combine_masks(
            query,
            value,
            query_mask,
            value_mask,
            key_mask,
            attention_mask,
            use_causal_mask,
            self._sliding_window,
        )
        gate = self._gate_dense(query) if self._use_gate else None
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        if keep is not None:
            n_axes = len(self._attention_axes)
            keep = expand_mask(keep, query.ndim - 1 + n_axes, n_axes, self)
        drop = None
        if training and self._dropout > 0.0:
            shape = scores_shape(query.shape, key.shape, self._attention_axes)
            drop = self._dropout_layer(ops.ones(shape, dtype=query.dtype), training=True)
        # Keras runs a fused kernel (fully masked rows attend uniformly) unless it needs the
        # explicit einsum + Softmax path (fully masked rows attend nowhere).
        explicit = self._dropout > 0.0 or return_attention_scores or query.ndim != 4
        scale, axes = self._inverse_sqrt_key_dim, self._attention_axes
        output, scores = attend_heads(
            query, key, value, keep, drop, scale, axes, explicit,
            gate, self._output_dense, return_attention_scores,
        )  # fmt: skip
        if query_mask is not None:
            output._keras_mask = query_mask
        if return_attention_scores:
            return output, scores
        return output

    def _check_call_shapes(self, query, value, key):
        for name, x, dense in (
            ("query", query, self._query_dense),
            ("value", value, self._value_dense),
            ("key", key, self._key_dense),
        ):
            expected = dense.kernel.shape[0]
            if x.ndim < 3 or x.shape[-1] != expected:
                raise ValueError(
                    f"MultiHeadAttention '{self.name}': `{name}` must have rank >= 3 and "
                    f"{expected} features in its last axis (the layer was built for that); "
                    f"received shape {tuple(x.shape)}."
                )
        _check_key_value(value.shape, key.shape)
        if query.shape[0] != value.shape[0]:
            raise ValueError(
                f"MultiHeadAttention '{self.name}': `query` and `value` must have the same "
                f"batch size; received shapes {tuple(query.shape)} and {tuple(value.shape)}."
            )

    # ---------------------------------------------------------------- shapes
    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape = tuple(query_shape)
        key_shape = tuple(value_shape) if key_shape is None else tuple(key_shape)
        _check_key_value(tuple(value_shape), key_shape)
        if self._output_shape:
            return query_shape[:-1] + self._output_shape
        return query_shape

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
        axes = self._attention_axes
        projected_q = (*query.shape[:-1], self._num_heads, self._key_dim)
        projected_k = (*value.shape[:-1], self._num_heads, self._key_dim)
        scores = KerasTensor(scores_shape(projected_q, projected_k, axes), self.compute_dtype)
        return output, scores

    # ---------------------------------------------------------------- config
    def get_config(self):
        config = {
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


def _standardize_output_shape(output_shape):
    if not output_shape:
        return None
    if isinstance(output_shape, int):
        return (output_shape,)
    try:
        return tuple(output_shape)
    except TypeError:
        raise ValueError(
            f"MultiHeadAttention: invalid `output_shape`: {output_shape!r}. When specified, "
            "the `output_shape` should be of type tuple, list, or int."
        ) from None


def _check_key_value(value_shape, key_shape):
    if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
        raise ValueError(
            "MultiHeadAttention: all dimensions of `value` and `key`, except the last one, "
            f"must be equal. Received: value_shape={tuple(value_shape)} and "
            f"key_shape={tuple(key_shape)}"
        )
