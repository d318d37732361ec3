"""The machine's float32 GEMM peak and each workload's FLOPs: how close to the machine a figure is.

FLOPs follow the workload spec: 2 x the multiply-accumulates of the Dense, Conv, LSTM and
attention matmuls per forward pass, and a train step counts 3 forward passes. The peak is
the best float32 matmul rate NumPy's BLAS reaches here on square matrices, with its
default threads (what lamina uses).
"""

from __future__ import annotations

import time

import numpy as np

from bench.workloads import Workload


def gemm_gflops(
    sizes=(1024, 1536, 2048), repeats: int = 3, device: str = "cpu"
) -> dict[int, float]:
    """Best GFLOP/s of `repeats` float32 `n x n @ n x n` products, for each n.

    On `device="gpu"` the products run on CuPy (cuBLAS), synchronized before each clock reading.
    """
    if device == "gpu":
        import cupy as xp

        synchronize = xp.cuda.Device().synchronize
    else:
        xp, synchronize = np, (lambda: None)
    rates = {}
    for n in sizes:
        rng = np.random.default_rng(n)
        a = xp.asarray(rng.standard_normal((n, n), dtype=np.float32))
        b = xp.asarray(rng.standard_normal((n, n), dtype=np.float32))
        out = xp.empty((n, n), np.float32)
        xp.matmul(a, b, out=out)  # warm-up: BLAS threads start, pages fault in
        synchronize()
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            xp.matmul(a, b, out=out)
            synchronize()
            best = min(best, time.perf_counter() - start)
        rates[n] = 2 * n**3 / best / 1e9
    return rates


def train_flops_per_sample(workload: Workload) -> float:
    return 3 * 2 * workload.macs_per_sample


def predict_flops_per_sample(workload: Workload) -> float:
    return 2 * workload.macs_per_sample


def percent_of_peak(samples_per_s: float | None, flops_per_sample: float, peak_gflops: float):
    """The share of the GEMM peak that `samples_per_s` amounts to, in percent."""
    if samples_per_s is None or not peak_gflops:
        return None
    return 100.0 * samples_per_s * flops_per_sample / (peak_gflops * 1e9)
