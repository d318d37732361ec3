"""Which first-party plugin distribution provides which Keras name.

Consulted only when a name is neither built in nor registered by an installed plugin,
to say what to install. Keep it in step with what each plugin really registers.
"""

from __future__ import annotations

CONV = "lamina-layers-conv"
RNN = "lamina-layers-rnn"
ATTENTION = "lamina-layers-attention"
OPTIM = "lamina-optim"
APPS = "lamina-apps"
DISTRIBUTE = "lamina-distribute"


def _expand(*patterns: str, dims: str = "123") -> list[str]:
    """`"Conv{}D"` -> Conv1D, Conv2D, Conv3D."""
    return [p.format(d) for p in patterns for d in dims]


_CONV_LAYERS = [
    *_expand("Conv{}D", "Conv{}DTranspose", "Convolution{}D", "Convolution{}DTranspose"),
    *_expand("DepthwiseConv{}D", "SeparableConv{}D", "SeparableConvolution{}D", dims="12"),
    *_expand(
        "MaxPooling{}D",
        "MaxPool{}D",
        "AveragePooling{}D",
        "AvgPool{}D",
        "GlobalMaxPooling{}D",
        "GlobalMaxPool{}D",
        "GlobalAveragePooling{}D",
        "GlobalAvgPool{}D",
        "AdaptiveMaxPooling{}D",
        "AdaptiveAveragePooling{}D",
    ),
    *_expand("UpSampling{}D", "ZeroPadding{}D", "Cropping{}D"),
]
_CONV_OPS = [
    "conv",
    "conv_transpose",
    "depthwise_conv",
    "separable_conv",
    "max_pool",
    "average_pool",
    "adaptive_max_pool",
    "adaptive_average_pool",
]
_RNN_LAYERS = [
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "LSTM",
    "LSTMCell",
    "GRU",
    "GRUCell",
    "StackedRNNCells",
    "Bidirectional",
    "TimeDistributed",
    *_expand("ConvLSTM{}D"),
]
_ATTENTION_LAYERS = [
    "AdditiveAttention",
    "Attention",
    "GroupQueryAttention",
    "GroupedQueryAttention",
    "MultiHeadAttention",
]
# Every Keras optimizer but the base class, SGD and LossScaleOptimizer (all three in core);
# Keras also accepts the lower-case names.
_OPTIMIZERS = [
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "MultiOptimizer",
    "Muon",
    "Nadam",
    "OptimizerMap",
    "RMSprop",
    "ScheduleFreeAdamW",
]
_APPLICATIONS = [
    *[f"ConvNeXt{size}" for size in ("Tiny", "Small", "Base", "Large", "XLarge")],
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    *[f"EfficientNetB{i}" for i in range(8)],
    *[f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")],
    "InceptionResNetV2",
    "InceptionV3",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
    "NASNetLarge",
    "NASNetMobile",
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "ResNet50V2",
    "ResNet101V2",
    "ResNet152V2",
    "VGG16",
    "VGG19",
    "Xception",
]
_STRATEGIES = ["OneDeviceStrategy", "MirroredStrategy", "MultiWorkerMirroredStrategy"]

KNOWN_PROVIDERS: dict[str, dict[str, str]] = {
    "layers": {
        **dict.fromkeys(_CONV_LAYERS, CONV),
        **dict.fromkeys(_RNN_LAYERS, RNN),
        **dict.fromkeys(_ATTENTION_LAYERS, ATTENTION),
    },
    "ops": dict.fromkeys(_CONV_OPS, CONV),
    "optimizers": dict.fromkeys([*_OPTIMIZERS, *(n.lower() for n in _OPTIMIZERS)], OPTIM),
    "applications": dict.fromkeys(_APPLICATIONS, APPS),
    "strategies": dict.fromkeys(_STRATEGIES, DISTRIBUTE),
}


def provider_of(kind: str, name: str) -> str | None:
    """The first-party distribution that provides `name` of `kind`, or None."""
    return KNOWN_PROVIDERS.get(kind, {}).get(name)
