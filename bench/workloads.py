"""The five benchmark workloads (W1-W5): sizes, step counts and synthetic data.

The numbers follow the shared workload spec (`shared/bench/workloads.md`, whose code
`peers/common.py` is the reference): same shapes, seeds, data generator and step counts,
so figures from this package compare with the recorded peer baselines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

VOCAB = 20000
W3_SEQUENCE = 200
W4_SEQUENCE = 128
ADAM = {"learning_rate": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}


@dataclass(frozen=True)
class Workload:
    """One workload: batch sizes and step counts of its train and predict windows.

    `train_batch` is None for predict-only workloads (W5). `macs_per_sample` is the
    spec's nominal count of multiply-accumulates of one forward pass; `plugins` are the
    lamina distributions its layers (and Adam) come from.
    """

    name: str
    title: str
    train_batch: int | None
    predict_batch: int
    warmup: int
    steps: int
    predict_warmup: int
    predict_steps: int
    seed: int
    macs_per_sample: float
    plugins: tuple[str, ...]

    @property
    def trains(self) -> bool:
        return self.train_batch is not None


# keras.applications has no lamina plugin yet (`lamina-apps`): W5 is skipped until it has.
ATTENTION = ("lamina-optim", "lamina-layers-attention")
APPS = ("lamina-layers-conv", "lamina-apps")
WORKLOADS = {
    w.name: w
    for w in (
        Workload(
            "W1_mlp",
            "MLP 784-512-512-10",
            128,
            128,
            10,
            200,
            10,
            200,
            1001,
            668_672,
            ("lamina-optim",),
        ),
        Workload(
            "W2_cnn",
            "cifar10 CNN",
            64,
            64,
            3,
            30,
            3,
            30,
            1002,
            20.74e6,
            ("lamina-optim", "lamina-layers-conv"),
        ),
        Workload(
            "W3_lstm",
            "imdb LSTM",
            64,
            64,
            2,
            20,
            2,
            20,
            1003,
            26.21e6,
            ("lamina-optim", "lamina-layers-rnn"),
        ),
        Workload(
            "W4_transformer", "Transformer block", 32, 32, 3, 40, 3, 60, 1004, 20.97e6, ATTENTION
        ),
        Workload(
            "W5a_mobilenetv2", "MobileNetV2 predict", None, 16, 0, 0, 2, 6, 1005, 300.77e6, APPS
        ),
        Workload("W5b_resnet50", "ResNet50 predict", None, 8, 0, 0, 1, 4, 1006, 3857.97e6, APPS),
    )
}

# `--quick`: about a tenth of the timed steps and one window, so a whole run with every
# peer takes about two minutes; the figures are rougher (short windows, no repeats).
QUICK_STEPS = {
    "W1_mlp": dict(warmup=3, steps=40, predict_warmup=3, predict_steps=40),
    "W2_cnn": dict(warmup=1, steps=5, predict_warmup=1, predict_steps=8),
    "W3_lstm": dict(warmup=1, steps=3, predict_warmup=1, predict_steps=5),
    "W4_transformer": dict(warmup=1, steps=8, predict_warmup=1, predict_steps=12),
    "W5a_mobilenetv2": dict(predict_warmup=1, predict_steps=2),
    "W5b_resnet50": dict(predict_warmup=1, predict_steps=1),
}


def quick(workload: Workload) -> Workload:
    """`workload` with the step counts of `--quick`."""
    return replace(workload, **QUICK_STEPS[workload.name])


def make_data(name: str, samples: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Inputs and labels of `samples` samples, drawn in one call each from the workload's seed.

    Images are channels-last (the Keras layout); batch `i` is samples `[i*B, (i+1)*B)`.
    """
    rng = np.random.default_rng(WORKLOADS[name].seed)
    if name == "W1_mlp":
        x = rng.standard_normal((samples, 784), dtype=np.float32)
        y = rng.integers(0, 10, size=(samples,), dtype=np.int32)
    elif name == "W2_cnn":
        x = rng.random((samples, 32, 32, 3), dtype=np.float32)
        y = rng.integers(0, 10, size=(samples,), dtype=np.int32)
    elif name == "W3_lstm":
        x = rng.integers(1, VOCAB, size=(samples, W3_SEQUENCE), dtype=np.int32)
        y = rng.integers(0, 2, size=(samples, 1)).astype(np.float32)
    elif name == "W4_transformer":
        x = rng.integers(1, VOCAB, size=(samples, W4_SEQUENCE), dtype=np.int32)
        y = rng.integers(0, 2, size=(samples,), dtype=np.int32)
    elif name in ("W5a_mobilenetv2", "W5b_resnet50"):
        x, y = rng.random((samples, 224, 224, 3), dtype=np.float32), None
    else:
        raise ValueError(f"make_data: unknown workload {name!r}; expected one of {list(WORKLOADS)}")
    return x, y
