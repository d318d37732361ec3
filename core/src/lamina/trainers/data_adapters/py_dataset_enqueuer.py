"""Compute a `PyDataset`'s batches ahead, in order, on a pool of threads or processes."""

from __future__ import annotations

import collections

_worker_dataset = None  # the PyDataset copy of a worker process


def _init_worker(py_dataset) -> None:
    global _worker_dataset
    _worker_dataset = py_dataset


def _get_item(index: int):
    return _worker_dataset[index]


class OrderedEnqueuer:
    """Fetch `py_dataset[i]` for a sequence of indices on `workers` threads or processes.

    Batches come back in index order; at most `max_queue_size` are in flight. The pool
    lives for one iteration (one epoch) and is shut down when the iteration ends or is
    abandoned; an exception raised by `__getitem__` reaches the consumer.

    Args:
        py_dataset: the `PyDataset`.
        workers: number of threads or processes.
        use_multiprocessing: processes (forked where the platform allows) instead of threads.
        max_queue_size: batches computed ahead.

    Example:
        >>> enqueuer = OrderedEnqueuer(dataset, workers=4)
        >>> batches = list(enqueuer.iterate(range(len(dataset))))
    """

    def __init__(self, py_dataset, workers: int, use_multiprocessing: bool, max_queue_size: int):
        self.py_dataset = py_dataset
        self.workers = max(1, int(workers))
        self.use_multiprocessing = bool(use_multiprocessing)
        self.max_queue_size = max(1, int(max_queue_size or 1))

    def _executor(self):
        # Imported on first use: they are slow to import and most models never need them.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

        if not self.use_multiprocessing:
            return ThreadPoolExecutor(self.workers, thread_name_prefix="lamina-pydataset")
        methods = multiprocessing.get_all_start_methods()
        # Forking shares the dataset without pickling it (it may be a local class).
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        return ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.py_dataset,),
        )

    def iterate(self, indices):
        """Yield `py_dataset[i]` for each index of `indices`, computed ahead in parallel."""
        executor = self._executor()
        fetch = _get_item if self.use_multiprocessing else self.py_dataset.__getitem__
        pending = collections.deque()
        try:
            for index in indices:
                pending.append(executor.submit(fetch, index))
                if len(pending) >= self.max_queue_size:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
