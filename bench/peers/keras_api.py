"""One workload through the Keras API: `fit` and `predict` timed by a callback.

`--framework lamina` imports lamina as keras; `keras_jax`, `tf_keras` and `keras_torch`
import Keras 3 on that backend. The callback implements only the begin/end hooks, so
Keras keeps its asynchronous dispatch and the window includes the final state sync.

Run: python -m bench.peers.keras_api --framework lamina --workload W1_mlp
"""

from __future__ import annotations

import importlib
import os
import time

BACKENDS = {"keras_jax": "jax", "tf_keras": "tensorflow", "keras_torch": "torch"}


def import_keras(framework: str, device: str):
    """The Keras-API module of `framework`, and the seconds its import took."""
    if framework == "lamina":
        os.environ["LAMINA_DEVICE"] = "gpu:0" if device == "gpu" else "cpu"
        name = "lamina"
    else:
        os.environ["KERAS_BACKEND"] = BACKENDS[framework]
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        name = "keras"
    start = time.perf_counter()
    module = importlib.import_module(name)
    return module, time.perf_counter() - start


def versions(keras, framework: str) -> dict:
    """Versions of what ran: the Keras-API package, NumPy, and the backend or lamina's plugins."""
    import importlib.metadata

    import numpy

    found = {"keras_api": getattr(keras, "__version__", "?"), "numpy": numpy.__version__}
    if framework == "lamina":
        for entry in importlib.metadata.entry_points(group="lamina.plugins"):
            found[entry.dist.name] = entry.dist.version
    else:
        found[BACKENDS[framework]] = importlib.import_module(BACKENDS[framework]).__version__
    return found


def timer_callback(keras):
    """A callback opening a measurement window when train/predict begins, closing it at the end."""
    from bench.measure import Window

    class Timer(keras.callbacks.Callback):
        def _begin(self, logs=None):
            self.window = Window().__enter__()

        def _end(self, logs=None):
            self.window.__exit__(None, None, None)

        on_train_begin = on_predict_begin = _begin
        on_train_end = on_predict_end = _end

    return Timer()


def main() -> None:
    from bench import measure
    from bench.peers import child

    args = child.parse_args(__doc__.splitlines()[0])
    workload = child.workload_of(args)
    rss_before_import = measure.current_rss_mb()
    keras, import_s = import_keras(args.framework, args.device)
    imported = {
        "import_s": round(import_s, 3),
        "rss_after_import_mb": round(measure.current_rss_mb(), 1),
    }
    imported["rss_before_import_mb"] = round(rss_before_import, 1)

    from bench.models import build
    from bench.workloads import ADAM, make_data

    keras.utils.set_random_seed(0)
    try:
        model, loss = build(keras, workload.name)
        optimizer = keras.optimizers.Adam(**ADAM) if loss is not None else None
    except (AttributeError, ImportError, LookupError) as err:
        needs = " and ".join(workload.plugins)
        child.emit(
            args, "skipped", reason=f"needs {needs} ({type(err).__name__}: {err})", **imported
        )
        return
    gate = child.quiet_gate(args)
    record = {"params": int(model.count_params()), **imported}

    if workload.trains:
        model.compile(optimizer=optimizer, loss=loss)
        batch = workload.train_batch
        x, y = make_data(workload.name, max(workload.steps, workload.warmup) * batch)
        fit = {"batch_size": batch, "epochs": 1, "shuffle": False, "verbose": 0}
        losses = []
        if workload.warmup:
            history = model.fit(x[: workload.warmup * batch], y[: workload.warmup * batch], **fit)
            losses.append(float(history.history["loss"][-1]))
        timed = workload.steps * batch

        def train_window() -> dict:
            waited = gate.wait()
            timer = timer_callback(keras)
            history = model.fit(x[:timed], y[:timed], callbacks=[timer], **fit)
            losses.append(float(history.history["loss"][-1]))
            return timer.window.record(timed, quiet_wait_s=waited)

        record["train"] = measure.measure(train_window, args.repeats)
        record["train_loss"] = losses
        del x, y

    batch = workload.predict_batch
    x, _ = make_data(workload.name, max(workload.predict_steps, workload.predict_warmup) * batch)
    if workload.predict_warmup:
        model.predict(x[: workload.predict_warmup * batch], batch_size=batch, verbose=0)
    timed = workload.predict_steps * batch

    def predict_window() -> dict:
        waited = gate.wait()
        timer = timer_callback(keras)
        model.predict(x[:timed], batch_size=batch, verbose=0, callbacks=[timer])
        return timer.window.record(timed, quiet_wait_s=waited)

    record["predict"] = measure.measure(predict_window, args.repeats)
    record["steps"] = child.step_counts(workload, args.repeats)
    child.emit(args, "ok", versions=versions(keras, args.framework), **record)


if __name__ == "__main__":
    main()
