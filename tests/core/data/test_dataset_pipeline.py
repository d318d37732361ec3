"""lamina.data.Dataset: shuffle determinism, cache and the prefetch thread."""

import threading
import time

import numpy as np
import pytest

import lamina
from lamina.data import Dataset


def ints(ds):
    return [int(v) for v in ds]


# ---- shuffle ------------------------------------------------------------------------------
def test_shuffle_is_a_permutation_and_seeded_runs_repeat():
    first = ints(Dataset.range(50).shuffle(50, seed=3))
    again = ints(Dataset.range(50).shuffle(50, seed=3))
    assert sorted(first) == list(range(50))
    assert first != list(range(50))
    assert first == again  # the same seed gives the same orders, run after run


def test_shuffle_reshuffles_each_iteration_unless_told_not_to():
    ds = Dataset.range(30).shuffle(30, seed=1)
    assert ints(ds) != ints(ds)
    fixed = Dataset.range(30).shuffle(30, seed=1, reshuffle_each_iteration=False)
    assert ints(fixed) == ints(fixed)
    unseeded_fixed = Dataset.range(30).shuffle(30, reshuffle_each_iteration=False)
    assert ints(unseeded_fixed) == ints(unseeded_fixed)


def test_shuffle_follows_set_random_seed_without_a_seed():
    lamina.utils.set_random_seed(7)
    first = ints(Dataset.range(20).shuffle(20))
    lamina.utils.set_random_seed(7)
    assert ints(Dataset.range(20).shuffle(20)) == first


def test_shuffle_small_buffer_only_moves_elements_locally():
    # With a buffer of 2, the element yielded at position i was among the first i + 2.
    order = ints(Dataset.range(40).shuffle(2, seed=0))
    assert sorted(order) == list(range(40))
    assert all(value <= position + 1 for position, value in enumerate(order))
    assert Dataset.range(40).shuffle(2).cardinality() == 40


def test_shuffle_argument_errors():
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).shuffle(0)
    with pytest.raises(ValueError, match="seed"):
        Dataset.range(3).shuffle(3, seed=1.5)


# ---- cache --------------------------------------------------------------------------------
def test_cache_replays_the_first_complete_iteration():
    calls = []
    ds = Dataset.range(4).map(lambda x: calls.append(int(x)) or x * 2).cache()
    assert ints(ds) == [0, 2, 4, 6]
    assert ints(ds) == [0, 2, 4, 6]
    assert calls == [0, 1, 2, 3]  # computed once
    assert ds.cardinality() == 4


def test_cache_of_a_partial_iteration_caches_nothing():
    calls = []
    ds = Dataset.range(4).map(lambda x: calls.append(int(x)) or x).cache()
    assert ints(ds.take(2)) == [0, 1]
    assert ints(ds) == [0, 1, 2, 3]
    assert calls == [0, 1, 0, 1, 2, 3]
    assert ints(ds) == [0, 1, 2, 3] and len(calls) == 6


def test_cache_to_a_file_is_read_by_a_new_pipeline(tmp_path):
    path = tmp_path / "cache.bin"
    source = Dataset.from_tensor_slices((np.arange(3.0), np.arange(3)))
    assert len(list(source.cache(str(path)))) == 3 and path.exists()
    calls = []
    replay = source.map(lambda x, y: calls.append(1) or (x, y)).cache(str(path))
    assert [float(x) for x, _ in replay] == [0.0, 1.0, 2.0]
    assert calls == []  # read from the file, not recomputed
    with pytest.raises(TypeError, match="filename"):
        source.cache(3)


# ---- prefetch -----------------------------------------------------------------------------
def _prefetch_threads():
    return [t for t in threading.enumerate() if t.name == "lamina-data-prefetch"]


def _wait_for_no_prefetch_thread():
    deadline = time.monotonic() + 2.0
    while _prefetch_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    return _prefetch_threads()


def test_prefetch_yields_everything_in_order():
    ds = Dataset.range(100).batch(7).prefetch(lamina.data.AUTOTUNE)
    assert [b.tolist() for b in ds] == [b.tolist() for b in Dataset.range(100).batch(7)]
    assert ds.cardinality() == 15
    assert ints(Dataset.range(3).prefetch(0)) == [0, 1, 2]
    assert _wait_for_no_prefetch_thread() == []


def test_prefetch_computes_ahead_on_another_thread():
    producers = []

    def record(x):
        producers.append(threading.current_thread().name)
        return x

    iterator = iter(Dataset.range(10).map(record).prefetch(3))
    next(iterator)
    deadline = time.monotonic() + 2.0
    while len(producers) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(producers) >= 4  # the first element plus 3 ahead
    assert set(producers) == {"lamina-data-prefetch"}
    iterator.close()


def test_prefetch_propagates_exceptions():
    def gen():
        yield 1
        raise RuntimeError("broken source")

    iterator = iter(Dataset.from_generator(gen).prefetch(2))
    assert int(next(iterator)) == 1
    with pytest.raises(RuntimeError, match="broken source"):
        next(iterator)
    assert _wait_for_no_prefetch_thread() == []


def test_prefetch_thread_stops_when_iteration_is_abandoned():
    ds = Dataset.range(10).repeat().prefetch(2)  # infinite: the producer would never end
    iterator = iter(ds)
    assert [int(next(iterator)) for _ in range(3)] == [0, 1, 2]
    assert len(_prefetch_threads()) == 1
    iterator.close()
    assert _wait_for_no_prefetch_thread() == []
    del iterator
    for _ in zip(range(5), ds):  # abandoned by garbage collection this time
        pass
    assert _wait_for_no_prefetch_thread() == []


def test_prefetch_argument_errors():
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).prefetch(-5)
    with pytest.raises(ValueError, match="buffer_size"):
        Dataset.range(3).prefetch(None)
