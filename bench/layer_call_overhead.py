"""Python overhead of `Layer.__call__`: a built Dense(64) on a (32, 64) input, eager.

Prints microseconds per call (5th percentile and median of single timed calls, robust
on a shared machine) for the fused dense primitive, for `Dense.call` alone and for the
layer called on a tensor, on a NumPy array and with `training=True`; the layer's figures
minus `Dense.call`'s are what `__call__` itself costs.

Run: python3 bench/layer_call_overhead.py
"""

import os

# One BLAS thread: a 32x64x64 matmul gains nothing from more, and timings get steadier.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import gc
import time

import numpy as np

import lamina
from lamina.layers.core.dense import dense_forward


def per_call_us(fn, calls: int = 3000) -> tuple:
    """(5th percentile, median) of `calls` single timed calls, in microseconds."""
    times = np.empty(calls)
    for i in range(calls):
        start = time.perf_counter_ns()
        fn()
        times[i] = time.perf_counter_ns() - start
    return tuple(np.percentile(times, [5, 50]) / 1000)


def main() -> None:
    layer = lamina.layers.Dense(64)
    x_numpy = np.random.default_rng(0).standard_normal((32, 64)).astype("float32")
    x = lamina.ops.convert_to_tensor(x_numpy)
    layer(x)
    kernel, bias = layer.kernel, layer.bias
    rows = [
        ("primitive dense_forward", lambda: dense_forward(x, kernel, bias, "linear")),
        ("Dense.call", lambda: layer.call(x)),
        ("Dense(64)(tensor)", lambda: layer(x)),
        ("Dense(64)(numpy)", lambda: layer(x_numpy)),
        ("Dense(64)(tensor, training=True)", lambda: layer(x, training=True)),
    ]
    gc.disable()  # a collection inside one timed call is noise, not call overhead
    print(f"{'':36s} {'p5 us':>8s} {'median us':>10s}")
    for name, fn in rows:
        fast, median = per_call_us(fn)
        print(f"{name:36s} {fast:8.1f} {median:10.1f}")


if __name__ == "__main__":
    main()
