"""Coarse-grained parallel work on the CPU: a few Python threads, each with one BLAS thread.

NumPy's element-wise passes are single-threaded, and BLAS splits one GEMM across the
cores; for the mid-sized GEMMs of a convolution or an optimizer's element-wise update, two
independent halves of the work (each on one core, BLAS single-threaded) keep both cores
busy through the whole computation, not only through the GEMM. NumPy and BLAS release the
GIL for arrays of a few thousand elements and more, so the threads overlap.

Only worth it for pieces of at least ~1 ms: a thread hand-off in a virtual machine costs
tens of microseconds. Calls made while a parallel region is running on this thread run
serially (no nested pools).

`LAMINA_NUM_THREADS` sets the number of workers; the default is the number of threads BLAS
uses (so `OPENBLAS_NUM_THREADS=1` and the like keep lamina on one core too), at most the
number of CPUs this process may run on. `1` turns the parallel paths off.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_state = threading.local()
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0  # a forked child inherits the pool object but not its threads
_pool_lock = threading.Lock()
_blas_libraries: list | None = None


def workers() -> int:
    """How many threads `run_parallel` uses: `LAMINA_NUM_THREADS`, else BLAS's thread
    count capped by the usable CPUs.

    Example:
        >>> workers() >= 1
        True
    """
    configured = os.environ.get("LAMINA_NUM_THREADS")
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ValueError(
                f"LAMINA_NUM_THREADS must be a positive integer, received {configured!r}."
            ) from None
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    blas = [library.num_threads for library in _blas_controllers()]
    return max(1, min(cpus, max(blas))) if blas else cpus


def in_parallel_region() -> bool:
    """True inside a task that `run_parallel` is running."""
    return getattr(_state, "active", False)


def _blas_controllers() -> list:
    """threadpoolctl's handles on the BLAS libraries loaded now (found once, then kept)."""
    global _blas_libraries
    if _blas_libraries is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # the limit is an optimisation; without it BLAS keeps its threads
            _blas_libraries = []
        else:
            _blas_libraries = ThreadpoolController().select(user_api="blas").lib_controllers
    return _blas_libraries


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Within the block, every BLAS call runs on the calling thread only.

    Example:
        >>> import numpy as np
        >>> with single_threaded_blas():
        ...     _ = np.ones((64, 64)) @ np.ones((64, 64))
    """
    libraries = _blas_controllers()
    before = [library.num_threads for library in libraries]
    for library in libraries:
        library.set_num_threads(1)
    try:
        yield
    finally:
        for library, count in zip(libraries, before):
            library.set_num_threads(count)


def _executor(size: int) -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool._max_workers < size or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(size, thread_name_prefix="lamina-worker")
            _pool_pid = os.getpid()
        return _pool


def run_parallel(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Run independent `tasks` on `workers()` threads (BLAS single-threaded); their results.

    The calling thread takes part. Each thread takes the next task when done with one, so
    a thread slowed by another process on its core holds the rest up by one task at most.
    Results come in the order of `tasks`; an exception stops the thread that raised it and
    is raised here once every thread has stopped. With one worker, one task, or inside
    another parallel region, the tasks run one after another on this thread.

    Args:
        tasks: callables without arguments; they must not depend on each other.

    Example:
        >>> run_parallel([lambda: 1, lambda: 2])
        [1, 2]
    """
    size = min(workers(), len(tasks))
    if size <= 1 or in_parallel_region():
        return [task() for task in tasks]
    results: list = [None] * len(tasks)
    pending = iter(range(len(tasks)))
    lock = threading.Lock()

    def work() -> None:
        _state.active = True
        try:
            while True:
                with lock:
                    index = next(pending, None)
                if index is None:
                    return
                results[index] = tasks[index]()
        finally:
            _state.active = False

    with single_threaded_blas():
        futures = [_executor(size - 1).submit(work) for _ in range(size - 1)]
        try:
            work()
        finally:
            errors = [future.exception() for future in futures]  # waits for every thread
    for error in errors:
        if error is not None:
            raise error
    return results


def split(length: int, parts: int) -> list[tuple[int, int]]:
    """`[lo, hi)` bounds cutting `range(length)` into at most `parts` nearly equal pieces.

    Example:
        >>> split(10, 3)
        [(0, 4), (4, 7), (7, 10)]
    """
    parts = max(1, min(parts, length))
    base, extra = divmod(length, parts)
    bounds, lo = [], 0
    for i in range(parts):
        hi = lo + base + (i < extra)
        bounds.append((lo, hi))
        lo = hi
    return bounds
