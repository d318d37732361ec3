"""An Embedding + LSTM + Dense text classifier learns a synthetic task through `fit`."""

import numpy as np

import lamina
from lamina import layers


def test_lstm_classifier_learns_token_presence():
    """Label: does token 1 occur before the padding? Needs memory across the sequence."""
    rng = np.random.default_rng(0)
    n, length, vocab = 512, 12, 8
    tokens = rng.integers(2, vocab, size=(n, length))
    labels = rng.integers(0, 2, size=n)
    lengths = rng.integers(4, length + 1, size=n)
    for i in range(n):
        if labels[i]:
            tokens[i, rng.integers(0, lengths[i])] = 1
        tokens[i, lengths[i] :] = 0  # right padding, masked by the Embedding
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            lamina.Input((length,), dtype="int32"),
            layers.Embedding(vocab, 8, mask_zero=True),
            layers.LSTM(16),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=lamina.optimizers.SGD(0.5, momentum=0.9),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(tokens, labels, batch_size=32, epochs=8, verbose=0)
    assert history.history["accuracy"][-1] > 0.95
    assert model.evaluate(tokens, labels, verbose=0)[1] > 0.95
