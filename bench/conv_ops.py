"""Convolution and max-pool forward + backward at the W2 (cifar10 CNN) shapes, lamina vs torch.

Each row times one op of the W2 model at batch 64, float32, channels-last for lamina
(the Keras layout) and NCHW for torch (its native layout, as the W2 torch peer uses):
forward alone, and forward + backward (gradients of the input and the kernel, the
input's skipped for the first layer as in training). Prints milliseconds (5th percentile
and median of single timed calls) and the ratios lamina / torch of both (on a busy
machine the 5th percentiles are the steadier comparison).

Run: python3 bench/conv_ops.py [--calls 20] [--device gpu]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import lamina
from lamina import ops

# (name, input NHWC, kernel (kh, kw, in, out) or pool size, padding)
W2_OPS = [
    ("conv1 same", (64, 32, 32, 3), (3, 3, 3, 32), "same"),
    ("conv2 valid", (64, 32, 32, 32), (3, 3, 32, 32), "valid"),
    ("pool1", (64, 30, 30, 32), 2, "valid"),
    ("conv3 same", (64, 15, 15, 32), (3, 3, 32, 64), "same"),
    ("conv4 valid", (64, 15, 15, 64), (3, 3, 64, 64), "valid"),
    ("pool2", (64, 13, 13, 64), 2, "valid"),
]


def per_call_ms(fn, calls: int, sync=lambda: None) -> tuple[float, float]:
    """(5th percentile, median) of `calls` single timed calls, in milliseconds."""
    fn()
    sync()
    times = np.empty(calls)
    for i in range(calls):
        start = time.perf_counter_ns()
        fn()
        sync()
        times[i] = time.perf_counter_ns() - start
    return tuple(np.percentile(times, [5, 50]) / 1e6)


def lamina_calls(shape, spec, padding, first_layer):
    rng = np.random.default_rng(0)
    x = ops.convert_to_tensor(rng.standard_normal(shape).astype("float32"))
    if isinstance(spec, int):
        forward = lambda: ops.max_pool(x, spec)  # noqa: E731
        variables = []
    else:
        kernel = lamina.Variable(rng.standard_normal(spec).astype("float32") * 0.1)
        forward = lambda: ops.conv(x, kernel, padding=padding)  # noqa: E731
        variables = [kernel]

    def train():
        with lamina.GradientTape() as tape:
            if not first_layer:
                tape.watch(x)
            loss = ops.sum(forward())
        tape.gradient(loss, variables + ([] if first_layer else [x]))

    return (lambda: forward().numpy()), train


def torch_calls(shape, spec, padding, first_layer):
    import torch

    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal(shape).astype("float32")).permute(0, 3, 1, 2)
    x = x.contiguous().requires_grad_(not first_layer)
    if isinstance(spec, int):
        forward = lambda: torch.nn.functional.max_pool2d(x, spec)  # noqa: E731
    else:
        kernel = rng.standard_normal(spec).astype("float32") * 0.1
        weight = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy()).requires_grad_(True)
        forward = lambda: torch.nn.functional.conv2d(x, weight, padding=padding)  # noqa: E731

    def predict():
        with torch.inference_mode():
            forward()

    def train():
        forward().sum().backward()

    return predict, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--device", default="cpu", help="cpu or gpu (lamina only)")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    sync = lambda: None  # noqa: E731
    if args.device == "gpu":
        import cupy

        sync = cupy.cuda.Device().synchronize
    print(
        f"{'op':<12} {'phase':<9} {'lamina p5/med ms':>17} {'torch p5/med ms':>16} "
        f"{'ratio p5/med':>13}"
    )
    totals = {"forward": [0.0, 0.0, 0.0, 0.0], "fwd+bwd": [0.0, 0.0, 0.0, 0.0]}
    with lamina.device(args.device):
        for i, (name, shape, spec, padding) in enumerate(W2_OPS):
            mine = lamina_calls(shape, spec, padding, first_layer=i == 0)
            theirs = (
                torch_calls(shape, spec, padding, i == 0)
                if torch and args.device == "cpu"
                else None
            )
            for phase, k in (("forward", 0), ("fwd+bwd", 1)):
                lp5, lmed = per_call_ms(mine[k], args.calls, sync)
                line = f"{name:<12} {phase:<9} {lp5:8.2f} {lmed:8.2f}"
                totals[phase][0] += lp5
                totals[phase][1] += lmed
                if theirs is not None:
                    tp5, tmed = per_call_ms(theirs[k], args.calls)
                    totals[phase][2] += tp5
                    totals[phase][3] += tmed
                    line += f" {tp5:7.2f} {tmed:8.2f} {lp5 / tp5:6.2f} {lmed / tmed:6.2f}"
                print(line)
    for phase, (lp5, lmed, tp5, tmed) in totals.items():
        ratios = f"{lp5 / tp5:6.2f} {lmed / tmed:6.2f}" if tmed else ""
        print(f"{'total':<12} {phase:<9} {lp5:8.2f} {lmed:8.2f} {tp5:7.2f} {tmed:8.2f} {ratios}")


if __name__ == "__main__":
    main()
