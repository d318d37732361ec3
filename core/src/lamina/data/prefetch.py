"""`Dataset.prefetch`: compute elements ahead on a background thread."""

from __future__ import annotations

import numbers
import queue
import threading

from lamina.data.dataset import AUTOTUNE, Dataset

_AUTOTUNE_BUFFER = 2
_END = object()


class _Failure:
    """An exception raised by the producer, carried to the consumer."""

    def __init__(self, error: BaseException):
        self.error = error


class PrefetchDataset(Dataset):
    """Elements computed by a daemon thread into a bounded queue of `buffer_size`."""

    def __init__(self, input_dataset: Dataset, buffer_size):
        if isinstance(buffer_size, bool) or not isinstance(buffer_size, numbers.Integral):
            raise ValueError(
                "lamina.data.Dataset.prefetch: `buffer_size` must be an integer or "
                f"lamina.data.AUTOTUNE. Received: buffer_size={buffer_size!r}"
            )
        if buffer_size < 0 and buffer_size != AUTOTUNE:
            raise ValueError(
                "lamina.data.Dataset.prefetch: `buffer_size` must be >= 0 or AUTOTUNE. "
                f"Received: buffer_size={buffer_size}"
            )
        self._input = input_dataset
        self._buffer_size = _AUTOTUNE_BUFFER if buffer_size == AUTOTUNE else int(buffer_size)

    def _iterate(self):
        if self._buffer_size == 0:  # tf.data: no prefetching
            yield from self._input._iterate()
            return
        items = queue.Queue(maxsize=self._buffer_size)
        stop = threading.Event()

        def put(item) -> bool:
            # A timeout so that an abandoned iteration (stop set) frees a blocked producer.
            while not stop.is_set():
                try:
                    items.put(item, timeout=0.05)
                    return True
                except queue.Full:
                    continue
            return False

        def produce():
            try:
                for element in self._input._iterate():
                    if not put(element):
                        return
                put(_END)
            except BaseException as error:  # re-raised in the consumer
                put(_Failure(error))

        thread = threading.Thread(target=produce, name="lamina-data-prefetch", daemon=True)
        thread.start()
        try:
            while True:
                item = items.get()
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item
        finally:
            stop.set()
            thread.join(timeout=1.0)

    def cardinality(self) -> int:
        return self._input.cardinality()

    def _batch_dim_unknown(self) -> bool:
        return self._input._batch_dim_unknown()
