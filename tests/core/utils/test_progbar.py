"""lamina.utils.Progbar: text layout, averaging, verbosity, timing formats, errors."""

import io
import re
import sys
import time

import numpy as np
import pytest

from lamina.utils import Progbar

ANSI = re.compile(r"\x1b\[\d+m")


@pytest.fixture
def clock(monkeypatch):
    """`time.time` advancing 10 ms per call; a Progbar reads it once per update."""
    state = {"now": 100.0, "step": 0.01}

    def fake_time():
        state["now"] += state["step"]
        return state["now"]

    monkeypatch.setattr(time, "time", fake_time)
    return state


def _lines(out):
    """The visible lines: ANSI codes removed, each redraw (after \\r) a line of its own."""
    text = ANSI.sub("", out).replace("\b", "")
    return [line.rstrip() for line in re.split(r"[\r\n]", text) if line.strip()]


def test_dynamic_bar_layout(capsys, clock):
    bar = Progbar(5, interval=0.0)
    for step in range(1, 6):
        bar.update(step, [("loss", 1.0 / step)])
    out = capsys.readouterr().out
    assert out.startswith("\r\x1b[1m1/5\x1b[0m \x1b[32m━━━━\x1b[0m\x1b[37m━━━━━━━━━━━━━━━━\x1b[0m")
    assert out.endswith("\n") and out.count("\n") == 1
    assert _lines(out) == [
        "1/5 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - loss: 1.0000",
        "2/5 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - loss: 0.7500",
        "3/5 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - loss: 0.6111",
        "4/5 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - loss: 0.5208",
        "5/5 ━━━━━━━━━━━━━━━━━━━━ 0s 10ms/step - loss: 0.2000",
    ]
    # Each redraw first erases the previous line's width with backspaces.
    assert "\b" * len(_lines(out)[0]) + "\r" in out


def test_verbose_2_prints_one_line_when_done(capsys, clock):
    bar = Progbar(3, verbose=2)
    for step in range(1, 4):
        bar.update(step, [("loss", 0.5), ("tiny", 1e-5), ("neg", -2.0)])
    # Verbose 2 uses .4e for every value <= 1e-3, negative ones included.
    assert capsys.readouterr().out == (
        "3/3 - 0s - 10ms/step - loss: 0.5000 - tiny: 1.0000e-05 - neg: -2.0000e+00\n"
    )


def test_verbose_0_is_silent(capsys, clock):
    bar = Progbar(2, verbose=0)
    bar.update(1, [("loss", 1.0)])
    bar.update(2, [("loss", 1.0)])
    assert capsys.readouterr().out == ""


def test_values_are_weighted_by_steps_and_stateful_ones_shown_as_is(capsys, clock):
    bar = Progbar(10, stateful_metrics=["acc"], interval=0.0)
    bar.update(2, [("loss", 1.0), ("acc", 0.1)])
    bar.update(8, [("loss", 4.0), ("acc", 0.9)])
    assert _lines(capsys.readouterr().out)[-1].endswith("loss: 3.2500 - acc: 0.9000")


def test_stateless_metrics_lists_the_averaged_ones(capsys, clock):
    bar = Progbar(10, stateless_metrics=["loss"], interval=0.0)
    bar.update(5, [("loss", 1.0), ("acc", 0.1)])
    bar.update(6, [("loss", 3.0), ("acc", 0.9)])
    assert _lines(capsys.readouterr().out)[-1].endswith("loss: 1.3333 - acc: 0.9000")


def test_unknown_target_and_finalize(capsys, clock):
    bar = Progbar(None)
    bar.update(1, [("loss", 2.0)])
    bar.update(1, [("loss", 3.0)], finalize=True)
    lines = _lines(capsys.readouterr().out)
    # Step 1 reported twice: the second estimate falls back to (now - start) / 1.
    assert lines == [
        "      1/Unknown 0s 10ms/step - loss: 2.0000",
        "      1/Unknown 0s 20ms/step - loss: 3.0000",
    ]


def test_interval_limits_redraws_but_not_the_last(capsys, clock):
    bar = Progbar(100, interval=1.0)
    for step in range(1, 101):
        bar.update(step)
    assert len(_lines(capsys.readouterr().out)) == 2  # 10 ms per step: at step 1 and 100


def test_add_advances_by_n(capsys, clock):
    bar = Progbar(4, verbose=2)
    bar.add(3, [("loss", 1.0)])
    bar.add(1, [("loss", 5.0)])
    assert capsys.readouterr().out.startswith("4/4 - ")


@pytest.mark.parametrize(
    "step, expected",
    [(0.0, "0s/step"), (2e-5, "20us/step"), (0.02, "20ms/step"), (2.0, "2s/step")],
)
def test_time_per_step_units(step, expected, capsys, clock):
    clock["step"] = step
    bar = Progbar(3, verbose=2, unit_name="step")
    for i in range(1, 4):
        bar.update(i)
    assert capsys.readouterr().out.split(" - ")[2].strip() == expected


@pytest.mark.parametrize("seconds_per_step, eta", [(0.5, "49s"), (3.0, "4:54"), (100.0, "2:43:20")])
def test_eta_formats(seconds_per_step, eta, capsys, clock):
    clock["step"] = seconds_per_step
    bar = Progbar(100, interval=0.0)
    bar.update(1)
    bar.update(2)
    assert _lines(capsys.readouterr().out)[-1].split()[2] == eta


def test_array_values_are_averaged(capsys, clock):
    bar = Progbar(1)
    bar.update(1, [("v", np.array([1.0, 3.0]))])
    assert _lines(capsys.readouterr().out)[-1].endswith("v: 2.0000")


def test_width_and_unit_name(capsys, clock):
    bar = Progbar(4, width=8, unit_name="sample", interval=0.0)
    for step in range(1, 5):
        bar.update(step)
    assert _lines(capsys.readouterr().out)[-2:] == [
        "3/4 ━━━━━━━━ 0s 10ms/sample",
        "4/4 ━━━━━━━━ 0s 10ms/sample",
    ]


def test_non_utf8_stdout_falls_back_to_equals(monkeypatch, clock):
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    Progbar(2, width=4).update(2)
    stream.flush()
    assert b"====" in stream.buffer.getvalue()


def test_only_one_of_stateful_and_stateless():
    with pytest.raises(ValueError, match="only one of `stateful_metrics` or `stateless_metrics`"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def test_verbose_must_be_0_1_or_2():
    with pytest.raises(ValueError, match=r"`verbose` must be 0, 1 or 2\. Received: verbose=3"):
        Progbar(3, verbose=3)
