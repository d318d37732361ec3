"""Unit tests of the convolution layers: shapes, Keras kernel layouts and weight names,
argument errors, float64 gradient checks, regularizers, constraints and configs."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.autodiff.gradient_check import check_gradients

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


LAYOUTS = [
    # (layer, input shape, output shape, [(weight name, shape), ...])
    (lambda: layers.Conv1D(4, 3), (2, 9, 3), (2, 7, 4), [("kernel", (3, 3, 4)), ("bias", (4,))]),
    (
        lambda: layers.Conv1D(4, 3, padding="causal", dilation_rate=2),
        (2, 9, 3),
        (2, 9, 4),
        [("kernel", (3, 3, 4)), ("bias", (4,))],
    ),
    (
        lambda: layers.Conv2D(6, (3, 2), strides=2, padding="same", groups=3),
        (2, 7, 6, 3),
        (2, 4, 3, 6),
        [("kernel", (3, 2, 1, 6)), ("bias", (6,))],
    ),
    (
        lambda: layers.Conv2D(4, 3, data_format="channels_first", use_bias=False),
        (2, 3, 6, 5),
        (2, 4, 4, 3),
        [("kernel", (3, 3, 3, 4))],
    ),
    (
        lambda: layers.Conv3D(2, 2),
        (1, 4, 4, 4, 3),
        (1, 3, 3, 3, 2),
        [("kernel", (2, 2, 2, 3, 2)), ("bias", (2,))],
    ),
    (
        lambda: layers.Conv1DTranspose(4, 3, strides=2),
        (2, 5, 3),
        (2, 11, 4),
        [("kernel", (3, 4, 3)), ("bias", (4,))],
    ),
    (
        lambda: layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
        (2, 3, 3, 2),
        (2, 6, 6, 4),
        [("kernel", (3, 3, 4, 2)), ("bias", (4,))],
    ),
    (
        lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=1),
        (2, 3, 3, 2),
        (2, 8, 8, 4),
        [("kernel", (3, 3, 4, 2)), ("bias", (4,))],
    ),
    (
        lambda: layers.Conv3DTranspose(2, 2, data_format="channels_first"),
        (1, 3, 2, 2, 2),
        (1, 2, 3, 3, 3),
        [("kernel", (2, 2, 2, 2, 3)), ("bias", (2,))],
    ),
    (
        lambda: layers.DepthwiseConv1D(3, depth_multiplier=2),
        (2, 8, 3),
        (2, 6, 6),
        [("kernel", (3, 3, 2)), ("bias", (6,))],
    ),
    (
        lambda: layers.DepthwiseConv2D(3, padding="same", data_format="channels_first"),
        (2, 3, 5, 5),
        (2, 3, 5, 5),
        [("kernel", (3, 3, 3, 1)), ("bias", (3,))],
    ),
    (
        lambda: layers.SeparableConv1D(5, 3, depth_multiplier=2),
        (2, 8, 3),
        (2, 6, 5),
        [("depthwise_kernel", (3, 3, 2)), ("pointwise_kernel", (1, 6, 5)), ("bias", (5,))],
    ),
    (
        lambda: layers.SeparableConv2D(5, 3, strides=2),
        (2, 7, 7, 3),
        (2, 3, 3, 5),
        [("depthwise_kernel", (3, 3, 3, 1)), ("pointwise_kernel", (1, 1, 3, 5)), ("bias", (5,))],
    ),
]


@pytest.mark.parametrize("make,in_shape,out_shape,weights", LAYOUTS)
def test_shapes_and_kernel_layouts(make, in_shape, out_shape, weights):
    layer = make()
    y = layer(rand(*in_shape))
    assert tuple(y.shape) == out_shape
    assert y.dtype == "float32"
    assert tuple(layer.compute_output_shape(in_shape)) == out_shape
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == weights
    assert [w.path for w in layer.weights] == [f"{layer.name}/{name}" for name, _ in weights]


@pytest.mark.parametrize("make,in_shape,out_shape,weights", LAYOUTS)
def test_input_gradients_float64(make, in_shape, out_shape, weights):
    layer = make()
    layer.build(in_shape)
    layer.set_weights([w.astype("float64") for w in layer.get_weights()])
    layer64 = type(layer).from_config({**layer.get_config(), "dtype": "float64"})
    layer64.build(in_shape)
    layer64.set_weights(layer.get_weights())
    check_gradients(layer64, [RNG.standard_normal(in_shape)])


def test_causal_padding_sees_only_the_past():
    layer = layers.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    x = np.zeros((1, 6, 1), "float32")
    x[0, 3, 0] = 1.0
    y = layer(x).numpy()[0, :, 0]
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 1])


def test_groups_convolve_channel_groups_separately():
    layer = layers.Conv1D(2, 1, groups=2, use_bias=False, kernel_initializer="ones")
    x = np.array([[[1.0, 10.0]]], "float32")
    np.testing.assert_array_equal(layer(x).numpy(), [[[1.0, 10.0]]])


def test_bias_and_activation_channels_first():
    layer = layers.Conv2D(
        2,
        1,
        data_format="channels_first",
        activation="relu",
        bias_initializer="ones",
        kernel_initializer="zeros",
    )
    y = layer(rand(1, 3, 2, 2)).numpy()
    np.testing.assert_array_equal(y, np.ones((1, 2, 2, 2)))


def test_symbolic_input_and_unknown_sizes():
    inputs = lamina.Input((None, None, 3))
    outputs = layers.Conv2D(4, 3, strides=2, padding="same")(inputs)
    assert tuple(outputs.shape) == (None, None, None, 4)
    model = lamina.Model(inputs, outputs)
    assert tuple(model(rand(2, 9, 7, 3)).shape) == (2, 5, 4, 4)


def test_default_data_format_follows_config():
    previous = lamina.config.image_data_format()
    try:
        lamina.config.set_image_data_format("channels_first")
        assert layers.Conv2D(2, 3).data_format == "channels_first"
        assert layers.MaxPooling2D().data_format == "channels_first"
    finally:
        lamina.config.set_image_data_format(previous)


def test_regularizers_and_constraints():
    layer = layers.Conv2D(
        2,
        2,
        kernel_regularizer=lamina.regularizers.L2(0.1),
        bias_regularizer="l1",
        activity_regularizer=lamina.regularizers.L1(0.01),
        kernel_constraint="non_neg",
    )
    layer(rand(2, 4, 4, 1))
    kernel = layer.kernel.numpy()
    expected = 0.1 * np.sum(kernel**2)
    assert len(layer.losses) == 3
    assert any(np.isclose(float(loss), expected, rtol=1e-5) for loss in layer.losses)
    assert layer.kernel.constraint is not None
    depthwise = layers.SeparableConv1D(2, 2, pointwise_regularizer="l2")
    depthwise(rand(1, 4, 2))
    assert len(depthwise.losses) == 1


def test_config_round_trip():
    layer = layers.SeparableConv2D(
        4, (3, 2), padding="same", depth_multiplier=2, activation="relu", name="sep"
    )
    clone = layers.SeparableConv2D.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert layer.get_config()["kernel_size"] == (3, 2)
    assert layer.get_config()["strides"] == (1, 1)


def test_aliases_are_the_same_classes():
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert type(layers.Conv2D(1, 1)).__module__.startswith("lamina_conv.")


ERRORS = [
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(3, 3, groups=2), "divisible"),
    (lambda: layers.Conv2D(2, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(2, 0), "kernel_size"),
    (lambda: layers.Conv2D(2, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: layers.Conv2D(2, 3, padding="causal"), "padding"),
    (lambda: layers.Conv1D(2, 3, padding="full"), "padding"),
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.SeparableConv2D(2, 3, data_format="nchw"), "data_format"),
    (lambda: layers.Conv2D(2, 3, lora_rank=4), "LoRA"),
]


@pytest.mark.parametrize("make,match", ERRORS)
def test_argument_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_build_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"Conv2D.*groups"):
        layers.Conv2D(4, 1, groups=2)(rand(1, 3, 3, 3))
    with pytest.raises(ValueError, match=r"Conv2D.*zero or negative"):
        layers.Conv2D(4, 5)(rand(1, 3, 3, 3))
    with pytest.raises(ValueError, match="conv2d"):
        layer = layers.Conv2D(4, 1)
        layer(rand(1, 3, 3, 3))
        layer(rand(1, 3, 3, 2))  # the channel count is fixed at build
