"""Every conv/pool op on CuPy matches NumPy, values and gradients (needs a CUDA GPU)."""

import numpy as np
import pytest

import lamina
from lamina import ops

CASES = [
    ("conv", ((3, 3, 2, 6), 2, "same", None, 1)),
    ("conv", ((3, 3, 4, 4), 1, "valid", None, 2)),
    ("conv_transpose", ((3, 3, 5, 4), 2, "same")),
    ("depthwise_conv", ((3, 3, 4, 2), 1, "same")),
    ("separable_conv", ((3, 3, 4, 2), (1, 1, 8, 3), 2, "same")),
    ("max_pool", (3, 2, "same")),
    ("average_pool", (3, 2, "same")),
    ("adaptive_max_pool", ((3, 2),)),
    ("adaptive_average_pool", ((3, 2),)),
]


def _run(name, x, args):
    fn = getattr(ops, name)
    tensors = [ops.convert_to_tensor(a) for a in (x, *args[: fn.nin - 1])]
    with lamina.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        out = fn(*tensors, *args[fn.nin - 1 :])
        loss = ops.sum(out * out)
    return [out.numpy()] + [g.numpy() for g in tape.gradient(loss, tensors)]


@pytest.mark.gpu
@pytest.mark.parametrize("name,spec", CASES)
def test_cupy_matches_numpy(name, spec):
    pytest.importorskip("cupy")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 9, 8, 4)).astype("float32")
    args = tuple(
        rng.standard_normal(a).astype("float32") if isinstance(a, tuple) and len(a) == 4 else a
        for a in spec
    )
    expected = _run(name, x, args)
    try:
        lamina.config.set_device("gpu:0")
    except lamina.backend.DeviceUnavailableError as err:
        pytest.skip(str(err))
    try:
        got = _run(name, x, args)
    finally:
        lamina.config.set_device("cpu")
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-4)
