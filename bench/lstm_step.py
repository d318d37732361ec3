"""W3 (Keras imdb_lstm shape): lamina's train and predict throughput, and where a step goes.

Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid), batch 64, 200 steps per sequence,
Adam(1e-3, epsilon=1e-7), BinaryCrossentropy; data as /work/shared/bench/peers/common.py
(seed 1003). Train throughput: `fit` over 20 batches after a 2-batch warm-up; predict:
`predict` over 20 batches. Median of 3 windows. Then a profile (wall and process CPU
time): one whole train step against the fused LSTM primitive's forward and backward.

Run: python3 bench/lstm_step.py [--device gpu] [--steps 20]
"""

import argparse
import time

import numpy as np

import lamina

VOCAB, SEQ, BATCH, UNITS = 20000, 200, 64, 128


def make_data(n):
    rng = np.random.default_rng(1003)
    x = rng.integers(1, VOCAB, size=(n, SEQ), dtype=np.int32)
    y = rng.integers(0, 2, size=(n, 1)).astype(np.float32)
    return x, y


def build():
    model = lamina.Sequential(
        [
            lamina.Input((SEQ,), dtype="int32"),
            lamina.layers.Embedding(VOCAB, 128),
            lamina.layers.LSTM(UNITS),
            lamina.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=lamina.optimizers.Adam(learning_rate=1e-3, epsilon=1e-7),
        loss=lamina.losses.BinaryCrossentropy(),
    )
    return model


def throughput(model, x, y, steps):
    n = steps * BATCH
    model.fit(x[: 2 * BATCH], y[: 2 * BATCH], batch_size=BATCH, epochs=1, verbose=0)
    train = []
    for _ in range(3):
        start = time.perf_counter()
        model.fit(x[:n], y[:n], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
        train.append(n / (time.perf_counter() - start))
    model.predict(x[: 2 * BATCH], batch_size=BATCH, verbose=0)
    predict = []
    for _ in range(3):
        start = time.perf_counter()
        model.predict(x[:n], batch_size=BATCH, verbose=0)
        predict.append(n / (time.perf_counter() - start))
    return float(np.median(train)), float(np.median(predict))


def profile(model, x, y, repeats=5):
    """Milliseconds of: a whole train step, and the LSTM primitive's forward and backward."""
    from lamina_rnn.ops import lstm_sequence

    lstm = model.layers[1]
    xb = lamina.ops.convert_to_tensor(x[:BATCH])
    yb = lamina.ops.convert_to_tensor(y[:BATCH])
    emb = model.layers[0](xb)
    h0 = lamina.ops.zeros((BATCH, UNITS))
    cell = lstm.cell

    def step():
        model.train_on_batch(xb, yb)

    def forward():
        return lstm_sequence(emb, h0, h0, cell.kernel, cell.recurrent_kernel, cell.bias, None)

    def forward_backward():
        with lamina.GradientTape() as tape:
            tape.watch(emb)
            out = forward()[0]
        tape.gradient(out, [emb, cell.kernel, cell.recurrent_kernel, cell.bias])

    results = {}
    # "lstm fwd" runs outside a tape: the inference path, which saves nothing for a backward.
    parts = (("train step", step), ("lstm fwd", forward), ("lstm fwd+bwd", forward_backward))
    for name, fn in parts:
        fn()
        wall, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        results[name] = (1e3 * float(np.median(wall)), 1e3 * float(np.median(cpu)))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    with lamina.backend.device(args.device):
        x, y = make_data(args.steps * BATCH)
        model = build()
        train, predict = throughput(model, x, y, args.steps)
        print(f"W3 train   {train:8.1f} samples/s ({1e3 * BATCH / train:.1f} ms/step)")
        print(f"W3 predict {predict:8.1f} samples/s ({1e3 * BATCH / predict:.1f} ms/batch)")
        # CPU time (all threads) is steadier than wall time on a shared machine.
        for name, (wall, cpu) in profile(model, x, y).items():
            print(f"{name:14s} {wall:8.1f} ms wall {cpu:8.1f} ms cpu")


if __name__ == "__main__":
    main()
