"""The benchmark code runs, fills every column and trains: tiny step counts, no speed asserted."""

import importlib.util
import json
from dataclasses import replace

import numpy as np
import pytest

from bench import profile, roofline, run, table
from bench.__main__ import main, parse_args
from bench.workloads import QUICK_STEPS, WORKLOADS, make_data, quick

TINY = {"warmup": 1, "steps": 3, "predict_warmup": 1, "predict_steps": 2}


def tiny(name: str):
    return replace(WORKLOADS[name], **TINY)


def has_plugin(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def test_data_follows_the_spec_shapes_dtypes_and_seed():
    expected = {
        "W1_mlp": ((784,), np.float32, (), np.int32),
        "W2_cnn": ((32, 32, 3), np.float32, (), np.int32),
        "W3_lstm": ((200,), np.int32, (1,), np.float32),
        "W4_transformer": ((128,), np.int32, (), np.int32),
    }
    for name, (x_shape, x_dtype, y_shape, y_dtype) in expected.items():
        x, y = make_data(name, 5)
        assert x.shape == (5, *x_shape) and x.dtype == x_dtype
        assert y.shape == (5, *y_shape) and y.dtype == y_dtype
        again, _ = make_data(name, 5)
        np.testing.assert_array_equal(x, again)
    x, y = make_data("W5b_resnet50", 1)
    assert x.shape == (1, 224, 224, 3) and y is None
    # PCG64 with the workload's seed, inputs drawn before labels (shared/bench/peers/common.py).
    rng = np.random.default_rng(1001)
    np.testing.assert_array_equal(
        make_data("W1_mlp", 3)[0], rng.standard_normal((3, 784), dtype=np.float32)
    )


def test_quick_shortens_every_workload():
    assert set(QUICK_STEPS) == set(WORKLOADS)
    for workload in WORKLOADS.values():
        short = quick(workload)
        assert short.predict_steps < workload.predict_steps
        assert short.steps <= workload.steps


def test_lamina_w1_trains_and_reports_every_figure():
    record = run.run_peer("lamina", tiny("W1_mlp"), repeats=2, quiet_wait=False)
    assert record["status"] == "ok", record
    for phase in ("train", "predict"):
        assert record[phase]["samples_per_s"] > 0
        assert len(record[phase]["windows"]) == 2
    assert record["params"] == 669_706
    assert record["peak_rss_mb"] > 0 and 0 < record["import_s"] < 60
    # The warm-up's loss, then one per window run (contended windows are redone).
    losses = record["train_loss"]
    assert len(losses) >= 3 and losses[-1] < losses[0]


@pytest.mark.parametrize(
    "name, plugin, params",
    [
        ("W2_cnn", "lamina_conv", 1_250_858),
        ("W3_lstm", "lamina_rnn", 2_691_713),
        ("W4_transformer", "lamina_attention", 2_709_122),
    ],
)
def test_lamina_trains_the_plugin_workloads(name, plugin, params):
    if not has_plugin(plugin):
        pytest.skip(f"{plugin} not installed")
    workload = replace(WORKLOADS[name], warmup=1, steps=2, predict_warmup=1, predict_steps=1)
    record = run.run_peer("lamina", workload, repeats=2, quiet_wait=False)
    assert record["status"] == "ok", record
    assert record["params"] == params
    assert record["train_loss"][-1] < record["train_loss"][0]


def test_torch_peer_when_installed():
    if not has_plugin("torch"):
        pytest.skip("torch not installed")
    record = run.run_peer("pytorch_eager", tiny("W1_mlp"), repeats=2, quiet_wait=False)
    assert record["status"] == "ok", record
    assert record["params"] == 669_706
    assert record["train_loss"][-1] < record["train_loss"][0]


def test_a_missing_peer_is_reported_not_dropped(monkeypatch):
    missing = replace(run.PEERS["pytorch_eager"], requires=("no_such_package_here",))
    monkeypatch.setitem(run.PEERS, "pytorch_eager", missing)
    record = run.run_peer("pytorch_eager", tiny("W1_mlp"), quiet_wait=False)
    assert record["status"] == "not installed" and "no_such_package_here" in record["reason"]


def test_a_workload_lamina_cannot_run_is_skipped_for_every_peer(monkeypatch):
    calls = []

    def fake_run_peer(peer, workload, *args):
        calls.append(peer)
        return {
            "peer": peer,
            "workload": workload.name,
            "status": "skipped",
            "reason": "needs lamina-apps",
        }

    monkeypatch.setattr(run, "run_peer", fake_run_peer)
    records = run.run_all(
        [WORKLOADS["W5a_mobilenetv2"]], ["pytorch_eager", "keras_jax"], log=lambda _: None
    )
    assert calls == ["lamina"]
    assert [r["status"] for r in records] == ["skipped"] * 3
    assert "W5a_mobilenetv2: skipped, peers too: needs lamina-apps" in "\n".join(
        table.not_measured(records)
    )


def _record(peer, train, predict, workload="W2_cnn"):
    def phase(rate):
        return {"samples_per_s": rate, "windows": [], "discarded": []}

    return {
        "peer": peer,
        "workload": workload,
        "status": "ok",
        "train": phase(train),
        "predict": phase(predict),
        "peak_rss_mb": 100.0,
        "import_s": 0.2,
    }


def test_table_ratios_and_fastest_peer_per_phase():
    records = [
        _record("lamina", 300.0, 1000.0),
        _record("pytorch_eager", 600.0, 4000.0),
        _record("tf_keras", 1200.0, 2000.0),
        {
            "peer": "keras_jax",
            "workload": "W2_cnn",
            "status": "not installed",
            "reason": "missing jax",
        },
    ]
    assert table.fastest_peers(records, "W2_cnn") == {
        "train": ("tf_keras", 1200.0),
        "predict": ("pytorch_eager", 4000.0),
    }
    rows = table.rows(records, peak_gflops=200.0)
    assert all(len(row) == len(table.COLUMNS) for row in rows)
    by_peer = {row[1]: row for row in rows}
    assert by_peer["pytorch_eager"][-2:] == ["0.50", "0.25"]
    assert by_peer["**fastest peer**"][2:4] == ["tf_keras 1,200", "pytorch_eager 4,000"]
    assert by_peer["**fastest peer**"][-2:] == ["0.25", "0.25"]
    # 300 samples/s x 3 x 2 x 20.74 MMAC = 37.3 GFLOP/s, 18.7 % of 200.
    assert by_peer["lamina"][6] == "18.7"
    text = table.render(records, 200.0, "header")
    assert "| " + " | ".join(table.COLUMNS) + " |" in text
    assert "keras_jax: not installed: missing jax" in text


def test_roofline_measures_a_gemm_and_converts_rates():
    rates = roofline.gemm_gflops((64,), repeats=1)
    assert rates[64] > 0
    w1 = WORKLOADS["W1_mlp"]
    assert roofline.train_flops_per_sample(w1) == 3 * 2 * 668_672
    assert roofline.percent_of_peak(1000.0, 2e9, 200.0) == pytest.approx(1000.0)
    assert roofline.percent_of_peak(None, 1.0, 200.0) is None
    lines = table.roofline_rows([w1, WORKLOADS["W5b_resnet50"]], peak_gflops=200.0)
    # W1: 3 x 2 x 668,672 x 128 = 0.51 GFLOP per step, 2.6 ms at 200 GFLOP/s (as the spec says).
    assert "| W1_mlp | 0.51 | 0.17 | 2.6 | 0.9 |" in lines
    assert "| W5b_resnet50 | - | 61.73 | - | 308.6 |" in lines


def test_profile_splits_a_train_step_into_parts_that_add_up():
    result = profile.profile_train("W1_mlp", steps=3)
    parts = result["parts"]
    assert sum(parts.values()) == pytest.approx(result["step_s"], rel=1e-6)
    assert parts["forward primitives"] > 0 and parts["backward primitives"] > 0
    assert parts["optimizer apply"] > 0
    dense = next(op for op in result["ops"] if op["op"] == "dense_forward")
    assert dense["calls"] == 3 and dense["forward_s"] > 0 and dense["backward_s"] > 0
    predicted = profile.profile_predict("W1_mlp", steps=2)
    text = profile.render("W1_mlp", result, predicted)
    assert "optimizer apply" in text and "dense_forward" in text


def test_command_line_runs_and_writes_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    argv = ["--workloads", "W1", "--peers", "lamina", "--quick", "--steps-scale", "0.1"]
    assert main([*argv, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| W1_mlp | lamina |" in printed and "float32 GEMM peak" in printed
    report = json.loads(out.read_text())
    assert report["peak_gflops"] > 0
    assert [r["peer"] for r in report["records"]] == ["lamina"]
    assert report["records"][0]["status"] == "ok"


def test_command_line_names_bad_workloads():
    with pytest.raises(SystemExit):
        parse_args(["--workloads", "W9"])
    assert parse_args(["--workloads", "W5"]).workloads == ["W5a_mobilenetv2", "W5b_resnet50"]
