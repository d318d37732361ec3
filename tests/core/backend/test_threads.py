"""lamina.backend.threads: parallel tasks with single-threaded BLAS."""

import threading

import numpy as np
import pytest

from lamina.backend import threads


def test_results_come_in_task_order(monkeypatch):
    monkeypatch.setenv("LAMINA_NUM_THREADS", "3")
    assert threads.run_parallel([lambda i=i: i * i for i in range(8)]) == [i * i for i in range(8)]


def test_tasks_run_on_several_threads(monkeypatch):
    monkeypatch.setenv("LAMINA_NUM_THREADS", "2")
    barrier = threading.Barrier(2, timeout=10)

    def meet():  # deadlocks (times out) unless two tasks run at the same time
        barrier.wait()
        return threading.get_ident()

    idents = threads.run_parallel([meet, meet])
    assert len(set(idents)) == 2


def test_one_worker_runs_serially_on_the_caller(monkeypatch):
    monkeypatch.setenv("LAMINA_NUM_THREADS", "1")
    caller = threading.get_ident()
    assert threads.run_parallel([threading.get_ident] * 3) == [caller] * 3


def test_nested_regions_run_serially(monkeypatch):
    monkeypatch.setenv("LAMINA_NUM_THREADS", "2")

    def inner():
        assert threads.in_parallel_region()
        here = threading.get_ident()
        return threads.run_parallel([threading.get_ident] * 2) == [here, here]

    assert threads.run_parallel([inner, inner]) == [True, True]
    assert not threads.in_parallel_region()


def test_an_error_in_a_task_is_raised_after_the_other_threads_finish(monkeypatch):
    monkeypatch.setenv("LAMINA_NUM_THREADS", "2")
    finished = []

    def fail():
        raise ValueError("task failed")

    def slow():
        threading.Event().wait(0.05)
        finished.append(True)

    with pytest.raises(ValueError, match="task failed"):
        threads.run_parallel([slow, fail, slow])
    assert finished == [True] * 2  # the caller's share (tasks 0 and 2) ran to the end


def test_blas_limit_is_restored():
    libraries = threads._blas_controllers()
    before = [library.num_threads for library in libraries]
    with threads.single_threaded_blas():
        assert all(library.num_threads == 1 for library in libraries)
        np.ones((32, 32)) @ np.ones((32, 32))
    assert [library.num_threads for library in libraries] == before


def test_parallel_gemms_match_serial(monkeypatch):
    monkeypatch.setenv("LAMINA_NUM_THREADS", "2")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((6, 200, 70)).astype(np.float32)
    b = rng.standard_normal((70, 30)).astype(np.float32)
    got = threads.run_parallel([lambda i=i: a[i] @ b for i in range(6)])
    np.testing.assert_array_equal(np.stack(got), a @ b)


@pytest.mark.parametrize(
    "length, parts, expected",
    [
        (10, 3, [(0, 4), (4, 7), (7, 10)]),
        (2, 4, [(0, 1), (1, 2)]),
        (0, 2, [(0, 0)]),
        (5, 1, [(0, 5)]),
    ],
)
def test_split(length, parts, expected):
    assert threads.split(length, parts) == expected


def test_bad_thread_count_names_the_variable(monkeypatch):
    monkeypatch.setenv("LAMINA_NUM_THREADS", "many")
    with pytest.raises(ValueError, match="LAMINA_NUM_THREADS"):
        threads.workers()


def test_default_follows_blas_thread_count(monkeypatch):
    monkeypatch.delenv("LAMINA_NUM_THREADS", raising=False)
    libraries = threads._blas_controllers()
    if not libraries:
        pytest.skip("no BLAS library found by threadpoolctl")
    with threads.single_threaded_blas():
        assert threads.workers() == 1


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_gets_its_own_pool(monkeypatch):
    import os
    import signal

    monkeypatch.setenv("LAMINA_NUM_THREADS", "2")
    threads.run_parallel([lambda: 1, lambda: 2])  # the parent's pool exists
    pid = os.fork()
    if pid == 0:  # child: would hang on the parent's thread-less pool
        signal.alarm(10)  # so a hang fails the test instead of stalling it
        ok = threads.run_parallel([lambda: 1, lambda: 2]) == [1, 2]
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
