"""Window functions for signal processing: bartlett, blackman, hamming, hanning, kaiser."""

from lamina.autodiff import Tensor, unwrap
from lamina.backend import floatx, namespace

__all__ = ["bartlett", "blackman", "hamming", "hanning", "kaiser"]


def _length(x, name):
    value = unwrap(x)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not value.is_integer():
        raise TypeError(f"{name}: the window length must be an integer, received {x!r}.")
    return int(value)


def _window(name, x, *args):
    xp = namespace(None)
    values = getattr(xp, name)(_length(x, name), *args)
    return Tensor(xp.asarray(values).astype(floatx()))


def bartlett(x):
    """The Bartlett (triangular) window of length `x`, floatx.

    Example:
        >>> ops.bartlett(5)  # [0., 0.5, 1., 0.5, 0.]
    """
    return _window("bartlett", x)


def blackman(x):
    """The Blackman window of length `x`, floatx.

    Example:
        >>> ops.blackman(3)  # [0., 1., 0.] (up to rounding)
    """
    return _window("blackman", x)


def hamming(x):
    """The Hamming window of length `x`, floatx.

    Example:
        >>> ops.hamming(3)  # [0.08, 1., 0.08]
    """
    return _window("hamming", x)


def hanning(x):
    """The Hann window of length `x`, floatx.

    Example:
        >>> ops.hanning(3)  # [0., 1., 0.]
    """
    return _window("hanning", x)


def kaiser(x, beta):
    """The Kaiser window of length `x` with shape parameter `beta`, floatx.

    Example:
        >>> ops.kaiser(3, 14.0)  # [7.7e-06, 1., 7.7e-06]
    """
    beta = unwrap(beta)
    return _window("kaiser", x, float(beta.item() if hasattr(beta, "item") else beta))
