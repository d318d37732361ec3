"""`EinsumDense`: a dense layer whose contraction is an einsum equation."""

from __future__ import annotations

import re

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class EinsumDense(Layer):
    """A layer computing `activation(einsum(equation, inputs, kernel) + bias)`.

    The kernel's shape is inferred from the equation, the input shape and
    `output_shape` (the output's shape without the batch axis; `None` entries are
    taken from the input).

    Args:
        equation: `"ab,bc->ac"`, `"...b,bc->...c"` or `"ab...,bc->ac..."` forms.
        output_shape: int or tuple, the expected output shape without the batch axis.
        activation: activation function or name; None means linear.
        bias_axes: letters of the output spec that get a bias, or None.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        kernel_constraint, bias_constraint: as in `Dense`.
        lora_rank, lora_alpha, gptq_unpacked_column_size, quantization_config:
            accepted for Keras's signature; not supported (must be None).

    Example:
        >>> layer = EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
        >>> layer(ops.ones((2, 32, 128))).shape
        (2, 32, 64)
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        gptq_unpacked_column_size=None,
        quantization_config=None,
        **kwargs,
    ):
        if lora_rank or gptq_unpacked_column_size or quantization_config is not None:
            raise ValueError(
                "EinsumDense: LoRA, GPTQ and quantization are not supported by lamina. "
                f"Received: lora_rank={lora_rank}, gptq_unpacked_column_size="
                f"{gptq_unpacked_column_size}, quantization_config={quantization_config}."
            )
        super().__init__(**kwargs)
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.gptq_unpacked_column_size = gptq_unpacked_column_size
        self.quantization_config = quantization_config

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze_einsum_string(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.kernel = self.add_weight(
            name="kernel",
            shape=tuple(kernel_shape),
            initializer=self._kernel_initializer_for(input_axes, output_axes),
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            dtype=self.dtype,
            trainable=True,
        )
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                dtype=self.dtype,
                trainable=True,
            )
        else:
            self.bias = None
        self.built = True

    def _kernel_initializer_for(self, input_axes, output_axes):
        """Keras gives VarianceScaling initializers the kernel's input/output axes
        so fan_in/fan_out count the contracted and produced axes, not the last two."""
        init = self.kernel_initializer
        if not isinstance(init, initializers.VarianceScaling):
            return init
        config = init.get_config()
        if "input_axes" not in config or (
            config["input_axes"] is not None and config["output_axes"] is not None
        ):
            return init
        config["seed"] = init.seed
        config["input_axes"] = input_axes
        config["output_axes"] = output_axes
        return init.__class__.from_config(config)

    def call(self, inputs, training=None):
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        _, _, full_output_shape, _, _ = analyze_einsum_string(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        return tuple(full_output_shape)

    def get_config(self):
        base_config = super().get_config()
        config = {
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }
        return {**base_config, **config}


_FORMS = (
    ("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$", False),
    ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$", True),
    ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$", False),
)


def analyze_einsum_string(equation, bias_axes, input_shape, output_shape):
    """Kernel shape, bias shape, full output shape, and the kernel's input and
    output axes for an EinsumDense equation.

    Args:
        equation: the layer's equation (`...` may lead the input and output, or
            trail them).
        bias_axes: output letters that get a bias, or None.
        input_shape: the full input shape (with the batch axis).
        output_shape: the partial output shape (without the batch axis).

    Example:
        >>> analyze_einsum_string("ab,bc->ac", None, (None, 3), (4,))[0]
        [3, 4]
    """
    replaced = equation.replace("...", "0")
    for pattern, left_elided in _FORMS:
        match = re.match(pattern, replaced)
        if match:
            return _analyze(*match.groups(), bias_axes, input_shape, output_shape, left_elided)
    raise ValueError(
        f"EinsumDense: invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def _analyze(input_spec, weight_spec, output_spec, bias_axes, input_shape, out_shape, left):
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(input_spec)
    output_shape = [out_shape] if isinstance(out_shape, int) else list(out_shape)
    output_shape.insert(0, input_shape[0])
    if elided > 0 and left:
        # Keras inserts these in reverse order (a bug for 2+ elided axes); the
        # order here is the one the einsum actually produces.
        output_shape[1:1] = input_shape[1:elided]
    elif elided > 0:
        output_shape.extend(input_shape[len(input_shape) - elided :])

    if left:
        input_dims = {d: i + elided - len(input_shape) for i, d in enumerate(input_spec)}
        output_dims = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        input_dims = {d: i for i, d in enumerate(input_spec)}
        output_dims = {d: i for i, d in enumerate(output_spec)}

    for dim in input_spec:
        size = input_shape[input_dims[dim]]
        if dim in output_dims:
            expected = output_shape[output_dims[dim]]
            if expected is not None and expected != size:
                raise ValueError(
                    "EinsumDense: input shape and output shape do not match at shared "
                    f"dimension '{dim}'. Input shape is {size}, and output shape is "
                    f"{expected}."
                )
    for dim in output_spec:
        if dim not in input_spec and dim not in weight_spec:
            raise ValueError(
                f"EinsumDense: dimension '{dim}' was specified in the output '{output_spec}' "
                f"but has no corresponding dim in the input spec '{input_spec}' or weight "
                f"spec '{weight_spec}'."
            )

    weight_shape, input_axes, output_axes = [], [], []
    for i, dim in enumerate(weight_spec):
        if dim in output_dims:
            weight_shape.append(output_shape[output_dims[dim]])
            output_axes.append(i)
        elif dim in input_dims:
            weight_shape.append(input_shape[input_dims[dim]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"EinsumDense: weight dimension '{dim}' did not have a match in either the "
                f"input spec '{input_spec}' or the output spec '{output_spec}'. For this "
                "layer, the weight must be fully specified."
            )

    bias_shape = None
    if bias_axes is not None:
        num_left = elided if left else 0
        sizes = {c: output_shape[i + num_left] for i, c in enumerate(output_spec)}
        for char in bias_axes:
            if char not in output_spec:
                raise ValueError(
                    f"EinsumDense: bias dimension '{char}' was requested, but is not part "
                    f"of the output spec '{output_spec}'."
                )
        first = min(output_spec.find(c) for c in bias_axes)
        bias_shape = [sizes[c] if c in bias_axes else 1 for c in output_spec[first:]]
        if not left:
            bias_shape.extend([1] * elided)
    return weight_shape, bias_shape, output_shape, input_axes, output_axes
