"""Parity: lamina's array adapter, splits and epoch steps batch exactly like Keras 3's."""

import warnings

import numpy as np
import pytest
from keras.src.trainers import epoch_iterator as keras_epoch_iterator
from keras.src.trainers.data_adapters import array_slicing as keras_slicing
from keras.src.trainers.data_adapters import data_adapter_utils as keras_utils
from keras.src.trainers.data_adapters.array_data_adapter import ArrayDataAdapter as KerasAdapter

from lamina.autodiff.nest import flatten
from lamina.trainers.data_adapters import (
    ArrayDataAdapter,
    class_weight_to_sample_weights,
    train_validation_split,
)
from lamina.trainers.epoch_iterator import EpochIterator


def keras_batches(adapter, seed):
    np.random.seed(seed)
    return [flatten(batch) for batch in adapter.get_numpy_iterator()]


def assert_same_batches(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, np.asarray(y))


def make_data(rng):
    x = {"a": rng.normal(size=(23, 3)).astype("float32"), "b": rng.integers(0, 5, size=(23,))}
    y = rng.integers(0, 3, size=(23,))
    return x, y


@pytest.mark.parametrize("shuffle", [False, True, "batch"])
@pytest.mark.parametrize("batch_size", [None, 5, 23, 64])
def test_array_adapter_batches_match_keras(shuffle, batch_size, rng):
    x, y = make_data(rng)
    kwargs = dict(batch_size=batch_size, shuffle=shuffle)
    ours = ArrayDataAdapter(x, y, **kwargs)
    theirs = KerasAdapter(x, y, **kwargs)
    assert (ours.num_batches, ours.batch_size) == (theirs.num_batches, theirs.batch_size)
    assert ours.partial_batch_size == theirs.partial_batch_size
    for epoch in range(2):
        assert_same_batches(keras_batches(ours, epoch), keras_batches(theirs, epoch))


def test_array_adapter_steps_sample_and_class_weights_match_keras(rng):
    x, y = make_data(rng)
    ours = ArrayDataAdapter(x, y, steps=4, class_weight={0: 0.5, 2: 3.0}, shuffle=True)
    theirs = KerasAdapter(x, y, steps=4, class_weight={0: 0.5, 2: 3.0}, shuffle=True)
    assert ours.batch_size == theirs.batch_size
    assert_same_batches(keras_batches(ours, 3), keras_batches(theirs, 3))
    w = rng.random(23)
    outputs = [y, y * 2]
    assert_same_batches(
        keras_batches(ArrayDataAdapter(x, outputs, sample_weight=w, batch_size=7), 0),
        keras_batches(KerasAdapter(x, outputs, sample_weight=w, batch_size=7), 0),
    )


def test_class_weight_to_sample_weights_matches_keras(rng):
    weights = {0: 0.25, 1: 4.0}
    for y in (rng.integers(0, 3, size=(9,)), np.eye(3)[rng.integers(0, 3, 9)], rng.random((9, 1))):
        np.testing.assert_array_equal(
            class_weight_to_sample_weights(y, weights),
            keras_utils.class_weight_to_sample_weights(y, weights),
        )


@pytest.mark.parametrize("split", [0.1, 0.25, 0.5, 0.9])
def test_train_validation_split_matches_keras(split, rng):
    x, y = make_data(rng)
    ours = train_validation_split((x, y, None), split)
    theirs = keras_slicing.train_validation_split((x, y, None), split)
    for a, b in zip(ours, theirs):
        ours_leaves = [t for t in flatten(a) if t is not None]
        assert_same_batches([ours_leaves], [[np.asarray(t) for t in flatten(b) if t is not None]])


@pytest.mark.parametrize("steps_per_epoch", [None, 2, 3, 7])
def test_epoch_steps_match_keras(steps_per_epoch):
    x = np.arange(10)
    ours = EpochIterator(x, batch_size=4, steps_per_epoch=steps_per_epoch)
    theirs = keras_epoch_iterator.EpochIterator(x, batch_size=4, steps_per_epoch=steps_per_epoch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):
            got = [(step, batch[0].tolist()) for step, batch in ours.enumerate_epoch()]
            expected = [
                (begin, np.asarray(data[0]).tolist()) for begin, _, data in theirs.enumerate_epoch()
            ]
            assert got == expected
            assert ours.num_batches == theirs.num_batches
