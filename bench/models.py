"""The workload models, written once against the Keras API.

The same code builds the model for lamina (`import lamina as keras`), Keras 3 on JAX and
Keras 3 on TensorFlow: that lamina runs it unchanged is part of what is measured.
"""

from __future__ import annotations

from types import ModuleType

from bench.workloads import VOCAB, W3_SEQUENCE, W4_SEQUENCE


def build(keras: ModuleType, name: str):
    """`(model, loss)` of workload `name` in the Keras-API module (loss None: predict-only)."""
    layers = keras.layers
    if name == "W1_mlp":
        inputs = keras.Input((784,))
        x = layers.Dense(512, activation="relu")(inputs)
        x = layers.Dense(512, activation="relu")(x)
        outputs = layers.Dense(10, activation="softmax")(x)
        return keras.Model(inputs, outputs), keras.losses.SparseCategoricalCrossentropy()
    if name == "W2_cnn":
        inputs = keras.Input((32, 32, 3))
        x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
        x = layers.Conv2D(32, 3, activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
        x = layers.Conv2D(64, 3, activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Flatten()(x)
        x = layers.Dense(512, activation="relu")(x)
        outputs = layers.Dense(10)(x)
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return keras.Model(inputs, outputs), loss
    if name == "W3_lstm":
        inputs = keras.Input((W3_SEQUENCE,), dtype="int32")
        x = layers.Embedding(VOCAB, 128)(inputs)
        x = layers.LSTM(128)(x)
        outputs = layers.Dense(1, activation="sigmoid")(x)
        return keras.Model(inputs, outputs), keras.losses.BinaryCrossentropy()
    if name == "W4_transformer":
        inputs = keras.Input((W4_SEQUENCE,), dtype="int32")
        x = _token_and_position_embedding(keras)(inputs)
        attention = layers.MultiHeadAttention(num_heads=4, key_dim=32)(x, x)
        x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attention]))
        f = layers.Dense(128)(layers.Dense(256, activation="relu")(x))
        x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, f]))
        x = layers.GlobalAveragePooling1D()(x)
        outputs = layers.Dense(2, activation="softmax")(x)
        return keras.Model(inputs, outputs), keras.losses.SparseCategoricalCrossentropy()
    if name == "W5a_mobilenetv2":
        return keras.applications.MobileNetV2(
            input_shape=(224, 224, 3), alpha=1.0, weights=None
        ), None
    if name == "W5b_resnet50":
        return keras.applications.ResNet50(input_shape=(224, 224, 3), weights=None), None
    raise ValueError(f"build: unknown workload {name!r}")


def _token_and_position_embedding(keras: ModuleType):
    """The Keras example's token + learned position embedding, as a custom layer."""

    class TokenAndPositionEmbedding(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.token_embedding = keras.layers.Embedding(VOCAB, 128)
            self.position_embedding = keras.layers.Embedding(W4_SEQUENCE, 128)

        def call(self, x):
            positions = keras.ops.arange(0, keras.ops.shape(x)[-1], 1)
            return self.token_embedding(x) + self.position_embedding(positions)

    return TokenAndPositionEmbedding()
