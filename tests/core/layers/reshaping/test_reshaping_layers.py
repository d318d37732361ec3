"""Unit tests of Flatten, Reshape, Permute and RepeatVector."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.layers.reshaping import Flatten, Permute, RepeatVector, Reshape

RNG = np.random.default_rng(0)


CASES = [
    (lambda: Flatten(), (2, 3, 4), (2, 12)),
    (lambda: Flatten(), (5,), (5, 1)),
    (lambda: Flatten(), (0, 3), (0, 3)),
    (lambda: Flatten(data_format="channels_first"), (2, 3, 4, 5), (2, 60)),
    (lambda: Reshape((3, 4)), (2, 12), (2, 3, 4)),
    (lambda: Reshape((-1, 2)), (2, 3, 4), (2, 6, 2)),
    (lambda: Reshape((-1,)), (1, 1), (1, 1)),
    (lambda: Permute((2, 1)), (2, 3, 4), (2, 4, 3)),
    (lambda: Permute((3, 1, 2)), (2, 3, 4, 5), (2, 5, 3, 4)),
    (lambda: RepeatVector(3), (2, 5), (2, 3, 5)),
    (lambda: RepeatVector(1), (0, 2), (0, 1, 2)),
]


@pytest.mark.parametrize("make,shape,expected", CASES)
def test_output_shape_and_compute_output_shape(make, shape, expected):
    layer = make()
    y = layer(RNG.standard_normal(shape).astype("float32"))
    assert tuple(y.shape) == expected
    assert y.dtype == "float32"
    assert layer.compute_output_shape(shape) == expected


@pytest.mark.parametrize(
    "make,shape",
    [
        (lambda: Flatten(data_format="channels_first", dtype="float64"), (2, 3, 2)),
        (lambda: Reshape((-1, 3), dtype="float64"), (2, 6)),
        (lambda: Permute((2, 3, 1), dtype="float64"), (2, 2, 3, 2)),
        (lambda: RepeatVector(2, dtype="float64"), (3, 2)),
    ],
)
def test_gradients(make, shape):
    layer = make()  # float64 policy: no autocast to float32 in the finite differences
    check_gradients(layer, [RNG.standard_normal(shape)])


def test_flatten_channels_first_moves_channels_last():
    x = np.arange(24.0).reshape(1, 2, 3, 4)
    got = Flatten(data_format="channels_first")(x).numpy()
    np.testing.assert_array_equal(got, x.transpose(0, 2, 3, 1).reshape(1, -1))


def test_compute_output_shape_with_unknown_dims():
    assert Flatten().compute_output_shape((None, 3, None)) == (None, None)
    assert Reshape((-1, 4)).compute_output_shape((None, 12)) == (None, 3, 4)
    assert Reshape((-1, 4)).compute_output_shape((None, None)) == (None, None, 4)


@pytest.mark.parametrize(
    "make,error",
    [
        (lambda: Reshape((-1, -1)), ValueError),
        (lambda: Reshape((2, -3)), ValueError),
        (lambda: Permute((1, 3)), ValueError),
        (lambda: RepeatVector(0), ValueError),
        (lambda: RepeatVector(2.0), TypeError),
        (lambda: Flatten(data_format="nhwc"), ValueError),
    ],
)
def test_invalid_arguments(make, error):
    with pytest.raises(error):
        make()


def test_reshape_size_mismatch_names_layer_and_shapes():
    layer = Reshape((5,), name="resh")
    with pytest.raises(ValueError, match=r"resh.*\(12,\).*\(5,\)"):
        layer(np.zeros((2, 12), "float32"))


def test_repeat_vector_rejects_wrong_rank():
    with pytest.raises(ValueError, match="repeat"):
        RepeatVector(2, name="repeat")(np.zeros((2, 3, 4), "float32"))


@pytest.mark.parametrize(
    "layer",
    [Flatten(data_format="channels_first"), Reshape((3, -1)), Permute((2, 1)), RepeatVector(4)],
)
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_reshape_passes_dtype_through_and_is_one_view():
    x = ops.convert_to_tensor(np.arange(6, dtype="int32").reshape(1, 6))
    y = Reshape((2, 3))(x)
    assert y.dtype == "int32"
    with lamina.GradientTape() as tape:
        z = ops.convert_to_tensor(np.ones((1, 6), "float32"))
        tape.watch(z)
        out = ops.sum(Reshape((3, 2))(z) * 2.0)
    np.testing.assert_array_equal(tape.gradient(out, z).numpy(), np.full((1, 6), 2.0))


def test_symbolic_calls_infer_shapes():
    from lamina.layers.input_layer import Input

    x = Input(shape=(3, 4))
    assert tuple(Flatten()(x).shape) == (None, 12)
    assert tuple(Reshape((-1, 2))(x).shape) == (None, 6, 2)
    assert tuple(Permute((2, 1))(x).shape) == (None, 4, 3)
    assert tuple(RepeatVector(2)(Input(shape=(5,))).shape) == (None, 2, 5)
