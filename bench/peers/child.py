"""What every peer process shares: its arguments, the quiet gate and its one JSON record."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import replace

from bench import measure
from bench.workloads import WORKLOADS, Workload


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--framework", required=True)
    parser.add_argument("--workload", required=True, choices=list(WORKLOADS))
    parser.add_argument("--device", default="cpu", choices=["cpu", "gpu"])
    parser.add_argument("--repeats", type=int, default=3)
    for name in ("warmup", "steps", "predict-warmup", "predict-steps"):
        parser.add_argument(f"--{name}", type=int, default=None)
    parser.add_argument("--no-quiet-wait", action="store_true")
    return parser.parse_args()


def workload_of(args: argparse.Namespace) -> Workload:
    """The workload with the step counts given on the command line."""
    counts = {
        key: getattr(args, key)
        for key in ("warmup", "steps", "predict_warmup", "predict_steps")
        if getattr(args, key) is not None
    }
    return replace(WORKLOADS[args.workload], **counts)


def quiet_gate(args: argparse.Namespace) -> measure.QuietGate:
    return measure.QuietGate(max_wait_s=0.0 if args.no_quiet_wait else 3.0)


def emit(args: argparse.Namespace, status: str, **fields) -> None:
    """Print this process's record as the last line of its output."""
    record = {
        "peer": args.framework,
        "workload": args.workload,
        "device": args.device,
        "status": status,
        **fields,
        "peak_rss_mb": round(measure.peak_rss_mb(), 1),
        "python": platform.python_version(),
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def step_counts(workload: Workload, repeats: int) -> dict:
    return {
        "train_batch": workload.train_batch,
        "warmup": workload.warmup if workload.trains else 0,
        "steps": workload.steps if workload.trains else 0,
        "predict_batch": workload.predict_batch,
        "predict_warmup": workload.predict_warmup,
        "predict_steps": workload.predict_steps,
        "repeats": repeats,
    }
