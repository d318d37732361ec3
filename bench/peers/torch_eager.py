"""One workload in PyTorch eager mode: a plain training loop and `inference_mode` predict.

Two threads on the CPU (all the machine has), CUDA with `--device gpu`. Images go to
NCHW and token ids to int64 once, before any timing. A train window is the loop plus a
final `float(loss)`; a predict window includes the output activation and `.numpy()`.

Run: python -m bench.peers.torch_eager --framework pytorch_eager --workload W1_mlp
"""

from __future__ import annotations

import time

import numpy as np


def as_torch(torch, name: str, x: np.ndarray, y: np.ndarray | None, device: str):
    if x.ndim == 4:
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    elif x.dtype == np.int32:
        x = x.astype(np.int64)
    x = torch.from_numpy(x).to(device)
    if y is not None:
        y = torch.from_numpy(y if name == "W3_lstm" else y.astype(np.int64)).to(device)
    return x, y


def main() -> None:
    from bench import measure
    from bench.peers import child

    args = child.parse_args(__doc__.splitlines()[0])
    workload = child.workload_of(args)
    rss_before_import = measure.current_rss_mb()
    start = time.perf_counter()
    import torch
    from torch.nn import functional

    imported = {
        "import_s": round(time.perf_counter() - start, 3),
        "rss_after_import_mb": round(measure.current_rss_mb(), 1),
        "rss_before_import_mb": round(rss_before_import, 1),
    }
    from bench.peers.torch_models import build
    from bench.workloads import ADAM, make_data

    torch.set_num_threads(2)
    torch.manual_seed(0)
    device = "cuda" if args.device == "gpu" else "cpu"
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    try:
        model = build(workload.name).to(device)
    except LookupError as err:
        child.emit(args, "skipped", reason=str(err), **imported)
        return
    gate = child.quiet_gate(args)
    record = {"params": sum(p.numel() for p in model.parameters()), **imported}
    binary = workload.name == "W3_lstm"

    if workload.trains:
        batch = workload.train_batch
        steps = max(workload.steps, workload.warmup)
        x, y = as_torch(torch, workload.name, *make_data(workload.name, steps * batch), device)
        batches = [
            (x[i * batch : (i + 1) * batch], y[i * batch : (i + 1) * batch]) for i in range(steps)
        ]
        loss_of = (
            functional.binary_cross_entropy_with_logits if binary else functional.cross_entropy
        )
        optimizer = torch.optim.Adam(
            model.parameters(),
            lr=ADAM["learning_rate"],
            betas=(ADAM["beta_1"], ADAM["beta_2"]),
            eps=ADAM["epsilon"],
        )
        model.train()

        def step(xb, yb):
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(model(xb), yb)
            loss.backward()
            optimizer.step()
            return loss.detach()

        losses = []
        if workload.warmup:
            losses.append(float(torch.stack([step(*b) for b in batches[: workload.warmup]]).mean()))

        def train_window() -> dict:
            waited = gate.wait()
            with measure.Window() as window:
                step_losses = [step(*b) for b in batches[: workload.steps]]
                float(step_losses[-1])
                sync()
            losses.append(float(torch.stack(step_losses).mean()))
            return window.record(workload.steps * batch, quiet_wait_s=waited)

        record["train"] = measure.measure(train_window, args.repeats)
        record["train_loss"] = losses
        del batches, x, y

    batch = workload.predict_batch
    steps = max(workload.predict_steps, workload.predict_warmup)
    x, _ = as_torch(torch, workload.name, make_data(workload.name, steps * batch)[0], None, device)
    batches = [x[i * batch : (i + 1) * batch] for i in range(steps)]
    activation = torch.sigmoid if binary else (lambda z: torch.softmax(z, dim=-1))
    model.eval()
    with torch.inference_mode():
        for b in batches[: workload.predict_warmup]:
            activation(model(b)).cpu().numpy()

        def predict_window() -> dict:
            waited = gate.wait()
            with measure.Window() as window:
                for b in batches[: workload.predict_steps]:
                    activation(model(b)).cpu().numpy()
            return window.record(workload.predict_steps * batch, quiet_wait_s=waited)

        record["predict"] = measure.measure(predict_window, args.repeats)
    record["steps"] = child.step_counts(workload, args.repeats)
    versions = {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
    }
    child.emit(args, "ok", versions=versions, **record)


if __name__ == "__main__":
    main()
