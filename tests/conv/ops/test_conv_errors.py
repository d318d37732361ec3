"""Bad arguments get errors that name the op, what it expected and what it received."""

import numpy as np
import pytest

from lamina import ops

X = np.ones((2, 6, 6, 4), "float32")


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ops.conv(np.ones((6, 4), "float32"), np.ones((3, 4, 2))), "rank 3, 4 or 5"),
        (lambda: ops.conv(X, np.ones((3, 4, 2), "float32")), "kernel must have rank 4"),
        (lambda: ops.conv(X, np.ones((3, 3, 3, 2), "float32")), "multiple of the kernel"),
        (lambda: ops.conv(X, np.ones((3, 3, 2, 3), "float32")), "multiple of the number of"),
        (lambda: ops.conv(X, np.ones((3, 3, 4, 2), "float32"), padding="full"), "'valid' or"),
        (lambda: ops.conv(X, np.ones((3, 3, 4, 2), "float32"), strides=(1, 2, 3)), "strides"),
        (lambda: ops.conv(X, np.ones((3, 3, 4, 2), "float32"), strides=0), "strides"),
        (lambda: ops.conv(X, np.ones((7, 7, 4, 2), "float32")), "does not fit"),
        (lambda: ops.conv(X, np.ones((3, 3, 4, 2)), data_format="nhwc"), "data_format"),
        (lambda: ops.conv_transpose(X, np.ones((3, 3, 2, 3), "float32")), "kernel.shape\\[-1\\]"),
        (lambda: ops.depthwise_conv(X, np.ones((3, 3, 3, 1), "float32")), "input channels"),
        (lambda: ops.max_pool(X, (2, 2, 2)), "pool_size"),
        (lambda: ops.average_pool(X, 8), "does not fit"),
        (lambda: ops.adaptive_max_pool(X, 0), "output_size"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_error_names_the_op():
    with pytest.raises(ValueError, match=r"^conv_transpose: "):
        ops.conv_transpose(X, np.ones((3, 3, 2, 3), "float32"))
