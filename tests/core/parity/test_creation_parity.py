"""Creation ops (arange, zeros, linspace, windows, ...) against Keras on JAX."""

import importlib

import numpy as np
import pytest
from harness import assert_parity, keras

_MODULES = ["creation", "sequences", "windows"]


def lop(name):
    """The lamina op `name` from the creation modules."""
    for module in _MODULES:
        op = getattr(importlib.import_module(f"lamina.ops.{module}"), name, None)
        if op is not None:
            return op
    raise AttributeError(name)


NO_INPUT = [
    ("arange", (5,), {}),
    ("arange", (5.0,), {}),
    ("arange", (1, 5, 0.5), {}),
    ("arange", (2, 9, 3), {"dtype": "float16"}),
    ("arange", (np.float16(4),), {}),
    ("zeros", ((2, 3),), {}),
    ("zeros", (3,), {"dtype": "int32"}),
    ("ones", ((2,),), {"dtype": "bool"}),
    ("full", ((2, 3), 7), {}),
    ("full", ((2,), 3), {"dtype": "int32"}),
    ("eye", (3,), {}),
    ("eye", (3, 4), {"k": 1, "dtype": "int32"}),
    ("identity", (3,), {}),
    ("tri", (3,), {}),
    ("tri", (3, 5), {"k": -1, "dtype": "int32"}),
    ("array", ([1, 2],), {}),
    ("array", ([[1.0, 2.0]],), {}),
    ("array", ([True, False],), {}),
    ("array", ([1, 2],), {"dtype": "float16"}),
    ("linspace", (0, 1, 5), {}),
    ("linspace", (0, 10, 5), {"dtype": "int32"}),
    ("linspace", (0.0, 1.0, 4), {"endpoint": False}),
    ("linspace", (2.0, 3.0, 1), {}),
    ("logspace", (0, 2, 3), {}),
    ("logspace", (0, 3, 4), {"base": 2}),
    ("geomspace", (1, 1000, 4), {}),
    ("geomspace", (-1.0, -100.0, 3), {"endpoint": False}),
    ("bartlett", (7,), {}),
    ("blackman", (7,), {}),
    ("hamming", (7,), {}),
    ("hanning", (7,), {}),
    ("kaiser", (7, 14.0), {}),
    ("hanning", (1,), {}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), NO_INPUT)
def test_creation_parity(name, args, kwargs):
    ours = lop(name)(*args, **kwargs)
    theirs = np.asarray(getattr(keras.ops, name)(*args, **kwargs))
    ours = ours.numpy()
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype, f"{ours.dtype} vs keras {theirs.dtype}"
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_linspace_retstep_parity():
    values, step = lop("linspace")(0.0, 2.0, 5, retstep=True)
    k_values, k_step = keras.ops.linspace(0.0, 2.0, 5, retstep=True)
    np.testing.assert_allclose(values.numpy(), k_values)
    assert step.dtype == str(k_step.dtype)
    np.testing.assert_allclose(step.numpy(), k_step)


LIKE = ["zeros_like", "ones_like", "empty_like"]


@pytest.mark.parametrize("name", LIKE)
@pytest.mark.parametrize("dtype", [None, "int32", "float16"])
def test_like_parity(name, dtype):
    x = np.ones((2, 3), "float32")
    ours = lop(name)(x, dtype=dtype)
    theirs = getattr(keras.ops, name)(x, dtype=dtype)
    assert ours.shape == theirs.shape and ours.dtype == str(theirs.dtype)
    if name != "empty_like":
        np.testing.assert_array_equal(ours.numpy(), theirs)


def test_full_like_parity():
    ints = np.ones((2, 3), "int32")
    assert_parity(lambda x: lop("full_like")(x, 2.5), lambda x: keras.ops.full_like(x, 2.5), [ints])
    fill = np.array([1.0, 2.0, 3.0], "float32")
    assert_parity(lambda f: lop("full")((2, 3), f), lambda f: keras.ops.full((2, 3), f), [fill])
    assert_parity(
        lambda x, f: lop("full_like")(x, f), lambda x, f: keras.ops.full_like(x, f), [ints, fill]
    )


def test_linspace_gradient_parity():
    start = np.array([0.0, 1.0], "float32")
    stop = np.array([[2.0, 5.0], [3.0, -1.0]], "float32")
    for fn in ("linspace", "logspace"):
        for axis in (0, -1):
            assert_parity(
                lambda a, b, f=fn, ax=axis: lop(f)(a, b, 4, axis=ax),
                lambda a, b, f=fn, ax=axis: getattr(keras.ops, f)(a, b, 4, axis=ax),
                [start, stop],
            )
    assert_parity(
        lambda a, b: lop("geomspace")(a, b, 5, axis=1),
        lambda a, b: keras.ops.geomspace(a, b, 5, axis=1),
        [start + 1, np.abs(stop) + 1],
    )


def test_meshgrid_parity():
    a = np.arange(3, dtype="float32")
    b = np.arange(2, dtype="float32") + 0.5
    c = np.arange(4, dtype="float32")
    for indexing in ("xy", "ij"):
        assert_parity(
            lambda x, y, z, i=indexing: lop("meshgrid")(x, y, z, indexing=i),
            lambda x, y, z, i=indexing: keras.ops.meshgrid(x, y, z, indexing=i),
            [a, b, c],
        )


def test_vander_parity():
    x = np.array([0.5, -1.0, 2.0], "float32")
    for n, increasing in [(None, False), (4, True), (2, False)]:
        assert_parity(
            lambda t, n=n, inc=increasing: lop("vander")(t, n, inc),
            lambda t, n=n, inc=increasing: keras.ops.vander(t, n, inc),
            [x],
        )
    ints = np.array([1, 2, 3], "int32")
    assert_parity(lambda t: lop("vander")(t), lambda t: keras.ops.vander(t), [ints])
