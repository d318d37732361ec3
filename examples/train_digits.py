"""Train a two-layer MLP on the handwritten digits shipped with lamina.

The model is written by hand with `lamina.ops`, `lamina.Variable` and `lamina.GradientTape`,
trained with mini-batch SGD with momentum: the custom-training-loop style of tf.keras.

    python examples/train_digits.py                 # CPU (NumPy)
    python examples/train_digits.py --device gpu:0  # NVIDIA GPU (CuPy)
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

import lamina
from lamina import ops
from lamina.datasets import digits


def init_params(sizes, seed):
    """He-normal weights and zero biases for a dense stack of layer `sizes`."""
    rng = np.random.default_rng(seed)
    params = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        w = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype("float32")
        params.append(lamina.Variable(w, name=f"dense_{i}_kernel"))
        params.append(lamina.Variable(np.zeros(n_out, "float32"), name=f"dense_{i}_bias"))
    return params


def forward(params, x):
    """Logits of the MLP: relu(x @ w1 + b1) @ w2 + b2."""
    w1, b1, w2, b2 = params
    hidden = ops.relu(x @ w1 + b1)
    return hidden @ w2 + b2


def accuracy(params, x, y):
    """Fraction of the images `x` whose predicted class is the label `y`."""
    predicted = ops.argmax(forward(params, ops.convert_to_tensor(x)), axis=-1)
    return float(np.mean(ops.convert_to_numpy(predicted) == y))


def train(
    epochs=20, batch_size=32, learning_rate=0.05, momentum=0.9, hidden=64, seed=0, verbose=True
):
    """Train on the digits training split and return the accuracy on its test split.

    Args:
        epochs: passes over the 1,437 training images.
        batch_size: images per gradient step.
        learning_rate, momentum: SGD with (heavy-ball) momentum.
        hidden: width of the hidden layer.
        seed: seed of the weights and of the batch order.
        verbose: print one line per epoch.

    Example:
        >>> train(epochs=5, verbose=False) > 0.8
        True
    """
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    # Pixels are counts 0..16; flatten the 8x8 images and scale them to [0, 1].
    x_train = x_train.reshape(len(x_train), -1).astype("float32") / 16.0
    x_test = x_test.reshape(len(x_test), -1).astype("float32") / 16.0
    y_train, y_test = y_train.astype("int32"), y_test.astype("int32")

    params = init_params([x_train.shape[1], hidden, 10], seed)
    velocities = [lamina.Variable(np.zeros(p.shape, p.dtype), trainable=False) for p in params]
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_train))
        total, steps = 0.0, 0
        for begin in range(0, len(order), batch_size):
            idx = order[begin : begin + batch_size]
            x = ops.convert_to_tensor(x_train[idx])
            y = ops.convert_to_tensor(y_train[idx])
            with lamina.GradientTape() as tape:
                logits = forward(params, x)
                loss = ops.mean(ops.sparse_categorical_crossentropy(y, logits, from_logits=True))
            grads = tape.gradient(loss, params)
            for param, velocity, grad in zip(params, velocities, grads):
                velocity.assign(velocity * momentum - grad * learning_rate)
                param.assign_add(velocity)
            total += float(loss)
            steps += 1
        if verbose:
            print(
                f"epoch {epoch:3d}/{epochs}  loss {total / steps:.4f}  "
                f"train acc {accuracy(params, x_train, y_train):.3f}  "
                f"({time.perf_counter() - start:.1f} s)"
            )
    test_acc = accuracy(params, x_test, y_test)
    if verbose:
        print(f"test accuracy {test_acc:.4f} on {len(x_test)} held-out digits")
    return test_acc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--device", default=None, help='"cpu" (default) or "gpu:N"')
    args = parser.parse_args(argv)
    if args.device:
        lamina.config.set_device(args.device)
    print(f"lamina {lamina.__version__} on {lamina.config.get_device()}")
    train(epochs=args.epochs)


if __name__ == "__main__":
    main()
