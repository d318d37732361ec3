"""Where a lamina train step spends its time: per primitive, optimizer, data and overhead.

Runs `fit` over the workload's batches in this process with every primitive timed
(`lamina.autodiff.profiler`) and the parts of `train_step` bracketed: the forward
primitives, the backward primitives (vector-Jacobian products and gradient
accumulation), the rest of `GradientTape.gradient` (the engine's walk), the optimizer's
`apply`, the rest of `train_step` (layer calls, losses, metrics: Python overhead), and
what `fit` does between steps (data slicing, callbacks). Then the same for `predict`.

Timing every primitive adds about a microsecond per op, so the total runs a little
slower than an unprofiled step; the shares are what matter. On a GPU (`LAMINA_DEVICE=gpu:0`,
or `python -m bench --profile W2 --device gpu`) each op is synchronized before its clock
reading, so the figures are per-op device times and the step runs slower still.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from dataclasses import replace

from bench.models import build
from bench.workloads import ADAM, WORKLOADS, make_data


def _synchronize():
    """The device's synchronize when lamina runs on a GPU (kernels run asynchronously)."""
    import lamina

    if lamina.config.get_device().kind == "gpu":
        import cupy

        return cupy.cuda.Device().synchronize
    return None


class _Bracket:
    """Wraps a callable to add its wall time, and the primitive-forward time in it, to totals."""

    def __init__(self, totals: dict, key: str, profile):
        self.totals, self.key, self.profile = totals, key, profile

    def wrap(self, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            forward_before = self.profile.total("forward")
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.totals[self.key] += time.perf_counter() - start
                self.totals[self.key + " forward"] += self.profile.total("forward") - forward_before

        return timed


def profile_train(name: str, steps: int | None = None) -> dict:
    """Seconds per train step of workload `name`, split by part and by primitive."""
    import lamina as keras
    from lamina.autodiff.profiler import PrimitiveProfile
    from lamina.autodiff.tape import GradientTape

    workload = WORKLOADS[name]
    if not workload.trains:
        raise ValueError(f"--profile: {name} is predict-only; profile one of W1-W4")
    workload = replace(workload, steps=steps or workload.steps)
    keras.utils.set_random_seed(0)
    model, loss = build(keras, name)
    model.compile(optimizer=keras.optimizers.Adam(**ADAM), loss=loss)
    batch = workload.train_batch
    x, y = make_data(name, max(workload.steps, workload.warmup) * batch)
    fit = {"batch_size": batch, "epochs": 1, "shuffle": False, "verbose": 0}
    model.fit(x[: max(workload.warmup, 1) * batch], y[: max(workload.warmup, 1) * batch], **fit)

    totals: dict[str, float] = defaultdict(float)
    original_gradient = GradientTape.gradient
    with PrimitiveProfile(synchronize=_synchronize()) as profile:
        model.train_step = _Bracket(totals, "train_step", profile).wrap(model.train_step)
        model.optimizer.apply = _Bracket(totals, "optimizer", profile).wrap(model.optimizer.apply)
        GradientTape.gradient = _Bracket(totals, "gradient", profile).wrap(original_gradient)
        model.train_function = None  # rebuilt around the wrapped train_step
        try:
            start = time.perf_counter()
            model.fit(x[: workload.steps * batch], y[: workload.steps * batch], **fit)
            totals["fit"] = time.perf_counter() - start
        finally:
            GradientTape.gradient = original_gradient
            del model.train_step, model.optimizer.apply
            model.train_function = None
    return _train_parts(totals, profile, workload.steps)


def _train_parts(totals: dict, profile, steps: int) -> dict:
    forward_all = profile.total("forward")
    backward = profile.total("backward")
    # Primitives that run inside the optimizer or the backward pass belong to those parts.
    forward = forward_all - totals["optimizer forward"] - totals["gradient forward"]
    engine = totals["gradient"] - backward
    overhead = totals["train_step"] - forward - totals["gradient"] - totals["optimizer"]
    parts = {
        "forward primitives": forward,
        "backward primitives": backward,
        "backward engine (tape walk)": engine,
        "optimizer apply": totals["optimizer"],
        "Python overhead in train_step": overhead,
        "data and fit loop": totals["fit"] - totals["train_step"],
    }
    return {
        "steps": steps,
        "step_s": totals["fit"] / steps,
        "parts": {key: seconds / steps for key, seconds in parts.items()},
        "ops": _per_op(profile, steps),
    }


def _per_op(profile, steps: int) -> list[dict]:
    names = set(profile.forward) | set(profile.backward)
    ops = [
        {
            "op": op,
            "calls": profile.forward[op][0] / steps if op in profile.forward else 0.0,
            "forward_s": profile.forward[op][1] / steps if op in profile.forward else 0.0,
            "backward_s": profile.backward[op][1] / steps if op in profile.backward else 0.0,
        }
        for op in names
    ]
    return sorted(ops, key=lambda o: -(o["forward_s"] + o["backward_s"]))


def profile_predict(name: str, steps: int | None = None) -> dict:
    """Seconds per predict batch of workload `name`: per primitive, and the rest."""
    import lamina as keras
    from lamina.autodiff.profiler import PrimitiveProfile

    workload = WORKLOADS[name]
    steps = steps or workload.predict_steps
    keras.utils.set_random_seed(0)
    model, _ = build(keras, name)
    batch = workload.predict_batch
    x, _ = make_data(name, steps * batch)
    model.predict(x[:batch], batch_size=batch, verbose=0)
    with PrimitiveProfile(synchronize=_synchronize()) as profile:
        start = time.perf_counter()
        model.predict(x, batch_size=batch, verbose=0)
        elapsed = time.perf_counter() - start
    forward = profile.total("forward")
    return {
        "steps": steps,
        "step_s": elapsed / steps,
        "parts": {
            "forward primitives": forward / steps,
            "everything else": (elapsed - forward) / steps,
        },
        "ops": _per_op(profile, steps),
    }


def render(name: str, train: dict | None, predict: dict, top: int = 12) -> str:
    """Both profiles as text: the parts of a step, then the costliest primitives."""
    lines = [f"Profile of lamina on {name} (ms per step, share of the step)"]
    for title, result in (("train step", train), ("predict batch", predict)):
        if result is None:
            continue
        step_ms = result["step_s"] * 1e3
        lines += ["", f"{title}: {step_ms:.1f} ms over {result['steps']} steps"]
        for part, seconds in result["parts"].items():
            lines.append(
                f"  {part:<32} {seconds * 1e3:8.2f} ms  {100 * seconds * 1e3 / step_ms:5.1f} %"
            )
        lines.append(
            f"  {'primitive':<32} {'calls':>6} {'forward ms':>11} {'backward ms':>12} {'share':>7}"
        )
        for op in result["ops"][:top]:
            share = 100 * (op["forward_s"] + op["backward_s"]) * 1e3 / step_ms
            lines.append(
                f"  {op['op']:<32} {op['calls']:6.1f} {op['forward_s'] * 1e3:11.2f}"
                f" {op['backward_s'] * 1e3:12.2f} {share:6.1f} %"
            )
    return "\n".join(lines)
