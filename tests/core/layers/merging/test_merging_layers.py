"""Unit tests of the merging layers and their functional forms."""

import numpy as np
import pytest

from lamina import ops
from lamina.autodiff.gradient_check import check_gradients
from lamina.layers import merging
from lamina.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
)

RNG = np.random.default_rng(0)


def rand(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


REFERENCE = {
    Add: lambda xs: sum(xs),
    Subtract: lambda xs: xs[0] - xs[1],
    Multiply: lambda xs: np.prod(np.broadcast_arrays(*xs), axis=0),
    Average: lambda xs: sum(xs) / len(xs),
    Maximum: lambda xs: np.maximum.reduce(np.broadcast_arrays(*xs)),
    Minimum: lambda xs: np.minimum.reduce(np.broadcast_arrays(*xs)),
}
SHAPES = [((2, 3), (2, 3)), ((2, 3, 4), (2, 1, 4)), ((0, 3), (0, 3)), ((1, 1), (1, 1))]


@pytest.mark.parametrize("cls", list(REFERENCE))
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_elementwise_values_and_shapes(cls, shapes):
    xs = [rand(*s) for s in shapes]
    layer = cls()
    y = layer(xs)
    np.testing.assert_allclose(y.numpy(), REFERENCE[cls](xs), rtol=1e-6)
    assert y.dtype == "float32"
    assert layer.compute_output_shape(shapes) == tuple(y.shape)


@pytest.mark.parametrize("cls", list(REFERENCE))
def test_elementwise_gradients(cls):
    layer = cls(dtype="float64")  # float64 policy: exact finite differences
    check_gradients(
        lambda a, b: layer([a, b]), [RNG.standard_normal((2, 3)), RNG.standard_normal((2, 1))]
    )


def test_different_ranks_expand_at_axis_1():
    a, b = rand(2, 3, 4), rand(2, 4)
    np.testing.assert_allclose(Add()([a, b]).numpy(), a + b[:, None, :], rtol=1e-6)
    assert Add().compute_output_shape([(None, 3, 4), (None, 4)]) == (None, 3, 4)


@pytest.mark.parametrize("cls", [Add, Multiply, Maximum])
def test_incompatible_shapes_name_layer_and_both_shapes(cls):
    with pytest.raises(ValueError, match=r"merge_me.*\(3, 4\) and \(3, 5\)"):
        cls(name="merge_me")([rand(2, 3, 4), rand(2, 3, 5)])


def test_concatenate_mismatch_names_layer_and_shapes():
    with pytest.raises(ValueError, match=r"cat_me.*\(2, 3, 4\), \(2, 2, 5\)"):
        Concatenate(name="cat_me")([rand(2, 3, 4), rand(2, 2, 5)])


def test_different_batch_sizes_raise():
    with pytest.raises(ValueError, match="batch"):
        Add(name="adder")([rand(2, 3), rand(3, 3)])


def test_merge_requires_a_list():
    with pytest.raises(ValueError, match="list"):
        Add()(rand(2, 3))


def test_subtract_requires_two_inputs():
    with pytest.raises(ValueError, match="exactly 2"):
        Subtract()([rand(2, 3)] * 3)


@pytest.mark.parametrize(
    "axis,shapes,expected",
    [
        (-1, [(2, 3), (2, 5)], (2, 8)),
        (1, [(2, 3, 4), (2, 1, 4)], (2, 4, 4)),
        (0, [(1, 2), (0, 2)], (1, 2)),
    ],
)
def test_concatenate(axis, shapes, expected):
    xs = [rand(*s) for s in shapes]
    layer = Concatenate(axis=axis)
    y = layer(xs)
    np.testing.assert_array_equal(y.numpy(), np.concatenate(xs, axis=axis))
    assert tuple(y.shape) == expected == layer.compute_output_shape(shapes)


def test_concatenate_unknown_axis_size():
    assert Concatenate(axis=1).compute_output_shape([(None, 3, 4), (None, None, 4)]) == (
        None,
        None,
        4,
    )


def test_concatenate_gradients():
    layer = Concatenate(axis=1, dtype="float64")
    check_gradients(
        lambda a, b: layer([a, b]), [RNG.standard_normal((2, 2)), RNG.standard_normal((2, 3))]
    )


def _batch_dot(x, y, a0, a1):
    out = np.stack([np.tensordot(xi, yi, axes=(a0 - 1, a1 - 1)) for xi, yi in zip(x, y)])
    return out.reshape(len(x), 1) if out.ndim == 1 else out


@pytest.mark.parametrize(
    "axes,shapes",
    [(1, [(3, 4), (3, 4)]), ((1, 2), [(2, 3, 5), (2, 4, 3)]), ((3, 1), [(2, 3, 4, 5), (2, 5, 2)])],
    ids=str,
)
def test_dot_values(axes, shapes):
    x, y = (rand(*s) for s in shapes)
    layer = Dot(axes=axes)
    got = layer([x, y])
    a0, a1 = (axes, axes) if isinstance(axes, int) else axes
    np.testing.assert_allclose(got.numpy(), _batch_dot(x, y, a0, a1), rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape(shapes) == tuple(got.shape)


def test_dot_normalize_gives_cosine():
    x, y = rand(4, 5), rand(4, 5)
    got = Dot(axes=1, normalize=True)([x, y]).numpy()[:, 0]
    want = (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_dot_gradients():
    layer = Dot(axes=(2, 1), normalize=True, dtype="float64")
    check_gradients(
        lambda a, b: layer([a, b]), [RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 4, 2))]
    )


@pytest.mark.parametrize(
    "axes,error", [("x", TypeError), ((1, 2, 3), ValueError), ((1.0, 2), ValueError)]
)
def test_dot_invalid_axes(axes, error):
    with pytest.raises(error):
        Dot(axes=axes)


def test_dot_incompatible_axes_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"my_dot.*\(2, 3\).*\(2, 4\)"):
        Dot(axes=1, name="my_dot")([rand(2, 3), rand(2, 4)])


