"""Parity of the reshaping and merging layers with Keras 3 (JAX): outputs, masks, gradients."""

import types

import numpy as np
import pytest
from harness import keras
from stateless_layer_parity import layer_parity

from lamina.layers import merging, reshaping

LAMINA = types.SimpleNamespace(
    **{name: getattr(merging, name) for name in merging.__all__},
    **{name: getattr(reshaping, name) for name in reshaping.__all__},
)
RNG = np.random.default_rng(0)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


RESHAPING = [
    ("Flatten", lambda L: L.Flatten(), [rand(2, 3, 4)]),
    ("Flatten_1d", lambda L: L.Flatten(), [rand(5)]),
    ("Flatten_4d", lambda L: L.Flatten(), [rand(2, 3, 4, 2)]),
    ("Flatten_cf", lambda L: L.Flatten(data_format="channels_first"), [rand(2, 3, 4, 5)]),
    ("Reshape", lambda L: L.Reshape((3, 4)), [rand(2, 12)]),
    ("Reshape_infer", lambda L: L.Reshape((-1, 2, 2)), [rand(3, 12)]),
    ("Reshape_size1", lambda L: L.Reshape((1, -1)), [rand(1, 6)]),
    ("Permute", lambda L: L.Permute((2, 1)), [rand(2, 3, 4)]),
    ("Permute_3", lambda L: L.Permute((3, 1, 2)), [rand(2, 3, 4, 5)]),
    ("RepeatVector", lambda L: L.RepeatVector(3), [rand(2, 5)]),
]


@pytest.mark.parametrize("make,inputs", [c[1:] for c in RESHAPING], ids=[c[0] for c in RESHAPING])
def test_reshaping_parity(make, inputs):
    layer_parity(make, inputs[0])


MERGES = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
SHAPE_PAIRS = [
    ((2, 3), (2, 3)),
    ((2, 3, 4), (2, 3, 4)),
    ((2, 3, 4), (2, 1, 4)),  # broadcast of a size-1 axis
    ((2, 3, 4), (2, 4)),  # different ranks: expanded at axis 1
    ((1, 1), (1, 1)),
]


@pytest.mark.parametrize("name", MERGES)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_elementwise_merge_parity(name, shapes):
    layer_parity(lambda L: getattr(L, name)(), [rand(*s) for s in shapes])


@pytest.mark.parametrize("name", ["Add", "Multiply", "Average", "Maximum", "Minimum"])
def test_three_input_merge_parity(name):
    layer_parity(lambda L: getattr(L, name)(), [rand(2, 3, 4) for _ in range(3)])


MASKS = [
    [np.array([[True, True, False], [True, False, False]])] * 2,
    [np.array([[True, True, False], [True, False, False]]), np.array([[False, True, True]] * 2)],
    [np.array([[True, True, False], [True, False, False]]), None],
]


@pytest.mark.parametrize("name", MERGES)
@pytest.mark.parametrize("masks", MASKS, ids=["same", "different", "one"])
def test_merge_masks_parity(name, masks):
    layer_parity(lambda L: getattr(L, name)(), [rand(2, 3, 4), rand(2, 3, 4)], masks=masks)


CONCATS = [
    (-1, [(2, 3), (2, 5)]),
    (1, [(2, 3, 4), (2, 1, 4), (2, 2, 4)]),
    (-2, [(2, 3, 4), (2, 2, 4)]),
    (2, [(1, 3, 0), (1, 3, 2)]),  # a size-0 input
]


@pytest.mark.parametrize("axis,shapes", CONCATS, ids=str)
def test_concatenate_parity(axis, shapes):
    layer_parity(lambda L: L.Concatenate(axis=axis), [rand(*s) for s in shapes])


@pytest.mark.parametrize("masks", MASKS, ids=["same", "different", "one"])
@pytest.mark.parametrize("axis", [1, -1])
def test_concatenate_masks_parity(axis, masks):
    layer_parity(lambda L: L.Concatenate(axis=axis), [rand(2, 3, 4), rand(2, 3, 4)], masks=masks)


DOTS = [
    (1, False, [(4, 5), (4, 5)]),
    (-1, True, [(4, 5), (4, 5)]),
    ((1, 2), False, [(2, 3, 5), (2, 4, 3)]),
    ((2, 1), True, [(2, 3, 5), (2, 5, 4)]),
    ((1, 1), False, [(2, 6), (2, 6, 3)]),
    ((3, 1), False, [(2, 3, 4, 5), (2, 5, 2, 3)]),
    (-1, False, [(2, 3, 4), (2, 4)]),
]


@pytest.mark.parametrize("axes,normalize,shapes", DOTS, ids=str)
def test_dot_parity(axes, normalize, shapes):
    layer_parity(lambda L: L.Dot(axes=axes, normalize=normalize), [rand(*s) for s in shapes])


@pytest.mark.parametrize(
    "fn,kwargs",
    [
        ("add", {}),
        ("subtract", {}),
        ("multiply", {}),
        ("average", {}),
        ("maximum", {}),
        ("minimum", {}),
        ("concatenate", {"axis": 1}),
        ("dot", {"axes": 1}),
    ],
)
def test_functional_forms_parity(fn, kwargs):
    a, b = rand(3, 4), rand(3, 4)
    want = getattr(keras.layers, fn)([a, b], **kwargs)
    got = getattr(merging, fn)([a, b], **kwargs)
    np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-5, atol=1e-6)


CONFIGS = [
    lambda L: L.Flatten(data_format="channels_first"),
    lambda L: L.Reshape((-1, 3)),
    lambda L: L.Permute((2, 1)),
    lambda L: L.RepeatVector(4),
    lambda L: L.Concatenate(axis=1),
    lambda L: L.Dot(axes=(1, 2), normalize=True),
    lambda L: L.Add(),
]


@pytest.mark.parametrize("make", CONFIGS)
def test_get_config_keys_match_keras(make):
    want, got = make(keras.layers).get_config(), make(LAMINA).get_config()
    assert set(got) == set(want)
    for key in set(want) - {"name", "dtype"}:
        want_value = want[key]
        assert got[key] == (list(want_value) if isinstance(got[key], list) else want_value), key


SHAPES = [
    (lambda L: L.Flatten(), (None, 3, None)),
    (lambda L: L.Reshape((-1, 4)), (None, 12)),
    (lambda L: L.Reshape((-1, 4)), (None, None)),
    (lambda L: L.Permute((3, 1, 2)), (None, 2, 3, 4)),
    (lambda L: L.RepeatVector(2), (None, 7)),
    (lambda L: L.Add(), [(None, 3, 4), (None, 1, 4)]),
    (lambda L: L.Add(), [(None, 3, 4), (None, 4)]),
    (lambda L: L.Concatenate(axis=1), [(None, 3, 4), (None, None, 4)]),
    (lambda L: L.Concatenate(), [(None, 3, 4), (None, 3, 5)]),
    (lambda L: L.Dot(axes=(1, 2)), [(None, 3, 5), (None, 4, 3)]),
    (lambda L: L.Dot(axes=1), [(None, 5), (None, 5)]),
]


# Ids from the position and shape: a lambda's repr differs between processes (pytest-xdist).
@pytest.mark.parametrize(
    "make,shape", SHAPES, ids=[f"{i}-{shape}" for i, (_, shape) in enumerate(SHAPES)]
)
def test_compute_output_shape_matches_keras(make, shape):
    assert make(LAMINA).compute_output_shape(shape) == make(keras.layers).compute_output_shape(
        shape
    )
