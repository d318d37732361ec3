"""`conv`, `depthwise_conv` and `separable_conv`: N-D convolutions, each one primitive."""

from __future__ import annotations

from lamina.autodiff import primitive
from lamina_conv.ops._conv_core import conv_core
from lamina_conv.ops._geometry import data_format_arg, spatial_rank

__all__ = ["conv", "depthwise_conv", "separable_conv"]


@primitive(nin=2)
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """General N-D convolution (1D, 2D or 3D), grouped when the kernel asks for it.

    Args:
        inputs: tensor of rank N+2, `(batch, *spatial, channels)` for "channels_last"
            or `(batch, channels, *spatial)` for "channels_first".
        kernel: tensor `(*kernel_size, channels // groups, filters)`.
        strides: int or tuple of N ints.
        padding: "valid" or "same" (the odd extra padding goes at the end, as Keras).
        data_format: "channels_last" or "channels_first"; None means
            `lamina.config.image_data_format()`.
        dilation_rate: int or tuple of N ints.

    Returns:
        The convolution, rank N+2, in the inputs' data format.

    Example:
        >>> x = ops.ones((2, 8, 8, 3))
        >>> ops.conv(x, ops.ones((3, 3, 3, 4)), padding="same").shape
        (2, 8, 8, 4)
    """
    return conv_core("conv", inputs, kernel, strides, padding, data_format, dilation_rate)


def _depthwise_kernel_as_grouped(op, inputs, kernel, data_format):
    """Keras's depthwise kernel `(*k, C, M)` as the grouped-conv kernel `(*k, 1, C * M)`."""
    spatial_rank(op, inputs, kernel.ndim)
    axis = -1 if data_format_arg(data_format) == "channels_last" else 1
    if inputs.shape[axis] != kernel.shape[-2]:
        raise ValueError(
            f"{op}: the number of input channels must match the kernel's input channels "
            f"(kernel.shape[-2]). Received input channels={inputs.shape[axis]}, kernel "
            f"shape={tuple(kernel.shape)}, data_format='{data_format_arg(data_format)}'."
        )
    return kernel.reshape(*kernel.shape[:-2], 1, kernel.shape[-2] * kernel.shape[-1])


@primitive(nin=2)
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D depthwise convolution: each input channel convolved with its own filters.

    Args:
        inputs: tensor of rank N+2 (see `conv`).
        kernel: tensor `(*kernel_size, channels, depth_multiplier)`.
        strides, padding, data_format, dilation_rate: as in `conv`.

    Returns:
        A tensor with `channels * depth_multiplier` channels.

    Example:
        >>> x = ops.ones((2, 8, 8, 3))
        >>> ops.depthwise_conv(x, ops.ones((3, 3, 3, 2))).shape
        (2, 6, 6, 6)
    """
    grouped = _depthwise_kernel_as_grouped("depthwise_conv", inputs, kernel, data_format)
    out, backward = conv_core(
        "depthwise_conv", inputs, grouped, strides, padding, data_format, dilation_rate
    )

    def vjp(g):
        grad_inputs, grad_kernel = backward(g)
        return grad_inputs, (lambda: grad_kernel().reshape(kernel.shape))

    return out, vjp


@primitive(nin=3)
def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """N-D separable convolution: a depthwise convolution, then a 1x1 convolution.

    Args:
        inputs: tensor of rank N+2 (see `conv`).
        depthwise_kernel: tensor `(*kernel_size, channels, depth_multiplier)`.
        pointwise_kernel: tensor `(*(1,) * N, channels * depth_multiplier, filters)`.
        strides, padding, data_format, dilation_rate: those of the depthwise step.

    Example:
        >>> x = ops.ones((2, 8, 8, 3))
        >>> ops.separable_conv(x, ops.ones((3, 3, 3, 2)), ops.ones((1, 1, 6, 5))).shape
        (2, 6, 6, 5)
    """
    op = "separable_conv"
    grouped = _depthwise_kernel_as_grouped(op, inputs, depthwise_kernel, data_format)
    mid, depthwise_backward = conv_core(
        op, inputs, grouped, strides, padding, data_format, dilation_rate
    )
    out, pointwise_backward = conv_core(
        op, mid, pointwise_kernel, 1, "valid", data_format, dilation_rate
    )

    def vjp(g):
        grad_mid, grad_pointwise = pointwise_backward(g)
        cache = {}

        def depthwise_grads():
            if not cache:
                cache["fns"] = depthwise_backward(grad_mid())
            return cache["fns"]

        return (
            lambda: depthwise_grads()[0](),
            lambda: depthwise_grads()[1]().reshape(depthwise_kernel.shape),
            grad_pointwise,
        )

    return out, vjp
