"""Shape, joining, splitting, padding and diagonal ops, and rearrange."""

import importlib

import numpy as np
import pytest

from lamina import GradientTape, ops
from lamina.autodiff.gradient_check import check_gradients

_MODULES = ["shape", "joining", "splitting", "padding", "diagonals", "einops"]


def lop(name):
    """The lamina op `name` from the shape modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None and callable(op):
            return op
    raise AttributeError(name)


# name, args, kwargs, NumPy reference, input shape
UNARY = [
    ("reshape", ((4, -1),), {}, lambda x: x.reshape(4, -1), (2, 3, 4)),
    ("reshape", ((0, 5),), {}, lambda x: x.reshape(0, 5), (0, 5)),
    ("transpose", (), {}, np.transpose, (2, 3, 4)),
    ("transpose", ((2, 0, 1),), {}, lambda x: x.transpose(2, 0, 1), (2, 3, 4)),
    ("expand_dims", ((0, -1),), {}, lambda x: x[None, ..., None], (2, 3)),
    ("expand_dims", (1,), {}, lambda x: x[:, None], (2, 3)),
    ("squeeze", (), {}, np.squeeze, (1, 3, 1)),
    ("squeeze", (), {"axis": -1}, lambda x: x[..., 0], (1, 3, 1)),
    ("moveaxis", ([0, 1], [-1, 0]), {}, lambda x: np.moveaxis(x, [0, 1], [-1, 0]), (2, 3, 4)),
    ("swapaxes", (0, 2), {}, lambda x: x.swapaxes(0, 2), (2, 3, 4)),
    ("ravel", (), {}, np.ravel, (2, 3)),
    ("broadcast_to", ((4, 2, 3),), {}, lambda x: np.broadcast_to(x, (4, 2, 3)), (2, 1)),
    ("flip", (), {"axis": (0, 2)}, lambda x: np.flip(x, (0, 2)), (2, 3, 4)),
    ("fliplr", (), {}, np.fliplr, (2, 3)),
    ("flipud", (), {}, np.flipud, (2, 3)),
    ("roll", ((1, -2),), {"axis": (0, 2)}, lambda x: np.roll(x, (1, -2), (0, 2)), (2, 3, 4)),
    ("roll", (4,), {}, lambda x: np.roll(x, 4), (2, 3)),
    ("rot90", (3, (1, 2)), {}, lambda x: np.rot90(x, 3, (1, 2)), (2, 3, 4)),
    ("repeat", (2,), {"axis": 1}, lambda x: np.repeat(x, 2, 1), (2, 3)),
    ("repeat", ([0, 2, 1],), {"axis": 1}, lambda x: np.repeat(x, [0, 2, 1], 1), (2, 3)),
    ("repeat", (3,), {}, lambda x: np.repeat(x, 3), (2, 3)),
    ("tile", ((2, 1, 3),), {}, lambda x: np.tile(x, (2, 1, 3)), (2, 3)),
    ("tile", (2,), {}, lambda x: np.tile(x, 2), (2, 3)),
    ("tril", (-1,), {}, lambda x: np.tril(x, -1), (2, 3, 4)),
    ("triu", (1,), {}, lambda x: np.triu(x, 1), (3, 4)),
    ("diag", (1,), {}, lambda x: np.diag(x, 1), (3,)),
    ("diag", (-1,), {}, lambda x: np.diag(x, -1), (3, 4)),
    ("diagflat", (1,), {}, lambda x: np.diagflat(x, 1), (2, 2)),
    ("diagonal", (1, 0, 2), {}, lambda x: np.diagonal(x, 1, 0, 2), (3, 2, 4)),
    ("diagonal", (-1, 2, 1), {}, lambda x: np.diagonal(x, -1, 2, 1), (2, 4, 3)),
    ("trace", (), {}, np.trace, (3, 4)),
    ("trace", (1, 0, 2), {}, lambda x: np.trace(x, 1, 0, 2), (3, 2, 4)),
    ("pad", (((1, 2), (0, 3)),), {}, lambda x: np.pad(x, ((1, 2), (0, 3))), (2, 3)),
    ("pad", (1,), {"constant_values": 2.5}, lambda x: np.pad(x, 1, constant_values=2.5), (2, 3)),
    ("pad", ((2, 1),), {"mode": "reflect"}, lambda x: np.pad(x, (2, 1), "reflect"), (3, 4)),
    ("pad", (2,), {"mode": "symmetric"}, lambda x: np.pad(x, 2, "symmetric"), (3, 4)),
    (
        "pad",
        (((1, 1), (2, 0)),),
        {"mode": "edge"},
        lambda x: np.pad(x, ((1, 1), (2, 0)), "edge"),
        (3, 4),
    ),
    ("pad", (1,), {"mode": "wrap"}, lambda x: np.pad(x, 1, "wrap"), (3, 4)),
    ("pad", (1,), {"mode": "maximum"}, lambda x: np.pad(x, 1, "maximum"), (3, 4)),
    ("pad", ((1, 2),), {"mode": "minimum"}, lambda x: np.pad(x, (1, 2), "minimum"), (3, 4)),
    ("pad", (2,), {"mode": "mean"}, lambda x: np.pad(x, 2, "mean"), (3, 4)),
    ("pad", (1,), {"mode": "median"}, lambda x: np.pad(x, 1, "median"), (3, 4)),
    ("pad", ((2, 3),), {"mode": "linear_ramp"}, lambda x: np.pad(x, (2, 3), "linear_ramp"), (3, 4)),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "ref", "shape"), UNARY)
def test_forward_matches_numpy(name, args, kwargs, ref, shape, rng):
    x = rng.standard_normal(shape).astype("float32")
    out = lop(name)(x, *args, **kwargs)
    expected = ref(x)
    assert out.shape == expected.shape
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("name", "args", "kwargs", "ref", "shape"), UNARY)
def test_gradients(name, args, kwargs, ref, shape, rng):
    x = rng.standard_normal(shape)
    check_gradients(lambda t: lop(name)(t, *args, **kwargs), [x])


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("transpose", (), "int32"),
        ("trace", (), "int32"),
        ("flip", (), "int32"),
        ("tile", (2,), "int32"),
    ],
)
def test_integer_dtypes_kept(name, args, expected):
    assert lop(name)(np.ones((2, 2), "int32"), *args).dtype == expected
    assert lop("trace")(np.ones((2, 2), "bool")).dtype == "int32"
    assert lop("pad")(np.ones((2, 2), "int32"), 1, constant_values=3.5).dtype == "int32"


JOIN = [
    ("concatenate", [(2, 3), (1, 3)], {"axis": 0}, lambda xs: np.concatenate(xs, 0)),
    ("concatenate", [(2, 3), (2, 0), (2, 2)], {"axis": -1}, lambda xs: np.concatenate(xs, -1)),
    ("concatenate", [(2, 3), (4,)], {"axis": None}, lambda xs: np.concatenate(xs, None)),
    ("stack", [(2, 3), (2, 3), (2, 3)], {"axis": -1}, lambda xs: np.stack(xs, -1)),
    ("stack", [(), ()], {}, np.stack),
    ("hstack", [(2, 3), (2, 1)], {}, np.hstack),
    ("hstack", [(3,), (2,)], {}, np.hstack),
    ("vstack", [(3,), (3,)], {}, np.vstack),
    ("dstack", [(2, 3), (2, 3)], {}, np.dstack),
    ("dstack", [(3,), (3,)], {}, np.dstack),
]


@pytest.mark.parametrize(("name", "shapes", "kwargs", "ref"), JOIN)
def test_join(name, shapes, kwargs, ref, rng):
    xs = [rng.standard_normal(s) for s in shapes]
    np.testing.assert_allclose(lop(name)(xs, **kwargs).numpy(), ref(xs))
    check_gradients(lambda *ts: lop(name)(list(ts), **kwargs), xs)


def test_join_promotes_like_keras():
    i32, f16 = np.ones((1, 2), "int32"), np.ones((1, 2), "float16")
    assert lop("concatenate")([i32, np.ones((1, 2), "float32")]).dtype == "float32"
    assert lop("concatenate")([i32, f16]).dtype == "float16"
    assert lop("stack")([i32, np.ones((1, 2), bool)]).dtype == "int32"
    assert lop("append")(i32, f16).shape == (4,)
    with pytest.raises(ValueError, match="concatenate"):
        lop("concatenate")([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(ValueError, match="non-empty"):
        lop("stack")([])


SPLIT = [
    ("split", (2,), {"axis": 0}, (4, 3), [(2, 3), (2, 3)]),
    ("split", ([1, 3],), {"axis": 1}, (2, 5), [(2, 1), (2, 2), (2, 2)]),
    ("array_split", (3,), {"axis": 1}, (2, 5), [(2, 2), (2, 2), (2, 1)]),
    ("hsplit", (2,), {}, (4,), [(2,), (2,)]),
    ("vsplit", (2,), {}, (4, 3), [(2, 3), (2, 3)]),
    ("dsplit", ([1],), {}, (1, 2, 3), [(1, 2, 1), (1, 2, 2)]),
    ("unstack", (), {"axis": 1}, (2, 3, 4), [(2, 4)] * 3),
    ("unstack", (), {"num": 1}, (1, 2), [(2,)]),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape", "shapes"), SPLIT)
def test_split(name, args, kwargs, shape, shapes, rng):
    x = rng.standard_normal(shape)
    pieces = lop(name)(x, *args, **kwargs)
    assert isinstance(pieces, list)
    assert [p.shape for p in pieces] == shapes
    check_gradients(lambda t: lop(name)(t, *args, **kwargs), [x])


def test_split_errors():
    with pytest.raises(ValueError, match="split: an axis of length 5 cannot be split into 2"):
        lop("split")(np.ones(5), 2)
    with pytest.raises(TypeError, match="array_split"):
        lop("array_split")(np.ones(5), [2])
    with pytest.raises(ValueError, match="unstack: `num`=2"):
        lop("unstack")(np.ones((3, 2)), num=2)


def test_unused_split_pieces_get_zero_gradient():
    x = ops.convert_to_tensor(np.arange(6.0).reshape(3, 2))
    with GradientTape() as tape:
        tape.watch(x)
        y = lop("split")(x, 3)[1] * 2.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[0, 0], [2, 2], [0, 0]])


def test_shape_errors():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape .*\(2, 3\)"):
        lop("reshape")(x, (4, 2))
    with pytest.raises(ValueError, match="squeeze: cannot squeeze axis 1"):
        lop("squeeze")(x, axis=1)
    with pytest.raises(ValueError, match="transpose: `axes` must be a permutation"):
        lop("transpose")(x, (0, 0))
    with pytest.raises(ValueError, match="broadcast_to: cannot broadcast"):
        lop("broadcast_to")(x, (3, 3))
    with pytest.raises(ValueError, match="rot90"):
        lop("rot90")(np.ones(3))
    with pytest.raises(ValueError, match="pad: `constant_values`"):
        lop("pad")(x, 1, mode="reflect", constant_values=1)
    with pytest.raises(ValueError, match="pad: unknown mode"):
        lop("pad")(x, 1, mode="spiral")
    with pytest.raises(ValueError, match="diagonal: `axis1` and `axis2` must differ"):
        lop("diagonal")(x, 0, 1, 1)


def test_ndim_and_size():
    assert lop("ndim")(np.ones((2, 3))) == 2
    assert lop("ndim")([[1, 2]]) == 2
    assert lop("size")(ops.ones((2, 3))) == 6
    assert lop("size")(3.0) == 1


REARRANGE = [
    ("b h w c -> b c h w", {}, (2, 3, 4, 5), lambda x: x.transpose(0, 3, 1, 2)),
    ("b h w c -> (b h) w c", {}, (2, 3, 4, 5), lambda x: x.reshape(6, 4, 5)),
    ("b h w -> b (w h)", {}, (2, 3, 4), lambda x: x.transpose(0, 2, 1).reshape(2, 12)),
    (
        "b (h h1) w -> b h (w h1)",
        {"h1": 2},
        (2, 4, 3),
        lambda x: x.reshape(2, 2, 2, 3).transpose(0, 1, 3, 2).reshape(2, 2, 6),
    ),
]


@pytest.mark.parametrize(("pattern", "lengths", "shape", "ref"), REARRANGE)
def test_rearrange(pattern, lengths, shape, ref, rng):
    x = rng.standard_normal(shape)
    np.testing.assert_array_equal(lop("rearrange")(x, pattern, **lengths).numpy(), ref(x))
    check_gradients(lambda t: lop("rearrange")(t, pattern, **lengths), [x])


@pytest.mark.parametrize(
    ("pattern", "lengths", "message"),
    [
        ("a b c", {}, "one '->'"),
        ("a b -> a", {}, "same axes"),
        ("a (b c) -> a b c", {}, "cannot infer both"),
        ("a (b c) -> a b c", {"b": 4}, "cannot be split"),
        ("a b c -> a b c", {}, "names 3 input axes"),
        ("a (b -> a b", {}, "unbalanced"),
        ("a a -> a", {}, "repeated"),
    ],
)
def test_rearrange_errors(pattern, lengths, message):
    with pytest.raises(ValueError, match=message):
        lop("rearrange")(np.ones((2, 6)), pattern, **lengths)


@pytest.mark.parametrize(
    ("name", "args", "shape"),
    [
        ("flip", (), (0, 3)),
        ("tile", ((2, 1),), (0, 3)),
        ("repeat", (2,), (3, 0)),
        ("pad", (1,), (0, 2)),
        ("transpose", (), (1, 0, 2)),
        ("squeeze", (), (1, 0, 1)),
        ("tril", (), (1, 1)),
        ("diagonal", (), (0, 3)),
        ("trace", (), (1, 1)),
    ],
)
def test_size_zero_and_size_one_gradients(name, args, shape, rng):
    x = rng.standard_normal(shape)
    assert lop(name)(x, *args).shape == getattr(np, name)(x, *args).shape
    check_gradients(lambda t: lop(name)(t, *args), [x])
