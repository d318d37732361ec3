"""Devices: `cpu` (NumPy) and `gpu:N` (CuPy, imported on first use).

The current device is, in order: the innermost `lamina.device(...)` scope, the
device set with `set_device`, the `LAMINA_DEVICE` environment variable, `cpu`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import numpy as np


class DeviceUnavailableError(RuntimeError):
    """A GPU device was requested but CuPy or CUDA is not usable here."""


class Device:
    """One place arrays live: `Device("cpu")` or `Device("gpu", 0)`.

    Attributes:
        kind: `"cpu"` or `"gpu"`.
        index: the GPU ordinal (0 for the CPU).
        xp: the array module that makes arrays here (`numpy` or `cupy`).
    """

    __slots__ = ("_xp", "index", "kind")

    def __init__(self, kind: str, index: int = 0):
        self.kind = kind
        self.index = index
        self._xp = np if kind == "cpu" else None

    @property
    def xp(self):
        if self._xp is None:
            self._xp = _import_cupy()
        return self._xp

    @property
    def name(self) -> str:
        return "cpu" if self.kind == "cpu" else f"gpu:{self.index}"

    def __repr__(self) -> str:
        return f"Device('{self.name}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and (self.kind, self.index) == (other.kind, other.index)

    def __hash__(self) -> int:
        return hash((self.kind, self.index))

    @contextlib.contextmanager
    def activate(self) -> Iterator[None]:
        """Make CuPy allocate on this GPU inside the block (no-op on the CPU)."""
        if self.kind == "cpu":
            yield
            return
        with self.xp.cuda.Device(self.index):
            yield


def _import_cupy():
    try:
        import cupy
    except ImportError as err:
        raise DeviceUnavailableError(
            "lamina: a 'gpu' device needs CuPy, which is not installed. "
            "Install it with: pip install 'lamina[gpu]' (CUDA 12, package cupy-cuda12x)."
        ) from err
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # CUDA driver/runtime errors have no common base class
        raise DeviceUnavailableError(
            f"lamina: CuPy is installed but CUDA is not usable here ({err}). "
            "Check the NVIDIA driver with `nvidia-smi`, or use the 'cpu' device."
        ) from err
    if count == 0:
        raise DeviceUnavailableError("lamina: CuPy found no CUDA GPU on this machine.")
    return cupy


def is_gpu_available() -> bool:
    """True when CuPy imports and sees at least one CUDA GPU."""
    try:
        _import_cupy()
    except DeviceUnavailableError:
        return False
    return True


_CPU = Device("cpu")


def parse_device(spec: str | Device) -> Device:
    """Turn `"cpu"`, `"gpu"`, `"gpu:1"`, `"cuda:0"` or a `Device` into a `Device`."""
    if isinstance(spec, Device):
        return spec
    text = str(spec).strip().lower()
    kind, _, index = text.partition(":")
    if kind == "cpu" and index in ("", "0"):
        return _CPU
    if kind in ("gpu", "cuda") and (index == "" or index.isdigit()):
        return Device("gpu", int(index or 0))
    raise ValueError(f"lamina: unknown device {spec!r}; expected 'cpu' or 'gpu:N' (e.g. 'gpu:0').")


class _DeviceState(threading.local):
    def __init__(self) -> None:
        self.scopes: list[Device] = []


_state = _DeviceState()
_default: Device | None = None


def set_device(spec: str | Device) -> None:
    """Set the default device for new arrays: `"cpu"` or `"gpu:N"`.

    Example:
        >>> lamina.config.set_device("cpu")
    """
    global _default
    device = parse_device(spec)
    if device.kind == "gpu":
        _import_cupy()  # fail here, with the reason, rather than at the first op
    _default = device


def get_device() -> Device:
    """Return the device new arrays are created on."""
    if _state.scopes:
        return _state.scopes[-1]
    global _default
    if _default is None:
        _default = parse_device(os.environ.get("LAMINA_DEVICE", "cpu"))
    return _default


@contextlib.contextmanager
def device(spec: str | Device) -> Iterator[Device]:
    """Scope in which new arrays are created on `spec`.

    Example:
        >>> with lamina.device("cpu"):
        ...     x = lamina.ops.ones((2, 2))
    """
    dev = parse_device(spec)
    _state.scopes.append(dev)
    try:
        with dev.activate():
            yield dev
    finally:
        _state.scopes.pop()
