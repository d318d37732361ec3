"""The frameworks a workload runs on, each in its own process: lamina and its peers.

Each peer module is run as `python -m bench.peers.<module> --framework NAME ...` and prints
one JSON record (see `bench.peers.child`). A peer whose packages are missing is reported as
not installed, never dropped silently.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class Peer:
    name: str
    module: str  # under bench.peers
    requires: tuple[str, ...]  # importable top-level packages
    label: str

    def missing(self) -> list[str]:
        return [package for package in self.requires if importlib.util.find_spec(package) is None]


LAMINA = Peer("lamina", "keras_api", ("lamina",), "lamina (NumPy)")
PEERS = {
    peer.name: peer
    for peer in (
        LAMINA,
        Peer("pytorch_eager", "torch_eager", ("torch",), "PyTorch eager"),
        Peer("keras_jax", "keras_api", ("keras", "jax"), "Keras 3 on JAX"),
        Peer("tf_keras", "keras_api", ("keras", "tensorflow"), "Keras 3 on TensorFlow"),
        Peer("keras_torch", "keras_api", ("keras", "torch"), "Keras 3 on torch"),
    )
}
# keras_torch is measured only on request (`--peers`): the workload spec found it the
# slowest peer everywhere, and its LSTM alone takes minutes.
DEFAULT_PEERS = ("lamina", "pytorch_eager", "keras_jax", "tf_keras")
