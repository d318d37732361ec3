"""EpochIterator: (step, batch) per epoch, Keras's steps_per_epoch and ran-out-of-data rules."""

import warnings

import numpy as np
import pytest

from lamina.data import Dataset
from lamina.trainers.epoch_iterator import EpochIterator
from lamina.utils import PyDataset

RAN_OUT = "Your input ran out of data"


def run_epoch(iterator, read=lambda batch: batch[0].tolist()):
    """Return ([(step, read(batch))...], [warning messages]) for one epoch."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        steps = [(step, read(batch)) for step, batch in iterator.enumerate_epoch()]
    return steps, [str(w.message) for w in caught]


def generator(n):
    for i in range(n):
        yield (np.full((2, 1), i), np.zeros(2))


def first_value(batch):
    return int(batch[0][0, 0])


def test_arrays_one_full_pass_per_epoch_with_tuple_batches():
    it = EpochIterator(np.arange(10), np.arange(10) * 2, batch_size=4)
    assert it.num_batches == 3
    for _ in range(2):
        steps, warned = run_epoch(it, read=lambda b: (len(b), b[1].tolist()))
        assert steps == [(0, (2, [0, 2, 4, 6])), (1, (2, [8, 10, 12, 14])), (2, (2, [16, 18]))]
        assert warned == []


def test_x_only_batches_are_one_tuples():
    it = EpochIterator({"a": np.ones((3, 2))}, batch_size=2)
    (step, batch), _ = list(it.enumerate_epoch())
    assert step == 0 and isinstance(batch, tuple) and len(batch) == 1 and "a" in batch[0]
    weighted = EpochIterator(np.ones(3), np.ones(3), sample_weight=np.ones(3))
    assert [len(b) for _, b in weighted.enumerate_epoch()] == [3]


def test_class_weight_arrives_as_sample_weight():
    it = EpochIterator(np.ones((4, 1)), np.array([0, 1, 1, 0]), class_weight={1: 2.0})
    ((_, (_, _, sw)),) = list(it.enumerate_epoch())
    assert sw.tolist() == [1.0, 2.0, 2.0, 1.0]


def test_steps_per_epoch_on_arrays_continues_then_restarts():
    it = EpochIterator(np.arange(10), batch_size=4, steps_per_epoch=2)
    assert it.num_batches == 2
    assert run_epoch(it) == ([(0, [0, 1, 2, 3]), (1, [4, 5, 6, 7])], [])
    steps, warned = run_epoch(it)
    assert steps == [(0, [8, 9])] and len(warned) == 1 and RAN_OUT in warned[0]
    assert run_epoch(it) == ([(0, [0, 1, 2, 3]), (1, [4, 5, 6, 7])], [])


def test_steps_per_epoch_larger_than_the_data_warns_each_epoch():
    it = EpochIterator(np.arange(10), batch_size=4, steps_per_epoch=5)
    for _ in range(2):
        steps, warned = run_epoch(it)
        assert [s for s, _ in steps] == [0, 1, 2] and len(warned) == 1


def test_generator_without_steps_runs_out_and_learns_its_size():
    it = EpochIterator(generator(5))
    assert it.num_batches is None
    steps, warned = run_epoch(it, read=first_value)
    assert steps == [(i, i) for i in range(5)] and RAN_OUT in warned[0]
    assert it.num_batches == 5
    steps, warned = run_epoch(it, read=first_value)
    assert steps == [] and len(warned) == 1  # a generator is consumed once


def test_generator_with_steps_continues_across_epochs():
    it = EpochIterator(generator(5), steps_per_epoch=3)
    assert run_epoch(it, read=first_value) == ([(0, 0), (1, 1), (2, 2)], [])
    steps, warned = run_epoch(it, read=first_value)
    assert steps == [(0, 3), (1, 4)] and len(warned) == 1
    steps, warned = run_epoch(it, read=first_value)
    assert steps == [] and len(warned) == 1


def test_infinite_dataset_with_steps_continues_across_epochs():
    it = EpochIterator(Dataset.range(100).repeat().batch(1), steps_per_epoch=2)
    read = lambda b: int(b[0][0])  # noqa: E731
    assert run_epoch(it, read) == ([(0, 0), (1, 1)], [])
    assert run_epoch(it, read) == ([(0, 2), (1, 3)], [])


def test_finite_dataset_restarts_each_epoch_and_reset():
    ds = Dataset.from_tensor_slices((np.arange(6), np.arange(6))).batch(4)
    it = EpochIterator(ds)
    assert it.num_batches == 2
    assert run_epoch(it) == run_epoch(it) == ([(0, [0, 1, 2, 3]), (1, [4, 5])], [])
    with_steps = EpochIterator(ds.repeat(), steps_per_epoch=1)
    assert run_epoch(with_steps)[0] == [(0, [0, 1, 2, 3])]
    with_steps.reset()
    assert run_epoch(with_steps)[0] == [(0, [0, 1, 2, 3])]


def test_py_dataset_epoch_hooks_are_called():
    class Batches(PyDataset):
        def __init__(self):
            super().__init__()
            self.events = []

        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.full((1,), index), np.zeros(1)

        def on_epoch_begin(self):
            self.events.append("begin")

        def on_epoch_end(self):
            self.events.append("end")

    data = Batches()
    it = EpochIterator(data)
    assert run_epoch(it) == ([(0, [0]), (1, [1])], [])
    assert data.events == ["begin", "end"]


def test_batches_from_a_dataset_are_normalized_to_tuples():
    it = EpochIterator(Dataset.from_tensor_slices(np.arange(4.0)).batch(2))
    assert [type(b) for _, b in it.enumerate_epoch()] == [tuple, tuple]
    too_long = Dataset.from_tensors((np.ones(1),) * 4)
    with pytest.raises(ValueError, match="found a tuple of 4 items"):
        list(EpochIterator(too_long).enumerate_epoch())


def test_errors_are_raised_before_training():
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        EpochIterator(np.ones((4, 1)), np.ones(3))
    with pytest.raises(ValueError, match="Unrecognized data type"):
        EpochIterator("data.csv")
    with pytest.raises(ValueError, match="steps_per_epoch"):
        EpochIterator(np.ones(3), steps_per_epoch=0)
    it = EpochIterator(np.ones(3), steps_per_execution=4)
    assert it.steps_per_execution == 4 and it.num_batches == 1
