"""`Embedding`: turns non-negative integer indices into dense vectors."""

from __future__ import annotations

import warnings

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.layer import Layer


class Embedding(Layer):
    """Looks up rows of an `(input_dim, output_dim)` embedding matrix.

    Args:
        input_dim: vocabulary size (largest index + 1), a positive int.
        output_dim: size of each vector, a positive int.
        embeddings_initializer: default `"uniform"` (RandomUniform(-0.05, 0.05)).
        embeddings_regularizer, embeddings_constraint: for the matrix.
        mask_zero: whether index 0 is padding; the output mask is then `inputs != 0`.
        weights: optional initial `[matrix]` (or the matrix itself).
        lora_rank, lora_alpha, quantization_config: accepted for Keras's
            signature; not supported (must be None).

    Example:
        >>> layer = Embedding(10, 3, mask_zero=True)
        >>> y = layer(ops.convert_to_tensor([[1, 2, 0]]))
        >>> y.shape, y._keras_mask.numpy().tolist()
        ((1, 3, 3), [[True, True, False]])
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"Embedding: `{arg}` must be a positive integer. Received: "
                    f"{arg}={value} (of type {type(value).__name__})."
                )
        if lora_rank or quantization_config is not None:
            raise ValueError(
                "Embedding: LoRA (`lora_rank`) and `quantization_config` are not supported "
                f"by lamina. Received: lora_rank={lora_rank}, "
                f"quantization_config={quantization_config}."
            )
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        # Indices must not be cast to the compute dtype; the output is cast in call().
        self.autocast = False
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.quantization_config = quantization_config
        if weights is not None:
            self.build()
            self.set_weights(weights if isinstance(weights, list) else [weights])

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            name="embeddings",
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
            trainable=True,
        )
        self.built = True

    def call(self, inputs):
        if inputs.dtype not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings, inputs, axis=0)
        return ops.cast(outputs, dtype=self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
        return {**base_config, **config}
