import numpy as np
import pytest

from lamina import ops
from lamina.autodiff.gradient_check import check_gradients

BINARY = {
    "add": (ops.add, np.add),
    "subtract": (ops.subtract, np.subtract),
    "multiply": (ops.multiply, np.multiply),
    "divide": (ops.divide, np.divide),
}
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((0, 4), (1, 4)), ((), (2,))]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", SHAPES)
def test_forward_shapes(name, shapes, rng):
    op, ref = BINARY[name]
    a = rng.standard_normal(shapes[0]).astype("float32")
    b = rng.uniform(0.5, 2.0, shapes[1]).astype("float32")
    out = op(a, b)
    np.testing.assert_allclose(out.numpy(), ref(a, b), rtol=1e-6)
    assert out.dtype == "float32"


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", SHAPES)
def test_gradients(name, shapes, rng):
    op, _ = BINARY[name]
    a = rng.standard_normal(shapes[0])
    b = rng.uniform(0.5, 2.0, shapes[1])
    check_gradients(op, [a, b])


def test_python_float_keeps_tensor_float_dtype():
    x = ops.convert_to_tensor(np.ones(3, "float16"))
    assert (x * 2.0).dtype == "float16"
    assert (ops.convert_to_tensor([1, 2]) + 0.5).dtype == "float32"


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\).*\(4,\)"):
        ops.add(np.ones((2, 3)), np.ones(4))
