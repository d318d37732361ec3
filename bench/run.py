"""Run workloads on lamina and its peers, one fresh process per (peer, workload).

For each workload lamina runs first, then each peer in turn, so lamina and its peers
alternate through the run and share its conditions. A workload lamina cannot build
(its plugin is not installed) is skipped for every peer, with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.peers import LAMINA, PEERS
from bench.workloads import Workload

ROOT = Path(__file__).resolve().parent.parent


def child_command(peer_name: str, workload: Workload, repeats: int, device: str, quiet_wait: bool):
    peer = PEERS[peer_name]
    command = [sys.executable, "-m", f"bench.peers.{peer.module}", "--framework", peer_name]
    command += ["--workload", workload.name, "--device", device, "--repeats", str(repeats)]
    for option in ("warmup", "steps", "predict_warmup", "predict_steps"):
        command += [f"--{option.replace('_', '-')}", str(getattr(workload, option))]
    if not quiet_wait:
        command.append("--no-quiet-wait")
    return command


def run_peer(
    peer_name: str,
    workload: Workload,
    repeats: int = 3,
    device: str = "cpu",
    quiet_wait: bool = True,
    timeout_s: float = 600,
) -> dict:
    """The record of one (peer, workload) process: its JSON line, or why there is none."""
    base = {"peer": peer_name, "workload": workload.name, "device": device}
    missing = PEERS[peer_name].missing()
    if missing:
        return {**base, "status": "not installed", "reason": f"missing {', '.join(missing)}"}
    command = child_command(peer_name, workload, repeats, device, quiet_wait)
    # The repository's bench package must be importable from the child whatever its cwd.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, env=env, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {**base, "status": "error", "reason": f"timed out after {timeout_s:.0f} s"}
    wall_s = round(time.perf_counter() - start, 1)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = " | ".join(done.stderr.strip().splitlines()[-3:])
        return {
            **base,
            "status": "error",
            "reason": f"exit {done.returncode}: {last}",
            "wall_s": wall_s,
        }
    return {**json.loads(lines[-1]), "wall_s": wall_s}


def run_all(
    workloads: list[Workload],
    peers: list[str],
    repeats: int = 3,
    device: str = "cpu",
    quiet_wait: bool = True,
    log=print,
) -> list[dict]:
    """Records of every (workload, peer), lamina first in each workload."""
    records = []
    ordered = [LAMINA.name] + [p for p in peers if p != LAMINA.name]
    for workload in workloads:
        lamina_record = None
        for peer in ordered:
            if lamina_record is not None and lamina_record["status"] == "skipped":
                record = {
                    "peer": peer,
                    "workload": workload.name,
                    "device": device,
                    "status": "skipped",
                    "reason": "lamina cannot run this workload",
                }
            else:
                record = run_peer(peer, workload, repeats, device, quiet_wait)
            if peer == LAMINA.name:
                lamina_record = record
            log(_progress_line(record))
            records.append(record)
    return records


def _progress_line(record: dict) -> str:
    clock = time.strftime("%H:%M:%S")
    text = f"[{clock}] {record['workload']:<16} {record['peer']:<14} {record['status']}"
    if record["status"] == "ok":
        train = record.get("train")
        text += f"  train {train['samples_per_s']:,.0f}/s" if train else ""
        text += (
            f"  predict {record['predict']['samples_per_s']:,.0f}/s  ({record.get('wall_s', 0)} s)"
        )
    elif record.get("reason"):
        text += f": {record['reason']}"
    return text
