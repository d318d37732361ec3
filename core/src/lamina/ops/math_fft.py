"""Fourier transforms of `keras.ops`: fft, fft2, ifft2, rfft, irfft, stft, istft.

As in Keras, complex values travel as `(real, imag)` pairs of float tensors.
Each transform is one primitive whose vjp is the adjoint transform (an inverse
FFT, scaled), so gradients cost one FFT.
"""

import math

from lamina.autodiff import Tensor, primitive
from lamina.backend import is_array, kernels_for, standardize_dtype
from lamina.ops._dtypes import as_float, xp_of
from lamina.ops.core import convert_to_tensor

__all__ = ["fft", "fft2", "ifft2", "irfft", "istft", "rfft", "stft"]


def frames(x, length, stride):
    """The `length`-long windows of `x`'s last axis, `stride` apart (a fresh array).

    Args:
        x: raw array.
        length: window length.
        stride: hop between window starts.
    """
    xp = xp_of(x)
    count = max(0, 1 + (x.shape[-1] - length) // stride) if x.shape[-1] >= length else 0
    if count == 0:
        return xp.zeros((*x.shape[:-1], 0, length), dtype=x.dtype)
    windows = kernels_for(xp).sliding_window_view(x, length, axis=-1)
    return xp.ascontiguousarray(windows[..., : (count - 1) * stride + 1 : stride, :])


def overlap_add(windows, stride, total):
    """Adjoint of `frames`: sum `(..., count, length)` windows into a `total`-long axis.

    Args:
        windows: raw array of windows.
        stride: hop between window starts.
        total: length of the output's last axis.
    """
    xp = xp_of(windows)
    count, length = windows.shape[-2:]
    out = xp.zeros((*windows.shape[:-2], total), dtype=windows.dtype)
    if count <= length:  # loop over whichever of windows / offsets is shorter
        for i in range(count):
            out[..., i * stride : i * stride + length] += windows[..., i, :]
    else:
        end = (count - 1) * stride + 1
        for j in range(length):
            out[..., j : j + end : stride] += windows[..., :, j]
    return out


def _pair(x, min_rank):
    """Validate a `(real, imag)` pair of float tensors, as Keras does."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"Input `x` should be a tuple of two tensors - real and imaginary. Received: x={x}"
        )
    real, imag = (v if isinstance(v, Tensor) or is_array(v) else convert_to_tensor(v) for v in x)
    if tuple(real.shape) != tuple(imag.shape):
        raise ValueError(
            "Input `x` should be a tuple of two tensors - real and imaginary. Both the "
            "real and imaginary parts should have the same shape. Received: "
            f"x[0].shape = {real.shape}, x[1].shape = {imag.shape}"
        )
    if not all(standardize_dtype(v.dtype).startswith("float") for v in (real, imag)):
        raise ValueError(f"At least one tensor in input `x` is not of type float. Received: x={x}.")
    if len(real.shape) < min_rank:
        raise ValueError(
            f"Input should have rank >= {min_rank}. Received: input.shape = {real.shape}"
        )
    return real, imag


def _split(y, dtype):
    return y.real.astype(dtype), y.imag.astype(dtype)


def _complex(xp, real, imag):
    return real + 1j * imag


def _transform(name, forward_name, adjoint_name, axes, adjoint_scale):
    """A primitive applying `xp.fft.<forward_name>` over `axes` to a `(real, imag)` pair."""

    def forward(real, imag):
        xp = xp_of(real, imag)
        dtype = real.dtype
        y = getattr(xp.fft, forward_name)(_complex(xp, real, imag), axes=axes)
        size = math.prod(real.shape[a] for a in axes)

        def vjp(gs):
            h = getattr(xp.fft, adjoint_name)(_complex(xp, *gs), axes=axes)
            h *= adjoint_scale(size)
            return xp.real(h), xp.imag(h)

        return _split(y, dtype), vjp

    forward.__name__ = forward.__qualname__ = name
    return primitive(forward, multiple_outputs=True)


_fft = _transform("fft", "fftn", "ifftn", (-1,), lambda n: n)
_fft2 = _transform("fft2", "fftn", "ifftn", (-2, -1), lambda n: n)
_ifft2 = _transform("ifft2", "ifftn", "fftn", (-2, -1), lambda n: 1.0 / n)


def fft(x):
    """Fast Fourier transform along the last axis of a complex `(real, imag)` pair.

    Args:
        x: tuple `(real, imag)` of float tensors of the same shape.

    Returns:
        Tuple `(real, imag)` of the transform.

    Example:
        >>> ops.fft(([1.0, 0.0], [0.0, 0.0]))  # ([1., 1.], [0., 0.])
    """
    return _fft(*_pair(x, 1))


def fft2(x):
    """2-D fast Fourier transform over the last two axes of a `(real, imag)` pair.

    Args:
        x: tuple `(real, imag)` of float tensors of the same shape, rank >= 2.

    Returns:
        Tuple `(real, imag)` of the transform.

    Example:
        >>> ops.fft2((ops.ones((2, 2)), ops.zeros((2, 2))))  # ([[4, 0], [0, 0]], zeros)
    """
    return _fft2(*_pair(x, 2))


def ifft2(x):
    """Inverse 2-D fast Fourier transform over the last two axes of a `(real, imag)` pair.

    Args:
        x: tuple `(real, imag)` of float tensors of the same shape, rank >= 2.

    Returns:
        Tuple `(real, imag)` of the inverse transform.

    Example:
        >>> ops.ifft2(ops.fft2((x_real, x_imag)))  # (x_real, x_imag)
    """
    return _ifft2(*_pair(x, 2))


def _rfft_adjoint(xp, gs, n, size):
    """vjp of `rfft(x, n)` for an `x` of `size` samples: `n * irfft` with the mid bins halved."""
    g = _complex(xp, *gs)
    g[..., 1 : (n + 1) // 2] *= 0.5
    d = xp.fft.irfft(g, n=n, axis=-1) * n
    if size > n:
        pad = [(0, 0)] * (d.ndim - 1) + [(0, size - n)]
        return kernels_for(xp).pad(d, pad)
    return d[..., :size]


def _irfft_adjoint(xp, c, n, bins):
    """vjp of `irfft(z, n)` for a `z` of `bins` bins: `rfft(c) / n`, mid bins doubled."""
    y = xp.fft.rfft(c, n=n, axis=-1)
    y /= n
    y[..., 1 : (n + 1) // 2] *= 2.0
    if bins > y.shape[-1]:
        pad = [(0, 0)] * (y.ndim - 1) + [(0, bins - y.shape[-1])]
        y = kernels_for(xp).pad(y, pad)
    return xp.real(y[..., :bins]), xp.imag(y[..., :bins])


@primitive(multiple_outputs=True)
def rfft(x, fft_length=None):
    """Real-input fast Fourier transform along the last axis.

    Args:
        x: real input tensor.
        fft_length: transform length (the input is cropped or zero-padded);
            defaults to the last axis' length.

    Returns:
        Tuple `(real, imag)` with `fft_length // 2 + 1` bins.

    Example:
        >>> ops.rfft([0.0, 1.0, 2.0, 3.0, 4.0])  # ([10, -2.5, -2.5], [0, 3.44, 0.81])
    """
    x = as_float(x)
    if x.ndim < 1:
        raise ValueError(f"Input should have rank >= 1. Received: input.shape = {x.shape}")
    xp = xp_of(x)
    size = x.shape[-1]
    n = size if fft_length is None else int(fft_length)

    def vjp(gs):
        return _rfft_adjoint(xp, gs, n, size)

    return _split(xp.fft.rfft(x, n=n, axis=-1), x.dtype), vjp


def irfft(x, fft_length=None):
    """Inverse of `rfft`: a real signal from the `(real, imag)` bins of its spectrum.

    Args:
        x: tuple `(real, imag)` of float tensors.
        fft_length: output length; defaults to `2 * (bins - 1)`.

    Example:
        >>> ops.irfft(ops.rfft([0.0, 1.0, 2.0, 3.0]))  # [0., 1., 2., 3.]
    """
    return _irfft(*_pair(x, 1), fft_length)


@primitive(nin=2)
def _irfft(real, imag, fft_length):
    xp = xp_of(real, imag)
    bins = real.shape[-1]
    n = 2 * (bins - 1) if fft_length is None else int(fft_length)
    out = xp.fft.irfft(_complex(xp, real, imag), n=n, axis=-1).astype(real.dtype)

    def vjp(c):
        return _irfft_adjoint(xp, c, n, bins)

    return out, vjp


def _window(xp, window, sequence_length, fft_length, dtype):
    """The analysis window, zero-padded (centered) to `fft_length`."""
    if window is None:
        return xp.ones(fft_length, dtype=dtype)
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(
                'If a string is passed to `window`, it must be one of `"hann"`, '
                f'`"hamming"`. Received: window={window}'
            )
        a = 0.5 if window == "hann" else 0.54
        if sequence_length == 1:
            win = xp.ones(1, dtype="float64")
        else:  # periodic ("fftbins") windows, as scipy.signal.get_window builds them
            win = a - (1.0 - a) * xp.cos(
                2.0 * math.pi * xp.arange(sequence_length) / sequence_length
            )
    else:
        win = window.value if isinstance(window, Tensor) else xp.asarray(window)
        if win.ndim != 1 or win.shape[0] != sequence_length:
            raise ValueError(
                "The shape of `window` must be equal to [sequence_length]."
                f"Received: window shape={win.shape}"
            )
    left = (fft_length - sequence_length) // 2
    right = fft_length - sequence_length - left
    return kernels_for(xp).pad(win.astype(dtype), [(left, right)])


def _reflect_index(xp, size, pad):
    """Source index of each sample of `x` reflect-padded by `pad` on both sides."""
    i = xp.arange(-pad, size + pad)
    if size == 1:
        return xp.zeros_like(i)
    period = 2 * (size - 1)
    i = xp.abs(i) % period
    return xp.where(i >= size, period - i, i)


def _check_stride(sequence_stride):
    if not isinstance(sequence_stride, int) or sequence_stride <= 0:
        raise ValueError(
            "`sequence_stride` must be a positive integer. "
            f"Received: sequence_stride={sequence_stride}"
        )


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis.

    Args:
        x: float32 or float64 signal.
        sequence_length: window length.
        sequence_stride: hop between windows.
        fft_length: FFT size (>= `sequence_length`).
        window: `"hann"`, `"hamming"`, a tensor of `sequence_length` values, or None.
        center: reflect-pad `x` by `fft_length // 2` so frame t is centered at
            `t * sequence_stride`.

    Returns:
        Tuple `(real, imag)` of shape `(..., num_frames, fft_length // 2 + 1)`.

    Example:
        >>> ops.stft([0.0, 1.0, 2.0, 3.0, 4.0], 3, 2, 3)[0].shape  # (3, 2)
    """
    _check_stride(sequence_stride)
    return _stft(x, sequence_length, sequence_stride, fft_length, window, center)


@primitive(nin=1, multiple_outputs=True)
def _stft(x, sequence_length, sequence_stride, fft_length, window, center):
    if standardize_dtype(x.dtype) not in ("float32", "float64"):
        raise TypeError(
            f"Invalid input type. Expected `float32` or `float64`. Received: input type={x.dtype}"
        )
    if fft_length < sequence_length:
        raise ValueError(
            "`fft_length` must equal or larger than `sequence_length`. Received: "
            f"sequence_length={sequence_length}, fft_length={fft_length}"
        )
    xp = xp_of(x)
    win = _window(xp, window, sequence_length, fft_length, x.dtype)
    size = x.shape[-1]
    pad = fft_length // 2 if center else 0
    index = _reflect_index(xp, size, pad) if pad else None
    signal = x[..., index] if pad else x
    windows = frames(signal, fft_length, sequence_stride)
    windows *= win

    def vjp(gs):
        d = _rfft_adjoint(xp, gs, fft_length, fft_length)
        d *= win
        d = overlap_add(d, sequence_stride, signal.shape[-1])
        if not pad:
            return d
        # the reflected edges fold back onto the samples they copied
        edges = xp.concatenate([index[:pad], index[pad + size :]])
        tail = xp.moveaxis(xp.concatenate([d[..., :pad], d[..., pad + size :]], axis=-1), -1, 0)
        folded = xp.zeros((size, *d.shape[:-1]), dtype=d.dtype)
        kernels_for(xp).scatter_add(folded, edges, tail)
        dx = d[..., pad : pad + size] + xp.moveaxis(folded, 0, -1)
        return dx

    return _split(xp.fft.rfft(windows, n=fft_length, axis=-1), x.dtype), vjp


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse short-time Fourier transform (windowed overlap-add).

    Args:
        x: tuple `(real, imag)` of shape `(..., num_frames, fft_length // 2 + 1)`.
        sequence_length: window length used by `stft`.
        sequence_stride: hop used by `stft`.
        fft_length: FFT size used by `stft`.
        length: clip the output to this many samples.
        window: the window used by `stft`.
        center: whether `stft` centered its frames.

    Example:
        >>> ops.istft(ops.stft(x, 4, 2, 4), 4, 2, 4)  # ~x
    """
    _check_stride(sequence_stride)
    real, imag = _pair(x, 2)
    return _istft(real, imag, sequence_length, sequence_stride, fft_length, length, window, center)


@primitive(nin=2)
def _istft(real, imag, sequence_length, sequence_stride, fft_length, length, window, center):
    xp = xp_of(real, imag)
    dtype = real.dtype
    bins = real.shape[-1]
    count = real.shape[-2]
    win = _window(xp, window, sequence_length, fft_length, dtype)
    windows = xp.fft.irfft(_complex(xp, real, imag), n=fft_length, axis=-1).astype(dtype)
    windows *= win
    total = fft_length + sequence_stride * (count - 1)
    signal = overlap_add(windows, sequence_stride, total)
    norm = overlap_add(xp.broadcast_to(win * win, (count, fft_length)), sequence_stride, total)
    # Keras divides by the window's sum after JAX's istft multiplied by it; with no
    # window, it divides by the stride instead
    scale = 1.0 if window is not None else fft_length / sequence_stride
    factor = scale / xp.where(norm > 1e-10, norm, 1.0)
    signal *= factor
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = -(fft_length // 2)
    else:
        end = total
    cut = (Ellipsis, slice(start, end))

    def vjp(c):
        full = xp.zeros(signal.shape, dtype=c.dtype)
        full[cut] = c
        full *= factor
        d = frames(full, fft_length, sequence_stride)
        d *= win
        return _irfft_adjoint(xp, d, fft_length, bins)

    return signal[cut], vjp
