"""Shape, joining, splitting, padding, diagonal ops and rearrange against Keras on JAX."""

import importlib

import numpy as np
import pytest
from harness import assert_parity, keras

_MODULES = ["shape", "joining", "splitting", "padding", "diagonals", "einops"]


def lop(name):
    """The lamina op `name` from the shape modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None and callable(op):
            return op
    raise AttributeError(name)


def _x(shape, seed=0, dtype="float32"):
    rng = np.random.default_rng(seed)
    if dtype == "int32":
        return rng.integers(-5, 6, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


UNARY = [
    ("reshape", ((6, -1),), {}, (2, 3, 4)),
    ("reshape", (-1,), {}, (2, 3)),
    ("transpose", (), {}, (2, 3, 4)),
    ("transpose", ((1, 0, 2),), {}, (2, 3, 4)),
    ("expand_dims", ((0, -1),), {}, (2, 3)),
    ("squeeze", (), {}, (1, 3, 1)),
    ("squeeze", (), {"axis": 0}, (1, 3, 1)),
    ("moveaxis", ([0, 1], [-1, -2]), {}, (2, 3, 4)),
    ("swapaxes", (0, 2), {}, (2, 3, 4)),
    ("ravel", (), {}, (2, 3)),
    ("broadcast_to", ((4, 2, 3),), {}, (2, 1)),
    ("flip", (), {"axis": (0, 2)}, (2, 3, 4)),
    ("flip", (), {}, (2, 3)),
    ("fliplr", (), {}, (2, 3)),
    ("flipud", (), {}, (2, 3)),
    ("roll", (1,), {}, (2, 3)),
    ("roll", ((1, 2),), {"axis": (0, 1)}, (2, 3)),
    ("rot90", (), {}, (2, 3)),
    ("rot90", (3, (1, 2)), {}, (2, 3, 4)),
    ("repeat", (2,), {}, (2, 3)),
    ("repeat", (3,), {"axis": 1}, (2, 3)),
    ("tile", (2,), {}, (2, 3)),
    ("tile", ((2, 1, 2),), {}, (2, 3)),
    ("tril", (), {}, (3, 4)),
    ("triu", (1,), {}, (2, 3, 4)),
    ("tril", (-1,), {}, (4, 3)),
    ("diag", (), {}, (4,)),
    ("diag", (-1,), {}, (3,)),
    ("diag", (1,), {}, (3, 4)),
    ("diagflat", (), {}, (2, 2)),
    ("diagflat", (-1,), {}, (3,)),
    ("diagonal", (), {}, (3, 4)),
    ("diagonal", (1, 0, 2), {}, (3, 2, 4)),
    ("diagonal", (-1, 2, 1), {}, (2, 4, 3)),
    ("trace", (), {}, (3, 4)),
    ("trace", (1, 0, 2), {}, (3, 2, 4)),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), UNARY)
def test_unary_shape_parity(name, args, kwargs, shape):
    x = _x(shape)
    assert_parity(
        lambda t: lop(name)(t, *args, **kwargs),
        lambda t: getattr(keras.ops, name)(t, *args, **kwargs),
        [x],
    )


@pytest.mark.parametrize("name", ["transpose", "flip", "tile", "trace", "diagonal", "repeat"])
def test_integer_dtype_parity(name):
    args = {"tile": (2,), "repeat": (2,)}.get(name, ())
    x = _x((3, 3), dtype="int32")
    assert_parity(lambda t: lop(name)(t, *args), lambda t: getattr(keras.ops, name)(t, *args), [x])


def test_repeat_with_counts_parity():
    x = _x((3, 2))
    counts = np.array([1, 0, 2])
    assert_parity(
        lambda t: lop("repeat")(t, counts, axis=0),
        lambda t: keras.ops.repeat(t, counts, axis=0),
        [x],
    )


JOIN = [
    ("concatenate", [(2, 3), (1, 3)], {"axis": 0}),
    ("concatenate", [(2, 3), (2, 1), (2, 2)], {"axis": -1}),
    ("concatenate", [(2, 3), (3,)], {"axis": None}),
    ("stack", [(2, 3), (2, 3)], {"axis": 1}),
    ("stack", [(3,), (3,), (3,)], {"axis": -1}),
    ("hstack", [(2, 3), (2, 1)], {}),
    ("hstack", [(3,), (2,)], {}),
    ("vstack", [(3,), (3,)], {}),
    ("vstack", [(2, 3), (1, 3)], {}),
    ("dstack", [(2, 3), (2, 3)], {}),
    ("dstack", [(3,), (3,)], {}),
]


@pytest.mark.parametrize(("name", "shapes", "kwargs"), JOIN)
def test_join_parity(name, shapes, kwargs):
    xs = [_x(s, seed=i) for i, s in enumerate(shapes)]
    assert_parity(
        lambda *t: lop(name)(list(t), **kwargs),
        lambda *t: getattr(keras.ops, name)(list(t), **kwargs),
        xs,
    )


def test_join_mixed_dtypes_parity():
    a, b = _x((2, 3), dtype="int32"), _x((1, 3))
    assert_parity(
        lambda x, y: lop("concatenate")([x, y]), lambda x, y: keras.ops.concatenate([x, y]), [a, b]
    )
    assert_parity(lambda x, y: lop("append")(x, y), lambda x, y: keras.ops.append(x, y), [a, b])
    assert_parity(
        lambda x, y: lop("append")(x, y, axis=0),
        lambda x, y: keras.ops.append(x, y, axis=0),
        [b, a],
    )


SPLIT = [
    ("split", (2,), {"axis": 0}, (4, 3)),
    ("split", ([1, 3],), {"axis": 1}, (2, 5)),
    ("array_split", (3,), {"axis": 1}, (2, 5)),
    ("hsplit", (2,), {}, (3, 4)),
    ("hsplit", (2,), {}, (4,)),
    ("vsplit", (2,), {}, (4, 3)),
    ("dsplit", (2,), {}, (2, 3, 4)),
    ("unstack", (), {"axis": 1}, (2, 3, 4)),
    ("unstack", (), {}, (3, 2)),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), SPLIT)
def test_split_parity(name, args, kwargs, shape):
    x = _x(shape)
    assert_parity(
        lambda t: lop(name)(t, *args, **kwargs),
        lambda t: getattr(keras.ops, name)(t, *args, **kwargs),
        [x],
    )


def test_split_partial_use_parity():
    """Only some pieces feed the loss: the others' cotangents are zeros."""
    x = _x((6, 2))
    assert_parity(
        lambda t: lop("split")(t, 3)[1] * 2.0,
        lambda t: keras.ops.split(t, 3)[1] * 2.0,
        [x],
    )


