"""lamina.utils.PyDataset and its adapter: batches by index, threads and processes."""

import math
import os
import threading

import numpy as np
import pytest

import lamina
from lamina.trainers.data_adapters import PyDatasetAdapter, get_data_adapter
from lamina.utils import PyDataset


class Squares(PyDataset):
    def __init__(self, n=10, batch_size=4, **kwargs):
        super().__init__(**kwargs)
        self.x = np.arange(n, dtype="float32")
        self.batch_size = batch_size
        self.epoch_events = []

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        part = self.x[index * self.batch_size : (index + 1) * self.batch_size]
        return part, part**2

    def on_epoch_begin(self):
        self.epoch_events.append("begin")

    def on_epoch_end(self):
        self.epoch_events.append("end")


class WhereComputed(PyDataset):
    """Each batch says which thread and process computed it."""

    def __len__(self):
        return 6

    def __getitem__(self, index):
        return np.array([index, os.getpid()]), np.array([threading.get_ident(), 0])


class Endless(PyDataset):
    @property
    def num_batches(self):
        return None

    def __getitem__(self, index):
        return np.full((2,), index), np.zeros((2,))


def first_column(adapter):
    return [int(x[0]) for x, *_ in adapter.get_numpy_iterator()]


def test_py_dataset_defaults_iteration_and_alias():
    ds = Squares()
    assert (ds.workers, ds.use_multiprocessing, ds.max_queue_size) == (1, False, 10)
    assert ds.num_batches == 3
    assert [x.tolist() for x, _ in ds] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert lamina.utils.Sequence is PyDataset


def test_adapter_serves_batches_in_order_with_epoch_hooks():
    ds = Squares()
    adapter = get_data_adapter(ds)
    assert isinstance(adapter, PyDatasetAdapter) and adapter.num_batches == 3
    adapter.on_epoch_begin()
    batches = list(adapter.get_numpy_iterator())
    adapter.on_epoch_end()
    assert [x.tolist() for x, _ in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    np.testing.assert_array_equal(batches[2][1], [64.0, 81.0])
    assert ds.epoch_events == ["begin", "end"]


def test_adapter_shuffles_batch_order_with_python_random():
    import random

    random.seed(0)
    adapter = get_data_adapter(Squares(n=40, batch_size=2), shuffle=True)
    order = first_column(adapter)
    assert sorted(order) == list(range(0, 40, 2)) and order != sorted(order)


def test_threads_compute_batches_in_order():
    ds = WhereComputed(workers=3, max_queue_size=4)
    adapter = get_data_adapter(ds)
    batches = list(adapter.get_numpy_iterator())
    assert [int(x[0]) for x, _ in batches] == list(range(6))
    assert {int(x[1]) for x, _ in batches} == {os.getpid()}
    assert threading.get_ident() not in {int(y[0]) for _, y in batches}


def test_processes_compute_batches_in_order():
    ds = WhereComputed(workers=2, use_multiprocessing=True)
    batches = list(get_data_adapter(ds).get_numpy_iterator())
    assert [int(x[0]) for x, _ in batches] == list(range(6))
    assert os.getpid() not in {int(x[1]) for x, _ in batches}


def test_worker_errors_reach_the_consumer():
    class Broken(Squares):
        def __getitem__(self, index):
            if index == 1:
                raise IndexError("batch 1 is broken")
            return super().__getitem__(index)

    for workers in (1, 2):
        adapter = get_data_adapter(Broken(workers=workers))
        with pytest.raises(IndexError, match="batch 1 is broken"):
            list(adapter.get_numpy_iterator())


def test_infinite_py_dataset_with_threads_can_be_abandoned():
    adapter = get_data_adapter(Endless(workers=2, max_queue_size=3))
    assert adapter.num_batches is None
    iterator = adapter.get_numpy_iterator()
    assert [int(next(iterator)[0][0]) for _ in range(5)] == [0, 1, 2, 3, 4]
    iterator.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("lamina-pydataset")]


def test_infinite_py_dataset_warns_that_shuffle_is_ignored():
    with pytest.warns(UserWarning, match="infinite PyDataset"):
        get_data_adapter(Endless(), shuffle=True)


def test_batch_forms_and_class_weight():
    class Forms(PyDataset):
        def __init__(self, batch):
            super().__init__()
            self.batch = batch

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return self.batch

    x, y = np.ones((3, 2)), np.array([0, 1, 1])
    (single,) = get_data_adapter(Forms(x)).get_numpy_iterator()
    assert isinstance(single, tuple) and len(single) == 1
    (as_dict,) = get_data_adapter(Forms({"a": x})).get_numpy_iterator()
    assert set(as_dict) == {"a"}
    (listed,) = get_data_adapter(Forms([x, y])).get_numpy_iterator()
    assert isinstance(listed, tuple) and len(listed) == 2
    (weighted,) = get_data_adapter(Forms((x, y)), class_weight={1: 4.0}).get_numpy_iterator()
    assert weighted[2].tolist() == [1.0, 4.0, 4.0]
    with pytest.raises(ValueError, match="must return a tuple or a dict"):
        list(get_data_adapter(Forms((x, y, y, y))).get_numpy_iterator())
    with pytest.raises(ValueError, match="class_weight` and `sample_weight"):
        list(get_data_adapter(Forms((x, y, y)), class_weight={1: 2.0}).get_numpy_iterator())


def test_missing_super_init_warns_and_missing_methods_raise():
    class NoSuper(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

        def __getitem__(self, index):
            return (np.ones((1, 1)),)

    with pytest.warns(UserWarning, match=r"super\(\).__init__"):
        assert NoSuper().workers == 1

    class Empty(PyDataset):
        pass

    with pytest.raises(TypeError, match="must implement `__len__` or the `num_batches`"):
        Empty().num_batches  # noqa: B018
    with pytest.raises(TypeError, match="must implement `__getitem__"):
        Empty()[0]


def test_y_and_sample_weight_are_rejected():
    with pytest.raises(ValueError, match=r"`y` should not be passed.*PyDataset"):
        get_data_adapter(Squares(), y=np.ones(10))
    with pytest.raises(ValueError, match="`sample_weight` should not be passed"):
        get_data_adapter(Squares(), sample_weight=np.ones(10))
