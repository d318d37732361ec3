"""Initializers whose values do not depend on a seed: Constant, Zeros, Ones, Identity, STFT."""

from __future__ import annotations

import math

import numpy as np

from lamina import ops
from lamina.backend import standardize_dtype
from lamina.initializers.initializer import Initializer

__all__ = ["STFT", "Constant", "Identity", "Ones", "Zeros"]


class Constant(Initializer):
    """Fill tensors with one value.

    Args:
        value: a Python scalar (or anything broadcastable to the requested shape),
            cast to the requested dtype.

    Example:
        >>> Constant(10.0)((2, 2)).numpy()
        array([[10., 10.],
               [10., 10.]], dtype=float32)
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        return ops.cast(self.value, dtype=dtype) * ops.ones(shape=shape, dtype=dtype)

    def get_config(self):
        from lamina.saving.serialization_lib import serialize_keras_object

        return {"value": serialize_keras_object(self.value)}

    @classmethod
    def from_config(cls, config):
        from lamina.saving.serialization_lib import deserialize_keras_object

        # Keras requires "value"; a bare name ("constant") gives an empty config here.
        return cls(deserialize_keras_object(config.get("value", 0.0)))


class Zeros(Initializer):
    """Fill tensors with 0.

    Example:
        >>> Zeros()((2,)).numpy()
        array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return ops.zeros(shape, dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """Fill tensors with 1.

    Example:
        >>> Ones()((2,)).numpy()
        array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return ops.ones(shape, dtype=standardize_dtype(dtype))


class Identity(Initializer):
    """The identity matrix times `gain` (2-D shapes only; rectangular ones allowed).

    Args:
        gain: the factor applied to the identity matrix.

    Example:
        >>> Identity(gain=2.0)((2, 2)).numpy()
        array([[2., 0.],
               [0., 2.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = standardize_dtype(dtype)
        return self.gain * ops.eye(*shape, dtype=dtype)

    def get_config(self):
        # Keras's Identity has no get_config and so drops `gain` from its configs;
        # lamina keeps it (Keras's default from_config reads it back correctly).
        return {"gain": self.gain}


# Coefficients a_k of the general cosine windows sum_k (-1)**k a_k cos(2 pi k n / (M - 1)),
# as scipy.signal.windows defines them.
_COSINE_WINDOWS = {
    "hann": (0.5, 0.5),
    "hamming": (0.54, 0.46),
    "blackman": (0.42, 0.50, 0.08),
    "blackmanharris": (0.35875, 0.48829, 0.14128, 0.01168),
    "nuttall": (0.3635819, 0.4891775, 0.1365995, 0.0106411),
    "flattop": (0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368),
    "boxcar": (1.0,),
}
_WINDOW_ALIASES = {
    "hanning": "hann",
    "han": "hann",
    "hamm": "hamming",
    "ham": "hamming",
    "black": "blackman",
    "blk": "blackman",
    "blackharr": "blackmanharris",
    "nutl": "nuttall",
    "nut": "nuttall",
    "flat": "flattop",
    "flt": "flattop",
    "box": "boxcar",
    "ones": "boxcar",
    "rect": "boxcar",
    "rectangular": "boxcar",
    "bartlett": "bartlett",
    "bart": "bartlett",
    "brt": "bartlett",
    "cosine": "cosine",
    "halfcosine": "cosine",
}


def _window(name, length, periodic):
    """The window `name` of `length` samples as float64 NumPy, as `scipy.signal.get_window`.

    Common windows are computed here; any other name (or a `(name, parameter)` tuple)
    is passed to SciPy, which must then be installed.
    """
    key = _WINDOW_ALIASES.get(name, name) if isinstance(name, str) else None
    if key not in _COSINE_WINDOWS and key not in ("bartlett", "cosine"):
        try:
            import scipy.signal
        except ImportError as err:
            raise ValueError(
                f"STFT: window {name!r} needs SciPy (`pip install scipy`); without it the "
                f"supported names are {sorted(set(_COSINE_WINDOWS) | {'bartlett', 'cosine'})}."
            ) from err
        return np.asarray(scipy.signal.get_window(name, length, periodic), np.float64)
    if length == 1:
        return np.ones(1)
    # A periodic window is the symmetric one of length + 1 without its last sample.
    m = length + 1 if periodic else length
    n = np.arange(m, dtype=np.float64)
    if key == "bartlett":
        w = 1.0 - np.abs(2.0 * n / (m - 1) - 1.0)
    elif key == "cosine":
        w = np.sin(math.pi / m * (n + 0.5))
    else:
        phase = np.linspace(-math.pi, math.pi, m)
        w = np.zeros(m)
        for k, a in enumerate(_COSINE_WINDOWS[key]):
            w += a * np.cos(k * phase)
    return w[:length]


class STFT(Initializer):
    """Conv kernels computing a short-time Fourier transform (real or imaginary part).

    The kernel shape is `(frame_length, 1, fft_length // 2 + 1)`: entry `(t, 0, f)`
    is `cos` (real side) or `sin` (imaginary side) of `-2 pi t f / fft_length`,
    times the window and divided by its scaling.

    Args:
        side: `"real"` or `"imag"`.
        window: a window name (`"hann"`, `"hamming"`, ... as `scipy.signal.get_window`
            takes them), an array of `frame_length` values, or None for no window.
        scaling: `"density"` (divide by the window's L2 norm), `"spectrum"` (by its
            L1 norm) or None.
        periodic: use the periodic form of a named window.

    Example:
        >>> STFT("real", "hann")((128, 1, 65)).shape
        (128, 1, 65)
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            _window(window, 1, False)  # fail early on an unknown name
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' "
                f"or 'spectrum'. Received scaling={scaling}"
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        frame_length, _, fft_length = shape
        scale = 1.0
        win = None
        if self.window is not None:
            if isinstance(self.window, str):
                win = _window(self.window, frame_length, self.periodic)
            else:
                win = np.asarray(ops.convert_to_numpy(self.window), np.float64)
            if win.ndim != 1 or win.shape[-1] != frame_length:
                raise ValueError(
                    "The shape of `window` must be equal to [frame_length]."
                    f"Received: window shape={win.shape}"
                )
            if self.scaling == "density":
                scale = np.sqrt(np.sum(np.square(win)))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(win))
        freq = np.arange(fft_length, dtype=np.float64) / ((fft_length - 1) * 2)
        time = np.arange(frame_length, dtype=np.float64)
        args = -2.0 * math.pi * time[:, None, None] * freq[None, None, :]
        kernel = np.cos(args) if self.side == "real" else np.sin(args)
        if win is not None:
            kernel = kernel * win[:, None, None] / scale
        return ops.convert_to_tensor(kernel.astype(dtype))

    def get_config(self):
        return {
            "side": self.side,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }
