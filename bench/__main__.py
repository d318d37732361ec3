"""Benchmarks: lamina against PyTorch eager and Keras 3 (JAX, TensorFlow) on W1-W5, in one run.

    python -m bench                      # every workload, every installed peer, 3 repeats
    python -m bench --quick              # about two minutes: short windows, one repeat
    python -m bench --workloads W1,W3 --peers lamina,pytorch_eager --json out.json
    python -m bench --profile W2         # where a lamina train step spends its time
    python -m bench --device gpu         # lamina on CuPy against PyTorch on CUDA

Prints one Markdown table: train and predict samples/s, peak RSS, import time, % of the
machine's float32 GEMM peak, and lamina's ratio to each peer and to the fastest peer.
Workloads lamina cannot run yet (their plugin is not installed) and peers that are not
installed are listed under the table with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

from bench import profile, roofline, run, table
from bench.peers import DEFAULT_PEERS, PEERS
from bench.workloads import WORKLOADS, quick


def _workload_names(text: str) -> list[str]:
    """Full workload names from a comma-separated list of names or prefixes ("W1", "W5", "W5a")."""
    names = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        found = [n for n in WORKLOADS if item in (n, n.split("_")[0], n.split("_")[0].rstrip("ab"))]
        if not found:
            raise argparse.ArgumentTypeError(
                f"unknown workload {item!r}; expected one of {', '.join(WORKLOADS)}"
                " (or W1, W2, ...)"
            )
        names += found
    return names


def _peer_names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in PEERS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown peer(s) {unknown}; expected some of {', '.join(PEERS)}"
        )
    return names


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--workloads", type=_workload_names, default=list(WORKLOADS), help="e.g. W1,W2"
    )
    parser.add_argument(
        "--peers", type=_peer_names, default=None, help=f"default: {','.join(DEFAULT_PEERS)}"
    )
    parser.add_argument(
        "--quick", action="store_true", help="short windows, one repeat (~2 minutes)"
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="timed windows per phase (default 3)"
    )
    parser.add_argument("--steps-scale", type=float, default=1.0, help="multiply every step count")
    parser.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument("--json", metavar="PATH", help="also write the raw figures there")
    parser.add_argument(
        "--no-quiet-wait", action="store_true", help="do not wait for an idle machine"
    )
    parser.add_argument(
        "--profile", type=_workload_names, metavar="W", help="profile lamina on W instead"
    )
    return parser.parse_args(argv)


def _scaled(workload, factor: float):
    if factor == 1.0:
        return workload
    from dataclasses import replace

    counts = ("warmup", "steps", "predict_warmup", "predict_steps")
    return replace(
        workload,
        **{
            k: max(1, round(getattr(workload, k) * factor)) if getattr(workload, k) else 0
            for k in counts
        },
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.profile:
        if args.device == "gpu":
            os.environ["LAMINA_DEVICE"] = "gpu:0"
        for name in args.profile:
            train = profile.profile_train(name) if WORKLOADS[name].trains else None
            print(profile.render(name, train, profile.profile_predict(name)), flush=True)
        return 0
    workloads = [WORKLOADS[name] for name in args.workloads]
    if args.quick:
        workloads = [quick(w) for w in workloads]
    workloads = [_scaled(w, args.steps_scale) for w in workloads]
    repeats = args.repeats or (1 if args.quick else 3)
    peers = args.peers or (
        ["lamina", "pytorch_eager"] if args.device == "gpu" else list(DEFAULT_PEERS)
    )

    sizes = (1024,) if args.quick else (1024, 1536, 2048)
    gemm = roofline.gemm_gflops(sizes, device=args.device)
    peak = max(gemm.values())
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"float32 GEMM peak ({args.device}): {peak:.0f} GFLOP/s", flush=True)
    records = run.run_all(
        workloads, peers, repeats, args.device, quiet_wait=not (args.quick or args.no_quiet_wait)
    )
    header = (
        f"lamina bench, {started}: {args.device}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {repeats} repeat(s)"
        f"{' (--quick)' if args.quick else ''}; % of peak = of {peak:.0f} GFLOP/s "
        f"(best float32 GEMM here); ratios > 1 mean lamina is faster."
    )
    print("\n".join(["", *table.roofline_rows(workloads, peak), ""]))
    print(table.render(records, peak, header), flush=True)
    if args.json:
        report = {
            "started": started,
            "device": args.device,
            "cpus": os.cpu_count(),
            "gemm_gflops": {str(n): round(rate, 1) for n, rate in gemm.items()},
            "peak_gflops": round(peak, 1),
            "workloads": {
                w.name: {"macs_per_sample": w.macs_per_sample, **vars(w)} for w in workloads
            },
            "records": records,
        }
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0 if all(r["status"] != "error" for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
