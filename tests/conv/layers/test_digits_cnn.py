"""A small CNN (Conv2D, MaxPooling2D, Flatten, Dense) learns the shipped 8x8 digits."""

import numpy as np

import lamina
from lamina import layers
from lamina.datasets import digits

# The accuracy the plugin's README states for this model.
README_ACCURACY = 0.9


def test_small_cnn_learns_digits():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    x_train = (x_train / 16.0).astype("float32")[..., None]
    x_test = (x_test / 16.0).astype("float32")[..., None]
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            lamina.Input((8, 8, 1)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=lamina.optimizers.SGD(0.05, momentum=0.9),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > README_ACCURACY
    predictions = model.predict(x_test[:4], verbose=0)
    assert predictions.shape == (4, 10)
    np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)


def test_weights_round_trip(tmp_path):
    model = lamina.Sequential(
        [lamina.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.SeparableConv2D(2, 3)]
    )
    x = np.random.default_rng(0).random((2, 8, 8, 1)).astype("float32")
    path = str(tmp_path / "cnn.weights.h5")
    model.save_weights(path)
    other = lamina.Sequential(
        [lamina.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.SeparableConv2D(2, 3)]
    )
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
