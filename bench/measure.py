"""Timed windows on a shared machine: wall time, other processes' CPU share, RSS.

The rules are the workload spec's: before a window, wait (briefly) for the machine to be
quiet; record how much CPU other processes took during it; redo windows in which they
took more than 20 % of the machine, and report the median of the cleanest ones.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable

_TICKS = os.sysconf("SC_CLK_TCK")
_CPUS = os.cpu_count() or 1
FOREIGN_LIMIT_PCT = float(os.environ.get("BENCH_FOREIGN_MAX", "20"))
EXTRA_WINDOWS = int(os.environ.get("BENCH_MAX_RETRIES", "2"))


def _cpu_ticks() -> tuple[int, int, int]:
    """(total, busy, steal) CPU ticks of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    total = sum(values[:8])
    return total, total - values[3] - values[4], values[7] if len(values) > 7 else 0


def _own_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def machine_busy_pct(seconds: float = 0.3) -> float:
    """Percent of all CPUs busy over a short sleep of ours."""
    before = _cpu_ticks()
    time.sleep(seconds)
    after = _cpu_ticks()
    total = after[0] - before[0]
    return 100.0 * (after[1] - before[1]) / total if total > 0 else 0.0


class QuietGate:
    """Waits before each window until other processes leave the CPUs mostly idle.

    Args:
        max_wait_s: longest wait before one window.
        budget_s: longest total wait of the process.
        busy_pct: machine load counted as quiet.
    """

    def __init__(self, max_wait_s: float = 3.0, budget_s: float = 10.0, busy_pct: float = 15.0):
        self.max_wait_s, self.budget_s, self.busy_pct = max_wait_s, budget_s, busy_pct
        self.waited_s = 0.0

    def wait(self) -> float:
        limit = max(0.0, min(self.max_wait_s, self.budget_s - self.waited_s))
        start = time.perf_counter()
        while limit > 0 and machine_busy_pct() > self.busy_pct:
            if time.perf_counter() - start >= limit:
                break
        waited = time.perf_counter() - start
        self.waited_s += waited
        return waited


class Window:
    """Times one window and how much CPU other processes used meanwhile.

    `foreign_pct` is in percent of the whole machine (100 = every core busy with
    someone else's work); `steal_pct` is the hypervisor's share.
    """

    def __enter__(self) -> Window:
        self._ticks = _cpu_ticks()
        self._own = _own_cpu_seconds()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._start
        own = _own_cpu_seconds() - self._own
        ticks = _cpu_ticks()
        total = ticks[0] - self._ticks[0]
        busy = (ticks[1] - self._ticks[1]) / _TICKS
        self.steal_pct = 100.0 * (ticks[2] - self._ticks[2]) / total if total > 0 else 0.0
        self.foreign_pct = 100.0 * max(0.0, busy - own) / (self.seconds * _CPUS)
        self.cores_used = own / self.seconds

    def record(self, samples: int, **extra) -> dict:
        return {
            "samples_per_s": samples / self.seconds,
            "seconds": self.seconds,
            "foreign_cpu_pct": self.foreign_pct,
            "steal_pct": self.steal_pct,
            "self_cores": self.cores_used,
            **extra,
        }


def measure(run_window: Callable[[], dict], repeats: int) -> dict:
    """Run windows until `repeats` were clean (or the extra windows are spent).

    Returns the median samples/s of the `repeats` least contended windows, every used
    window in run order, and the discarded ones.
    """
    windows = []
    while True:
        windows.append(run_window())
        clean = sum(w["foreign_cpu_pct"] <= FOREIGN_LIMIT_PCT for w in windows)
        if clean >= repeats or len(windows) >= repeats + EXTRA_WINDOWS:
            break
    order = sorted(
        range(len(windows)),
        key=lambda i: (
            windows[i]["foreign_cpu_pct"] > FOREIGN_LIMIT_PCT,
            windows[i]["foreign_cpu_pct"],
        ),
    )
    used = sorted(order[:repeats])
    return {
        "samples_per_s": statistics.median(windows[i]["samples_per_s"] for i in used),
        "windows": [windows[i] for i in used],
        "discarded": [w for i, w in enumerate(windows) if i not in used],
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")
