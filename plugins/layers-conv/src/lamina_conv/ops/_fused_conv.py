"""`conv_bias_activation`: convolution + bias + ReLU (or linear) as one primitive.

The Conv layers' common case. Fused, the bias and the ReLU run in place on the GEMM's
output buffer (no intermediate arrays, two fewer tape nodes), and the backward pass takes
the ReLU's mask from the saved output, as `dense_forward` does for Dense.
"""

from __future__ import annotations

from lamina.autodiff import primitive
from lamina.backend import namespace
from lamina_conv.ops._conv_core import conv_core
from lamina_conv.ops._geometry import channel_axis, data_format_arg

ACTIVATIONS = ("linear", "relu")


@primitive(nin=3)
def conv_bias_activation(
    inputs,
    kernel,
    bias,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
    activation="linear",
):
    """`activation(conv(inputs, kernel, ...) + bias)`; `bias` may be None.

    Args:
        inputs, kernel, strides, padding, data_format, dilation_rate: as in `ops.conv`.
        bias: `(filters,)` or None.
        activation: "linear" or "relu".

    Example:
        >>> x = ops.ones((2, 8, 8, 3))
        >>> conv_bias_activation(x, ops.ones((3, 3, 3, 4)), None, activation="relu").shape
        (2, 6, 6, 4)
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"conv_bias_activation: activation must be one of {ACTIVATIONS}, "
            f"received {activation!r}."
        )
    xp = namespace(inputs)
    # `out` is always a new array (the GEMM's output buffer or a copy of it): safe to
    # update in place.
    out, backward = conv_core("conv", inputs, kernel, strides, padding, data_format, dilation_rate)
    axis = channel_axis(data_format_arg(data_format)) % out.ndim
    if bias is not None:
        out += bias.astype(out.dtype, copy=False).reshape((-1,) + (1,) * (out.ndim - 1 - axis))
    if activation == "relu":
        out.clip(0.0, xp.inf, out=out)  # as `ops.relu`, so fused and unfused agree bitwise

    def vjp(g):
        dz = g * (out > 0) if activation == "relu" else g
        grad_inputs, grad_kernel = backward(dz)
        if bias is None:
            return grad_inputs, grad_kernel, None
        other_axes = tuple(a for a in range(out.ndim) if a != axis)
        return grad_inputs, grad_kernel, (lambda: dz.sum(axis=other_axes))

    return out, vjp
