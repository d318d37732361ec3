"""End to end with compile/fit/evaluate/predict: an MLP learns the shipped digits."""

import numpy as np
import pytest

import lamina
from lamina.datasets import digits


def _load():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = x_train.reshape(len(x_train), -1).astype("float32") / 16.0
    x_test = x_test.reshape(len(x_test), -1).astype("float32") / 16.0
    return (x_train, y_train.astype("int32")), (x_test, y_test.astype("int32"))


def test_sequential_mlp_learns_the_digits():
    (x_train, y_train), (x_test, y_test) = _load()
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            lamina.Input((64,)),
            lamina.layers.Dense(64, activation="relu"),
            lamina.layers.Dense(64, activation="relu"),
            lamina.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=lamina.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, epochs=6, batch_size=32, validation_split=0.1, verbose=0)
    assert history.history["val_accuracy"][-1] > 0.85
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.9, f"test accuracy {accuracy:.3f}"
    predicted = model.predict(x_test, verbose=0).argmax(axis=-1)
    assert np.mean(predicted == y_test) == pytest.approx(accuracy, rel=1e-6)
    assert loss < 0.5


def test_functional_two_outputs_learn_class_and_parity():
    (x_train, y_train), (x_test, y_test) = _load()
    lamina.utils.set_random_seed(1)
    inputs = lamina.Input((64,), name="pixels")
    hidden = lamina.layers.Dense(64, activation="relu")(inputs)
    digit = lamina.layers.Dense(10, activation="softmax", name="digit")(hidden)
    odd = lamina.layers.Dense(1, activation="sigmoid", name="odd")(hidden)
    model = lamina.Model(inputs, {"digit": digit, "odd": odd})
    model.compile(
        optimizer=lamina.optimizers.SGD(learning_rate=0.05, momentum=0.9),
        loss={"digit": "sparse_categorical_crossentropy", "odd": "binary_crossentropy"},
        loss_weights={"digit": 1.0, "odd": 0.5},
        metrics={"digit": "accuracy", "odd": "accuracy"},
    )
    targets = {"digit": y_train, "odd": (y_train % 2).astype("float32")[:, None]}
    model.fit(x_train, targets, epochs=5, batch_size=32, verbose=0)
    test_targets = {"digit": y_test, "odd": (y_test % 2).astype("float32")[:, None]}
    results = model.evaluate(x_test, test_targets, verbose=0, return_dict=True)
    assert sorted(results) == ["digit_accuracy", "digit_loss", "loss", "odd_accuracy", "odd_loss"]
    assert results["digit_accuracy"] > 0.9
    assert results["odd_accuracy"] > 0.9