PAD = [
    (1, "constant", None),
    (((1, 2), (0, 3)), "constant", 2.5),
    (((1, 1), (2, 2)), "reflect", None),
    (((2, 1), (1, 2)), "symmetric", None),
    (((1, 1), (2, 2)), "edge", None),
    (((1, 1), (2, 2)), "wrap", None),
    (((1, 1), (2, 2)), "maximum", None),
    (((1, 1), (2, 2)), "minimum", None),
    (((1, 1), (2, 2)), "mean", None),
    (((1, 2), (2, 1)), "median", None),
    (((1, 1), (2, 3)), "linear_ramp", None),
    ((2, 1), "empty", None),
]


@pytest.mark.parametrize(("pad_width", "mode", "value"), PAD)
def test_pad_parity(pad_width, mode, value):
    x = _x((3, 4))
    kwargs = {} if value is None else {"constant_values": value}
    if mode == "empty":  # JAX leaves "empty" padding unspecified; compare the interior only
        out = lop("pad")(x, pad_width, mode=mode)
        np.testing.assert_array_equal(out.numpy()[2:-1, 2:-1], x)
        return
    assert_parity(
        lambda t: lop("pad")(t, pad_width, mode=mode, **kwargs),
        lambda t: keras.ops.pad(t, pad_width, mode=mode, **kwargs),
        [x],
    )


def test_pad_integer_parity():
    x = _x((3, 4), dtype="int32")
    for mode in ("constant", "mean", "reflect"):
        assert_parity(
            lambda t, m=mode: lop("pad")(t, ((1, 1), (2, 2)), mode=m),
            lambda t, m=mode: keras.ops.pad(t, ((1, 1), (2, 2)), mode=m),
            [x],
        )


REARRANGE = [
    ("b h w c -> b c h w", {}, (2, 3, 4, 5)),
    ("b h w c -> (b h) w c", {}, (2, 3, 4, 5)),
    ("b h w c -> b (c h w)", {}, (2, 3, 4, 5)),
    ("b (h1 h) (w1 w) c -> (b h1 w1) h w c", {"h1": 2, "w1": 2}, (2, 4, 6, 3)),
    ("b (h h1) (w w1) c -> b h w (c h1 w1)", {"h1": 2, "w1": 3}, (2, 4, 6, 3)),
]


@pytest.mark.parametrize(("pattern", "lengths", "shape"), REARRANGE)
def test_rearrange_parity(pattern, lengths, shape):
    x = _x(shape)
    assert_parity(
        lambda t: lop("rearrange")(t, pattern, **lengths),
        lambda t: keras.ops.rearrange(t, pattern, **lengths),
        [x],
    )


def test_ndim_size_parity():
    x = _x((2, 3, 4))
    assert lop("ndim")(x) == keras.ops.ndim(x) == 3
    assert lop("size")(x) == keras.ops.size(x) == 24
