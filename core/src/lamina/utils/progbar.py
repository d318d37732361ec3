"""Progbar: the text progress bar of fit, evaluate and predict (`keras.utils.Progbar`)."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterable

import numpy as np

_VERBOSE_MODES = (0, 1, 2)


def print_msg(message: str, line_break: bool = True) -> None:
    """Write `message` to stdout and flush, as Keras's `io_utils.print_msg` does.

    Args:
        message: the text to write.
        line_break: whether to end the text with a newline.

    Example:
        >>> print_msg("Epoch 1/3")
        Epoch 1/3
    """
    message = f"{message}\n" if line_break else str(message)
    try:
        sys.stdout.write(message)
    except UnicodeEncodeError:
        # A non-UTF-8 stdout cannot print the bar glyph: fall back to Keras 2's "=".
        encoding = sys.stdout.encoding or "utf-8"
        message = message.replace("━", "=").encode(encoding, errors="ignore").decode(encoding)
        sys.stdout.write(message)
    sys.stdout.flush()


def _format_time(time_per_unit: float, unit_name: str) -> str:
    """` 3ms/step`, ` 2s/step` or ` 40us/step`: the duration of one unit, Keras's way."""
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1000.0:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1000000.0:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    """`1:02:03`, `2:03` or `45s`, truncating like Keras's `%d`."""
    if eta > 3600:
        return f"{int(eta // 3600)}:{int((eta % 3600) // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """Displays a progress bar.

    When neither `stateful_metrics` nor `stateless_metrics` is given, every metric is
    averaged over the steps seen (weighted by the steps between two updates).

    Args:
        target: total number of steps expected, or None if unknown.
        width: the bar's width in characters.
        verbose: 0 (silent), 1 (a bar redrawn in place) or 2 (one line when done).
        interval: minimum seconds between two redraws of the bar.
        stateful_metrics: names of metrics shown as given, not averaged. Exclusive
            with `stateless_metrics`.
        stateless_metrics: names of the only metrics that are averaged; every other
            metric is shown as given. Exclusive with `stateful_metrics`.
        unit_name: what a step is called in the timing (`"step"`, `"sample"`).

    Example:
        >>> bar = lamina.utils.Progbar(5)
        >>> for step in range(5):
        ...     bar.update(step + 1, [("loss", 0.5)])
        5/5 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: 0.5000
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        stateless_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Progbar: only one of `stateful_metrics` or `stateless_metrics` can be "
                "provided. `stateful_metrics` lists the metrics shown as given (all others "
                "are averaged); `stateless_metrics` lists the metrics that are averaged (all "
                "others are shown as given)."
            )
        if verbose not in _VERBOSE_MODES:
            raise ValueError(
                f"Progbar: `verbose` must be 0, 1 or 2. Received: verbose={verbose!r}."
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateful_metrics is not None:
            self.stateful_metrics = set(stateful_metrics)
            self.stateless_metrics = None
        elif stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set()
            self.stateless_metrics = None

        # Keras's test, kept as is: "posix" is always imported on Linux and macOS, so there
        # the bar is redrawn in place (\b and \r) even when stdout is a file or a pipe.
        self._dynamic_display = (
            (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
            or "ipykernel" in sys.modules
            or "posix" in sys.modules
            or "PYCHARM_HOSTED" in os.environ
        )
        self._seen_so_far = 0
        self._values: dict[str, list] = {}
        self._values_order: list[str] = []
        self._start = time.time()
        self._last_update = 0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Update the bar to step `current` and redraw it.

        Args:
            current: index of the current step (1 for the first step).
            values: list of `(name, value_for_last_step)` tuples. Metrics in
                `stateful_metrics` are shown as given; the others are averaged.
            finalize: whether this is the bar's last update. Defaults to
                `current >= target` (False when the target is unknown).

        Example:
            >>> bar = lamina.utils.Progbar(3, verbose=2)
            >>> bar.update(1, [("loss", 1.0)])
            >>> bar.update(2, [("loss", 0.5)])  # shown averaged: 0.75
            >>> bar.update(3, [("loss", 0.6)])  # the final update's value is shown as is
            3/3 - 0s - 2ms/step - loss: 0.6000
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target
        self._record(current, values or [], finalize)
        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._print_bar(current, now, time_per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            self._print_line(current, now, time_per_unit)
        self._last_update = now

    def add(self, n: int, values=None) -> None:
        """Advance the bar by `n` steps (see `update` for `values`).

        Example:
            >>> bar = lamina.utils.Progbar(10, verbose=0)
            >>> bar.add(3)
        """
        self.update(self._seen_so_far + n, values)

    def _record(self, current, values, finalize) -> None:
        for name, value in values:
            if name not in self._values_order:
                self._values_order.append(name)
            if self.stateful_metrics is not None:
                averaged = name not in self.stateful_metrics
            else:
                averaged = name in self.stateless_metrics
            if averaged and not finalize:
                # Weight by the steps since the last update; at least 1 because without a
                # target the last batch and the epoch end both report the same step.
                steps = max(current - self._seen_so_far, 1)
                if name in self._values:
                    self._values[name][0] += value * steps
                    self._values[name][1] += steps
                else:
                    self._values[name] = [value * steps, steps]
            else:
                # A final value (or a stateful metric) is already the epoch's result.
                self._values[name] = [value, 1]
        self._seen_so_far = current

    def _average(self, name):
        total, count = self._values[name]
        if not isinstance(total, float):
            total = np.mean(total)
        return total / max(1, count)

    def _print_bar(self, current, now, time_per_unit, finalize) -> None:
        message = ("\b" * self._prev_total_width + "\r") if self._dynamic_display else "\n"
        # ANSI escapes are printed but take no width on screen.
        special_char_len = 0
        if self.target is not None and self.target > 0:
            numdigits = int(math.log10(self.target)) + 1
            count = f"%{numdigits}d/%d" % (current, self.target)
            bar = f"\x1b[1m{count}\x1b[0m "
            special_char_len += 8
            prog_width = int(self.width * (float(current) / self.target))
            if prog_width > 0:
                bar += f"\33[32m{'━' * prog_width}\x1b[0m"
                special_char_len += 9
            bar += f"\33[37m{'━' * (self.width - prog_width)}\x1b[0m"
            special_char_len += 9
        else:
            bar = f"{int(current):7d}/Unknown"
        message += bar

        if self.target is not None and self.target > 0 and not finalize:
            info = f" \x1b[1m{_format_eta(time_per_unit * (self.target - current))}\x1b[0m"
        else:
            info = f" \x1b[1m{now - self._start:.0f}s\x1b[0m"
        special_char_len += 8
        info += _format_time(time_per_unit, self.unit_name)
        for name in self._values_order:
            avg = self._average(name)
            info += f" - {name}: {avg:.4f}" if abs(avg) > 1e-3 else f" - {name}: {avg:.4e}"
        message += info

        total_width = len(bar) + len(info) - special_char_len
        if self._prev_total_width > total_width:
            message += " " * (self._prev_total_width - total_width)
        if finalize:
            message += "\n"
        print_msg(message, line_break=False)
        self._prev_total_width = total_width

    def _print_line(self, current, now, time_per_unit) -> None:
        numdigits = int(math.log10(self.target)) + 1
        count = f"%{numdigits}d/%d" % (current, self.target)
        info = f"{count} - {now - self._start:.0f}s"
        info += f" -{_format_time(time_per_unit, self.unit_name)}"
        for name in self._values_order:
            avg = self._average(name)
            # Keras compares the signed value here (not abs as in verbose=1).
            info += f" - {name}: {avg:.4f}" if avg > 1e-3 else f" - {name}: {avg:.4e}"
        print_msg(info + "\n", line_break=False)

    def _estimate_step_duration(self, current, now) -> float:
        """Seconds per step; ignores the (slower, unrepresentative) first step once possible."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit
