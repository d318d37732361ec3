"""Variable paths follow Keras's name scopes: the builder's name, then the layer's."""

import numpy as np
from harness import keras

import lamina


def _sequential_with_input(lib):
    return lib.Sequential([lib.Input((3,)), lib.layers.Dense(2), lib.layers.BatchNormalization()])


def _functional(lib):
    inputs = lib.Input((3,))
    return lib.Model(inputs, lib.layers.Dense(2)(inputs))


def _subclassed(lib):
    class Tower(lib.Model):
        def __init__(self):
            super().__init__()
            self.hidden = lib.layers.Dense(4)
            self.head = lib.layers.Dense(1)

        def call(self, x):
            return self.head(self.hidden(x))

    model = Tower()
    model(np.ones((1, 3), "float32"))
    return model


def _deferred_sequential(lib):
    model = lib.Sequential([lib.layers.Dense(2)])
    model(np.ones((1, 3), "float32"))
    return model


def test_variable_paths_match_keras():
    for build in (_sequential_with_input, _functional, _subclassed, _deferred_sequential):
        keras.utils.clear_session()
        lamina.utils.clear_session()
        theirs = [v.path for v in build(keras).weights]
        ours = [v.path for v in build(lamina).weights]
        assert ours == theirs, build.__name__
