"""`Dense`: the densely connected layer, `activation(inputs @ kernel + bias)`."""

from __future__ import annotations

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.core._fused_dense import dense_forward
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

_FUSED_NAMES = ("linear", "relu", "sigmoid", "tanh", "softmax")
_fused = {}


def _fused_name(activation):
    """The fused kernel's name for one of lamina's stock activations, else None."""
    if not _fused:
        _fused.update({id(getattr(activations, n)): n for n in _FUSED_NAMES})
    return _fused.get(id(activation))


class Dense(Layer):
    """Densely connected layer: `activation(dot(inputs, kernel) + bias)`.

    Inputs of rank > 2 are contracted along their last axis. The common
    activations (linear, relu, sigmoid, tanh, softmax) run fused with the matmul
    and bias as a single differentiable primitive.

    Args:
        units: positive int, the output size.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: initializers for the weights.
        kernel_regularizer, bias_regularizer, activity_regularizer: regularizers.
        kernel_constraint, bias_constraint: constraints.
        lora_rank, lora_alpha, quantization_config: accepted for Keras's
            signature; LoRA and quantization are not supported (must be None).

    Example:
        >>> layer = Dense(4, activation="relu")
        >>> layer(ops.ones((2, 3))).shape
        (2, 4)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                "Dense: received an invalid value for `units`, expected a positive "
                f"integer. Received: units={units}"
            )
        if lora_rank or quantization_config is not None:
            raise ValueError(
                "Dense: LoRA (`lora_rank`) and `quantization_config` are not supported "
                f"by lamina. Received: lora_rank={lora_rank}, "
                f"quantization_config={quantization_config}."
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.quantization_config = quantization_config
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs, training=None):
        kernel, bias = self.kernel, self.bias
        name = _fused_name(self.activation)
        if name is not None:
            return dense_forward(inputs, kernel, bias, name)
        x = dense_forward(inputs, kernel, bias, "linear")
        return self.activation(x)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }
        return {**base_config, **config}
