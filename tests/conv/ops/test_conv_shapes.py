"""Output shapes and dtypes of the conv and pool ops, including size-1 dimensions."""

import numpy as np
import pytest

import lamina
from lamina import ops


@pytest.mark.parametrize(
    "op,args,in_shape,out_shape",
    [
        ("conv", (np.ones((3, 2, 4)),), (2, 10, 2), (2, 8, 4)),
        ("conv", (np.ones((1, 1, 1)),), (1, 1, 1), (1, 1, 1)),
        ("conv", (np.ones((3, 3, 1, 5)), 2, "same"), (1, 1, 1, 1), (1, 1, 1, 5)),
        ("conv", (np.ones((2, 2, 2, 3, 6)), 1, "same"), (2, 3, 1, 4, 3), (2, 3, 1, 4, 6)),
        ("conv_transpose", (np.ones((3, 4, 2)), 2), (2, 5, 2), (2, 11, 4)),
        ("conv_transpose", (np.ones((1, 1, 4, 1)), 3, "same"), (1, 1, 1, 1), (1, 3, 3, 4)),
        ("depthwise_conv", (np.ones((3, 3, 1)), 1, "same"), (2, 1, 3), (2, 1, 3)),
        ("max_pool", (1,), (1, 1, 1, 1), (1, 1, 1, 1)),
        ("max_pool", (2, None, "same"), (2, 5, 1, 3), (2, 3, 1, 3)),
        ("average_pool", (3, 1, "same"), (2, 1, 4, 2, 3), (2, 1, 4, 2, 3)),
        ("adaptive_max_pool", (1,), (2, 5, 4, 3), (2, 1, 1, 3)),
        ("adaptive_average_pool", ((2, 1),), (2, 5, 4, 3), (2, 2, 1, 3)),
    ],
)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_shapes_and_dtypes(op, args, in_shape, out_shape, dtype):
    args = tuple(a.astype(dtype) if isinstance(a, np.ndarray) else a for a in args)
    out = getattr(ops, op)(np.ones(in_shape, dtype), *args)
    assert out.shape == out_shape
    assert out.dtype == dtype


@pytest.mark.parametrize(
    "op,args",
    [
        ("conv", (np.ones((3, 3, 3, 4), "float32"), 2, "same")),
        ("conv_transpose", (np.ones((3, 3, 4, 3), "float32"), 2, "same")),
        ("depthwise_conv", (np.ones((3, 3, 3, 2), "float32"),)),
        ("separable_conv", (np.ones((3, 3, 3, 2), "float32"), np.ones((1, 1, 6, 4), "float32"))),
        ("max_pool", (2,)),
        ("average_pool", (3, 2, "same")),
        ("adaptive_max_pool", (4,)),
        ("adaptive_average_pool", (4,)),
    ],
)
def test_float32_stays_float32_in_the_backward_pass(op, args):
    # The raw forward and vjp, before the engine casts cotangents to the inputs' dtypes.
    fn = getattr(ops, op)
    inputs = [np.ones((2, 6, 6, 3), "float32"), *args[: fn.nin - 1]]
    out, vjp = fn.forward(*inputs, *args[fn.nin - 1 :])
    assert out.dtype == np.float32
    for grad in vjp(np.ones(out.shape, "float32")):
        assert (grad() if callable(grad) else grad).dtype == np.float32


def test_channels_first_matches_channels_last(rng):
    x = rng.standard_normal((2, 7, 6, 4)).astype("float32")
    kernel = rng.standard_normal((3, 3, 2, 6)).astype("float32")
    last = ops.conv(x, kernel, 2, "same").numpy()
    first = ops.conv(np.moveaxis(x, -1, 1), kernel, 2, "same", "channels_first").numpy()
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), last, rtol=1e-6, atol=1e-6)


def test_default_data_format_follows_config():
    previous = lamina.config.image_data_format()
    try:
        lamina.config.set_image_data_format("channels_first")
        assert ops.max_pool(np.ones((1, 3, 4, 4), "float32"), 2).shape == (1, 3, 2, 2)
    finally:
        lamina.config.set_image_data_format(previous)


def test_ops_work_on_symbolic_inputs():
    x = lamina.Input((8, 8, 3))
    y = ops.conv(x, np.ones((3, 3, 3, 5), "float32"), padding="same")
    assert tuple(y.shape) == (None, 8, 8, 5)
