"""CSVLogger: write each epoch's logs as a row of a CSV file."""

from __future__ import annotations

import collections.abc
import csv
import os

import numpy as np

from lamina.callbacks.callback import Callback


def _csv_value(value):
    """Strings and scalars as they are; other iterables (arrays) as a quoted `"[a, b]"`."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Streams epoch results to a CSV file: a header, then one row per epoch.

    The columns are `epoch` and the sorted log keys of the first epoch; when that epoch
    has no `val_` key, `val_<key>` columns are added too (filled with `NA`).

    Args:
        filename: path of the CSV file (str or path-like).
        separator: the string between fields.
        append: add rows to an existing file (without a second header) instead of
            overwriting it.

    Example:
        >>> csv_logger = lamina.callbacks.CSVLogger("training.log")
        >>> model.fit(x, y, epochs=3, callbacks=[csv_logger], verbose=0)
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        try:
            self.filename = os.fspath(filename)
        except TypeError:
            raise TypeError(
                "CSVLogger: `filename` must be a str or a path-like object. "
                f"Received: {filename!r} of type {type(filename).__name__}."
            ) from None
        self.sep = separator
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    # An empty file still needs its header.
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode)  # closed in on_train_end
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                # Room for validation columns in case later epochs validate.
                self.keys.extend([f"val_{key}" for key in self.keys])
        if not self.writer:

            class CustomDialect(csv.excel):
                delimiter = self.sep

            self.writer = csv.DictWriter(
                self.csv_file, fieldnames=["epoch", *self.keys], dialect=CustomDialect
            )
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _csv_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
