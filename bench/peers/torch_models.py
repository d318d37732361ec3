"""PyTorch versions of the W1-W4 models: the same layers and sizes as `bench.models`.

PyTorch is channels-first and has its own default initializers; both are what a PyTorch
user gets, as the workload spec asks (the data is transposed once, outside the timing).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

from bench.workloads import VOCAB, W4_SEQUENCE


class LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, 128)
        self.lstm = nn.LSTM(128, 128, batch_first=True)
        self.head = nn.Linear(128, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(self.embedding(x))
        return self.head(h[-1])


class TransformerClassifier(nn.Module):
    def __init__(self, width=128, heads=4, hidden=256):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, width)
        self.positions = nn.Embedding(W4_SEQUENCE, width)
        self.attention = nn.MultiheadAttention(width, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(width, eps=1e-6)
        self.hidden = nn.Linear(width, hidden)
        self.project = nn.Linear(hidden, width)
        self.norm2 = nn.LayerNorm(width, eps=1e-6)
        self.head = nn.Linear(width, 2)
        self.register_buffer("position_ids", torch.arange(W4_SEQUENCE), persistent=False)

    def forward(self, x):
        h = self.tokens(x) + self.positions(self.position_ids)
        attended, _ = self.attention(h, h, h, need_weights=False)
        h = self.norm1(h + attended)
        h = self.norm2(h + self.project(functional.relu(self.hidden(h))))
        return self.head(h.mean(dim=1))


def build(name: str) -> nn.Module:
    """The PyTorch model of workload `name`; logits out (the loss applies the activation)."""
    if name == "W1_mlp":
        return nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
        )
    if name == "W2_cnn":
        return nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(6 * 6 * 64, 512), nn.ReLU(), nn.Linear(512, 10),
        )  # fmt: skip
    if name == "W3_lstm":
        return LSTMClassifier()
    if name == "W4_transformer":
        return TransformerClassifier()
    raise LookupError(f"no PyTorch model of {name} in bench (only W1-W4)")
