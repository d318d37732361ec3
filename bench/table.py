"""The report: one Markdown table of every (workload, framework), with lamina's ratios."""

from __future__ import annotations

from bench import roofline
from bench.workloads import WORKLOADS

COLUMNS = (
    "workload",
    "framework",
    "train samples/s",
    "predict samples/s",
    "peak RSS MB",
    "import s",
    "train % of peak",
    "predict % of peak",
    "lamina / this, train",
    "lamina / this, predict",
)


def _rate(record: dict | None, phase: str) -> float | None:
    if record is None or record.get("status") != "ok" or not record.get(phase):
        return None
    return record[phase]["samples_per_s"]


def _number(value, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}" if digits or value >= 100 else f"{value:.3g}"


def _ratio(mine: float | None, theirs: float | None) -> str:
    return "-" if mine is None or not theirs else f"{mine / theirs:.2f}"


def fastest_peers(records: list[dict], workload: str) -> dict[str, tuple[str, float]]:
    """{phase: (peer, samples/s)} of the fastest peer of `workload`, per phase."""
    best = {}
    for record in records:
        if record["workload"] != workload or record["peer"] == "lamina":
            continue
        for phase in ("train", "predict"):
            rate = _rate(record, phase)
            if rate is not None and rate > best.get(phase, ("", 0.0))[1]:
                best[phase] = (record["peer"], rate)
    return best


def rows(records: list[dict], peak_gflops: float) -> list[list[str]]:
    """The table's rows; each workload ends with a row for its fastest peer per phase."""
    table = []
    for name in dict.fromkeys(r["workload"] for r in records):
        workload = WORKLOADS[name]
        mine = next((r for r in records if r["workload"] == name and r["peer"] == "lamina"), None)
        flops = {
            "train": roofline.train_flops_per_sample(workload),
            "predict": roofline.predict_flops_per_sample(workload),
        }
        for record in (r for r in records if r["workload"] == name):
            if record["status"] != "ok":
                continue
            rates = {phase: _rate(record, phase) for phase in ("train", "predict")}
            table.append(
                [
                    name,
                    record["peer"],
                    _number(rates["train"]),
                    _number(rates["predict"]),
                    _number(record.get("peak_rss_mb")),
                    _number(record.get("import_s"), 2),
                    *(
                        _number(roofline.percent_of_peak(rates[p], flops[p], peak_gflops), 1)
                        for p in ("train", "predict")
                    ),
                    *(
                        "-" if record is mine else _ratio(_rate(mine, p), rates[p])
                        for p in ("train", "predict")
                    ),
                ]
            )
        best = fastest_peers(records, name)
        if best:
            cells = {
                p: f"{best[p][0]} {_number(best[p][1])}" if p in best else "-"
                for p in ("train", "predict")
            }
            ratios = [
                _ratio(_rate(mine, p), best[p][1] if p in best else None)
                for p in ("train", "predict")
            ]
            table.append(
                [
                    name,
                    "**fastest peer**",
                    cells["train"],
                    cells["predict"],
                    "",
                    "",
                    "",
                    "",
                    *ratios,
                ]
            )
    return table


def render(records: list[dict], peak_gflops: float, header: str) -> str:
    """The whole report as Markdown: header, table, then what did not run and why."""
    lines = [header, "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(records, peak_gflops)]
    lines += not_measured(records)
    return "\n".join(lines)


def roofline_rows(workloads, peak_gflops: float) -> list[str]:
    """Each workload's GFLOP per train step and per predict batch, and their time at the peak."""
    lines = [
        f"Roofline: float32 GEMM peak {peak_gflops:.0f} GFLOP/s; FLOPs = 2 x MACs of the matmuls"
        " per forward pass, a train step = 3 forward passes.",
        "",
        "| workload | GFLOP / train step | GFLOP / predict batch | ms / train step at peak"
        " | ms / predict batch at peak |",
        "|---|---|---|---|---|",
    ]
    for w in workloads:
        train = roofline.train_flops_per_sample(w) * w.train_batch / 1e9 if w.trains else None
        predict = roofline.predict_flops_per_sample(w) * w.predict_batch / 1e9
        cells = [
            _number(train, 2),
            _number(predict, 2),
            _number(None if train is None else 1e3 * train / peak_gflops, 1),
            _number(1e3 * predict / peak_gflops, 1),
        ]
        lines.append(f"| {w.name} | " + " | ".join(cells) + " |")
    return lines


def not_measured(records: list[dict]) -> list[str]:
    """One line per workload lamina skipped, then one per other record that did not run."""
    lines = []
    skipped = {r["workload"] for r in records if r["peer"] == "lamina" and r["status"] == "skipped"}
    for record in records:
        if record["status"] == "ok" or (
            record["workload"] in skipped and record["peer"] != "lamina"
        ):
            continue
        who = (
            "skipped, peers too"
            if record["workload"] in skipped
            else f"{record['peer']}: {record['status']}"
        )
        lines.append(f"- {record['workload']}: {who}: {record.get('reason', '')}")
    return ["", "Not measured:", *lines] if lines else []