def _masked(x, mask):
    t = ops.convert_to_tensor(x)
    t._keras_mask = ops.convert_to_tensor(mask)
    return t


def test_add_output_mask_is_or_of_masks():
    m1 = np.array([[True, False, False]])
    m2 = np.array([[False, True, False]])
    y = Add()([_masked(rand(1, 3, 2), m1), _masked(rand(1, 3, 2), m2)])
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, True, False]])


def test_add_with_one_unmasked_input_has_no_mask():
    y = Add()([_masked(rand(1, 3, 2), np.array([[True, False, True]])), rand(1, 3, 2)])
    assert y._keras_mask is None


def test_multiply_treats_masked_entries_as_one():
    a, b = np.full((1, 2, 1), 2.0, "float32"), np.full((1, 2, 1), 3.0, "float32")
    y = Multiply()([_masked(a, np.array([[True, False]])), _masked(b, np.array([[False, False]]))])
    np.testing.assert_array_equal(y.numpy()[..., 0], [[2.0, 0.0]])
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, False]])


def test_maximum_ignores_masked_entries():
    a = np.array([[[5.0], [5.0]]], "float32")
    b = np.array([[[1.0], [9.0]]], "float32")
    y = Maximum()([_masked(a, np.array([[False, True]])), _masked(b, np.array([[True, False]]))])
    np.testing.assert_array_equal(y.numpy()[..., 0], [[1.0, 5.0]])


def test_concatenate_mask_treats_unmasked_as_true():
    m = np.array([[True, False]])
    y = Concatenate(axis=1)([_masked(rand(1, 2, 3), m), rand(1, 2, 3)])
    np.testing.assert_array_equal(y._keras_mask.numpy(), [[True, False, True, True]])


def test_dot_has_no_mask():
    m = np.array([[True, False]])
    assert Dot(axes=2)([_masked(rand(1, 2, 3), m), _masked(rand(1, 2, 3), m)])._keras_mask is None


@pytest.mark.parametrize(
    "fn,cls,kwargs",
    [
        ("add", Add, {}),
        ("subtract", Subtract, {}),
        ("multiply", Multiply, {}),
        ("average", Average, {}),
        ("maximum", Maximum, {}),
        ("minimum", Minimum, {}),
        ("concatenate", Concatenate, {"axis": 0}),
        ("dot", Dot, {"axes": 1}),
    ],
)
def test_functional_forms_match_layers(fn, cls, kwargs):
    xs = [rand(2, 3), rand(2, 3)]
    got = getattr(merging, fn)(xs, **kwargs)
    np.testing.assert_allclose(got.numpy(), cls(**kwargs)(xs).numpy())


@pytest.mark.parametrize(
    "layer", [Add(), Concatenate(axis=2), Dot(axes=(1, 2), normalize=True), Maximum(name="mx")]
)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_symbolic_calls_infer_shapes_and_check_them():
    from lamina.layers.input_layer import Input

    a, b = Input(shape=(3, 4)), Input(shape=(3, 2))
    assert tuple(merging.concatenate([a, b]).shape) == (None, 3, 6)
    assert tuple(Dot(axes=(1, 1))([a, b]).shape) == (None, 4, 2)
    assert tuple(merging.add([a, Input(shape=(4,))]).shape) == (None, 3, 4)
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(3, 2\)"):
        merging.add([a, b])
