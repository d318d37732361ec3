"""Creation ops: arange, zeros/ones/full/empty (and _like), eye, tri, spaced sequences, windows."""

import importlib

import numpy as np
import pytest

import lamina
from lamina.autodiff.gradient_check import check_gradients

_MODULES = ["creation", "sequences", "windows"]


def lop(name):
    """The lamina op `name` from the creation modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


# name, args, kwargs, NumPy reference values, Keras's dtype
CASES = [
    ("arange", (5,), {}, np.arange(5), "int32"),
    ("arange", (5.0,), {}, np.arange(5.0), "float32"),
    ("arange", (1, 5, 0.5), {}, np.arange(1, 5, 0.5), "float32"),
    ("arange", (np.int64(3),), {}, np.arange(3), "int32"),
    ("arange", (np.float16(3),), {}, np.arange(3), "float16"),
    ("arange", (0, 5), {"dtype": "float16"}, np.arange(5), "float16"),
    ("arange", (0,), {}, np.arange(0), "int32"),
    ("zeros", ((2, 3),), {}, np.zeros((2, 3)), "float32"),
    ("zeros", (3,), {"dtype": "int32"}, np.zeros(3), "int32"),
    ("ones", ((0, 2),), {}, np.ones((0, 2)), "float32"),
    ("full", ((2,), 7), {}, np.full(2, 7.0), "float32"),
    ("full", ((2,), True), {}, np.ones(2), "float32"),
    ("full", ((2, 3), [1.0, 2.0, 3.0]), {}, np.tile([1.0, 2.0, 3.0], (2, 1)), "float32"),
    ("eye", (3,), {}, np.eye(3), "float32"),
    ("eye", (2, 3), {"k": 1, "dtype": "int32"}, np.eye(2, 3, 1), "int32"),
    ("identity", (2,), {}, np.identity(2), "float32"),
    ("tri", (3,), {}, np.tri(3), "float32"),
    ("tri", (3, 2), {"k": -1, "dtype": "int32"}, np.tri(3, 2, -1), "int32"),
    ("array", ([1, 2],), {}, np.array([1, 2]), "int32"),
    ("array", ([1.0, 2.0],), {}, np.array([1.0, 2.0]), "float32"),
    ("array", (np.ones(2, "float64"),), {}, np.ones(2), "float64"),
    ("array", ([True],), {}, np.array([True]), "bool"),
    ("linspace", (0, 1, 5), {}, np.linspace(0, 1, 5), "float32"),
    ("linspace", (0, 10, 5), {"dtype": "int32"}, [0, 2, 5, 7, 10], "int32"),
    (
        "linspace",
        (0.0, 1.0, 4),
        {"endpoint": False},
        np.linspace(0, 1, 4, endpoint=False),
        "float32",
    ),
    ("linspace", (0.0, 1.0, 0), {}, np.linspace(0, 1, 0), "float32"),
    ("linspace", (np.float16(0), np.float16(1), 3), {}, [0, 0.5, 1], "float16"),
    ("logspace", (0, 2, 3), {}, np.logspace(0, 2, 3), "float32"),
    ("logspace", (0, 3, 4), {"base": 2}, np.logspace(0, 3, 4, base=2), "float32"),
    ("geomspace", (1, 1000, 4), {}, np.geomspace(1, 1000, 4), "float32"),
    ("geomspace", (-1.0, -100.0, 3), {}, np.geomspace(-1, -100, 3), "float32"),
    ("bartlett", (5,), {}, np.bartlett(5), "float32"),
    ("blackman", (6,), {}, np.blackman(6), "float32"),
    ("hamming", (5,), {}, np.hamming(5), "float32"),
    ("hanning", (1,), {}, np.hanning(1), "float32"),
    ("kaiser", (5, 14.0), {}, np.kaiser(5, 14.0), "float32"),
    ("vander", (np.array([1, 2, 3], "int32"),), {}, np.vander([1, 2, 3]), "int32"),
    (
        "vander",
        (np.array([1.0, 2.0], "float32"), 3, True),
        {},
        np.vander([1, 2], 3, True),
        "float32",
    ),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "expected", "dtype"), CASES)
def test_values_and_dtypes(name, args, kwargs, expected, dtype):
    out = lop(name)(*args, **kwargs)
    assert out.dtype == dtype
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like"])
@pytest.mark.parametrize("dtype", [None, "int32", "float16"])
def test_like(name, dtype):
    x = np.ones((2, 3), "float32")
    args = (x, 4) if name == "full_like" else (x,)
    out = lop(name)(*args, dtype=dtype)
    assert out.shape == (2, 3) and out.dtype == (dtype or "float32")
    if name != "empty_like":
        expected = {"zeros_like": 0, "ones_like": 1, "full_like": 4}[name]
        np.testing.assert_array_equal(out.numpy(), np.full((2, 3), expected))


def test_like_of_python_data_and_tensors():
    assert lop("zeros_like")([[1, 2]]).dtype == "int32"
    assert lop("ones_like")(lop("ones")((2,), dtype="bool")).dtype == "bool"
    assert lop("full_like")(np.ones(2, "int32"), 2.5).numpy().tolist() == [2, 2]


def test_empty_and_errors():
    assert lop("empty")((2, 0)).shape == (2, 0)
    with pytest.raises(TypeError, match="eye: `N` must be an integer"):
        lop("eye")(3.0)
    with pytest.raises(TypeError, match="arange: bool"):
        lop("arange")(True)
    with pytest.raises(ValueError, match="vander: `x` must be 1-D"):
        lop("vander")(np.ones((2, 2)))
    with pytest.raises(ValueError, match="meshgrid: `indexing`"):
        lop("meshgrid")(np.ones(2), indexing="yx")


def test_linspace_retstep_and_axis():
    values, step = lop("linspace")(0.0, 2.0, 5, retstep=True)
    assert float(step) == 0.5 and values.shape == (5,)
    out = lop("linspace")(np.zeros(2, "float32"), np.ones(2, "float32"), 3, axis=1)
    np.testing.assert_allclose(out.numpy(), [[0, 0.5, 1], [0, 0.5, 1]])
    assert lop("linspace")(np.zeros(2, "int32"), 4, 3).dtype == "float32"


SPACED = [
    ("linspace", {"num": 5}),
    ("linspace", {"num": 4, "endpoint": False, "axis": -1}),
    ("linspace", {"num": 1}),
    ("logspace", {"num": 4, "base": 3.0}),
    ("geomspace", {"num": 5, "axis": 1}),
]


@pytest.mark.parametrize(("name", "kwargs"), SPACED)
def test_spaced_gradients(name, kwargs, rng):
    start = rng.uniform(0.5, 1.0, 2)
    stop = rng.uniform(2.0, 3.0, (3, 2))
    check_gradients(lambda a, b: lop(name)(a, b, **kwargs), [start, stop])


def test_full_gradients(rng):
    fill = rng.standard_normal(3)
    check_gradients(lambda f: lop("full")((2, 3), f, dtype="float64"), [fill])
    check_gradients(lambda f: lop("full_like")(np.zeros((4, 3)), f), [fill])


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing, rng):
    a, b, c = rng.standard_normal(3), rng.standard_normal(2), rng.standard_normal(4)
    grids = lop("meshgrid")(a, b, c, indexing=indexing)
    for ours, theirs in zip(grids, np.meshgrid(a, b, c, indexing=indexing)):
        np.testing.assert_array_equal(ours.numpy(), theirs)
    check_gradients(lambda x, y, z: lop("meshgrid")(x, y, z, indexing=indexing), [a, b, c])
    check_gradients(lambda x: lop("meshgrid")(x, indexing=indexing), [a])


def test_vander_gradients(rng):
    x = rng.standard_normal(4)
    check_gradients(lambda t: lop("vander")(t), [x])
    check_gradients(lambda t: lop("vander")(t, 2, True), [x])


def test_created_on_the_current_device():
    with lamina.device("cpu"):
        assert lop("zeros")((2,)).device == "cpu"
        assert lop("arange")(3).device == "cpu"
