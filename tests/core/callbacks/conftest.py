import numpy as np
import pytest


class FakeOptimizer:
    def __init__(self, learning_rate=0.1, name="sgd"):
        self.learning_rate = learning_rate
        self.name = name


class FakeModel:
    """The parts of a Model that callbacks use, until tests run a real `fit`."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.metrics = []
        self.weights = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def run_epochs(callbacks, model, epoch_logs, steps=1, batch_logs=None):
    """Call the hooks like `fit` would; weights mark the epoch; returns epochs run."""
    from lamina.callbacks import CallbackList

    cb_list = CallbackList(
        callbacks, add_history=True, model=model, verbose=0, epochs=len(epoch_logs), steps=steps
    )
    cb_list.on_train_begin()
    ran = 0
    logs = {}
    for epoch, logs in enumerate(epoch_logs):
        model.weights = [np.full(2, float(epoch))]
        cb_list.on_epoch_begin(epoch)
        for step in range(steps):
            cb_list.on_train_batch_begin(step)
            cb_list.on_train_batch_end(step, batch_logs if batch_logs is not None else logs)
        cb_list.on_epoch_end(epoch, dict(logs))
        ran += 1
        if model.stop_training:
            break
    cb_list.on_train_end(dict(logs))
    return ran


@pytest.fixture
def model():
    return FakeModel()


@pytest.fixture
def run():
    return run_epochs
