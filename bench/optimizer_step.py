"""One Adam step on a 1M-parameter model against one matmul of the same size.

The model is a Dense(1000) on 1000 features plus a Dense(24) head (1,025,024 parameters,
so there is a large and a small variable, as in real models). "Same size" is a
(1000, 1000) @ (1000, 1000) matmul: each weight element touched once per output column,
the forward pass of a 1000-sample batch. Also times Adam on whole arrays instead of
cache-sized blocks (`lamina_optim.optimizers.blockwise`), SGD with momentum, and counts
the arrays an Adam step allocates. Prints milliseconds (5th percentile and median of
single timed calls, robust on a shared machine).

Run: python3 bench/optimizer_step.py [--device gpu]
"""

import argparse
import gc
import sys
import time
import tracemalloc

import numpy as np

import lamina


def per_call_ms(fn, calls: int, sync=lambda: None) -> tuple:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="cpu or gpu")
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    with lamina.backend.device(args.device):
        run(args.calls)


def whole_arrays(fn):
    """`fn` with Adam's blockwise updates turned off (one block per variable)."""
    from lamina_optim.optimizers import blockwise

    def call():
        block, blockwise.BLOCK = blockwise.BLOCK, sys.maxsize
        try:
            fn()
        finally:
            blockwise.BLOCK = block

    return call


def run(calls: int) -> None:
    from lamina.backend import namespace

    model = lamina.Sequential(
        [lamina.Input((1000,)), lamina.layers.Dense(1000), lamina.layers.Dense(24)]
    )
    variables = model.trainable_variables
    params = sum(int(np.prod(v.shape)) for v in variables)
    xp = namespace(variables[0]._value)
    sync = getattr(getattr(xp, "cuda", None), "Device", None)
    sync = (lambda: sync().synchronize()) if sync is not None else (lambda: None)
    rng = np.random.default_rng(0)
    grads = [xp.asarray(rng.standard_normal(v.shape).astype("float32")) for v in variables]
    a = xp.asarray(rng.standard_normal((1000, 1000)).astype("float32"))
    b = xp.asarray(rng.standard_normal((1000, 1000)).astype("float32"))
    adam = lamina.optimizers.Adam()
    sgd = lamina.optimizers.SGD(momentum=0.9)
    for optimizer in (adam, sgd):
        optimizer.build(variables)
    rows = [
        ("matmul (1000,1000)@(1000,1000)", lambda: xp.matmul(a, b)),
        (f"Adam.apply, {params:,} params", lambda: adam.apply(grads, variables)),
        ("Adam.apply, whole arrays", whole_arrays(lambda: adam.apply(grads, variables))),
        (f"SGD(momentum).apply, {params:,} params", lambda: sgd.apply(grads, variables)),
        ("elementwise a + b (1000,1000)", lambda: xp.add(a, b)),
    ]
    gc.disable()
    print(f"{'':42s} {'p5 ms':>8s} {'median ms':>10s}")
    results = {}
    for label, fn in rows:
        results[label] = per_call_ms(fn, calls, sync)
        print(f"{label:42s} {results[label][0]:8.3f} {results[label][1]:10.3f}")
    gc.enable()
    matmul, adam_step = results[rows[0][0]][1], results[rows[1][0]][1]
    print(f"Adam step / matmul (medians): {adam_step / matmul:.2f}")
    if xp is np:
        tracemalloc.start()
        adam.apply(grads, variables)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        weights_mb = params * 4 / 1e6
        print(
            f"peak new memory in one Adam step: {peak / 1e6:.3f} MB (weights: {weights_mb:.1f} MB)"
        )


if __name__ == "__main__":
    main()
