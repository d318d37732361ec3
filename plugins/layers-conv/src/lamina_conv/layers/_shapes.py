"""Output shapes of convolution and pooling windows (None for unknown sizes)."""

from __future__ import annotations

# Shared with the ops: which axes are spatial and which is the channel axis.
from lamina_conv.ops._geometry import channel_axis, spatial_axes

__all__ = [
    "channel_axis",
    "conv_output_shape",
    "conv_transpose_output_shape",
    "pooling_output_shape",
    "spatial_axes",
    "window_output_size",
    "with_spatial",
]


def with_spatial(input_shape, spatial, channels, data_format: str) -> tuple:
    """`(batch, *spatial, channels)` or `(batch, channels, *spatial)`."""
    if data_format == "channels_last":
        return (input_shape[0], *spatial, channels)
    return (input_shape[0], channels, *spatial)


def window_output_size(size, window, stride, dilation, padding):
    """Output length of a sliding window along one axis (Keras's rules; None stays None)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - dilation * (window - 1) - 1) // stride + 1
    return (size - 1) // stride + 1


def conv_output_shape(
    owner, input_shape, filters, kernel_size, strides, padding, data_format, dilation_rate
) -> tuple:
    """The output shape of a convolution; raises if a known size would be <= 0."""
    input_shape = tuple(input_shape)
    rank = len(kernel_size)
    if len(input_shape) != rank + 2:
        raise ValueError(
            f"{owner}: expected inputs of rank {rank + 2} (batch, {rank} spatial axes, "
            f"channels). Received: input_shape={input_shape}."
        )
    sizes = [input_shape[a] for a in spatial_axes(rank, data_format)]
    # "causal" pads only at the start but keeps the length, exactly as "same" does.
    mode = "valid" if padding == "valid" else "same"
    out = [
        window_output_size(n, k, s, d, mode)
        for n, k, s, d in zip(sizes, kernel_size, strides, dilation_rate)
    ]
    if any(o is not None and o <= 0 for o in out):
        raise ValueError(
            f"{owner}: the computed output size would be zero or negative. Received: "
            f"input_shape={input_shape}, kernel_size={kernel_size}, strides={strides}, "
            f"dilation_rate={dilation_rate}, padding={padding!r}. Hint: use a smaller "
            "kernel or `padding='same'`."
        )
    return with_spatial(input_shape, out, filters, data_format)


def conv_transpose_output_shape(
    input_shape, filters, kernel_size, strides, padding, output_padding, data_format, dilation
) -> tuple:
    """The output shape of a transposed convolution (Keras's `deconv_output_length`)."""
    input_shape = tuple(input_shape)
    rank = len(kernel_size)
    sizes = [input_shape[a] for a in spatial_axes(rank, data_format)]
    pads = output_padding if output_padding is not None else (None,) * rank
    out = [
        _deconv_length(n, k, s, p, padding, d)
        for n, k, s, p, d in zip(sizes, kernel_size, strides, pads, dilation)
    ]
    return with_spatial(input_shape, out, filters, data_format)


def _deconv_length(size, kernel, stride, output_padding, padding, dilation):
    if size is None:
        return None
    kernel = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(kernel, stride) - kernel if output_padding is None else output_padding
        return (size - 1) * stride + kernel + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + kernel % 2 + output_padding


def pooling_output_shape(owner, input_shape, pool_size, strides, padding, data_format) -> tuple:
    """The output shape of a max/average pooling window; raises if a size would be <= 0."""
    input_shape = tuple(input_shape)
    rank = len(pool_size)
    sizes = [input_shape[a] for a in spatial_axes(rank, data_format)]
    out = [window_output_size(n, k, s, 1, padding) for n, k, s in zip(sizes, pool_size, strides)]
    if any(o is not None and o <= 0 for o in out):
        raise ValueError(
            f"{owner}: the computed output size would be zero or negative. Received: "
            f"input_shape={input_shape}, pool_size={pool_size}, strides={strides}, "
            f"padding={padding!r}. Hint: use a smaller `pool_size` or `padding='same'`."
        )
    channels = input_shape[channel_axis(data_format)]
    return with_spatial(input_shape, out, channels, data_format)
