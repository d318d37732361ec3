"""IMDB movie reviews labelled by sentiment, downloaded like `keras.datasets.imdb`."""

from __future__ import annotations

import json

import numpy as np

from lamina.datasets import sources
from lamina.datasets.safe_pickle import load_npz
from lamina.datasets.word_sequences import (
    limit_vocabulary,
    remove_long_sequences,
    shift_indices,
)


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    **kwargs,
):
    """Load IMDB: 25,000 training and 25,000 test reviews as word-index lists, labels 0/1.

    Words are indexed by frequency (index 1 is the most frequent word before shifting by
    `index_from`), so `num_words` and `skip_top` keep a band of the vocabulary. Downloads
    `imdb.npz` (17 MB) once into `~/.keras/datasets/`, the cache Keras uses.

    Args:
        path: name of the file in the cache (relative to `~/.keras/datasets`).
        num_words: keep the `num_words` most frequent words; others become `oov_char`.
            None keeps all.
        skip_top: the most frequent words to replace by `oov_char`.
        maxlen: drop the sequences of `maxlen` words or more. None keeps all.
        seed: seed of the shuffle of each split.
        start_char: index put at the start of every sequence (None: none).
        oov_char: index of the words cut out by `num_words`/`skip_top` (None: drop them).
        index_from: offset added to every word index.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` an object array of lists of ints, `y` an
        int array of labels 0 (negative) and 1 (positive).

    Example:
        >>> (x_train, y_train), _ = lamina.datasets.imdb.load_data(num_words=10000)
        >>> len(x_train)  # doctest: +SKIP
        25000
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unrecognized keyword arguments: {sorted(kwargs)}.")
    arrays = load_npz(sources.fetch("imdb.npz", fname=path))
    rng = np.random.RandomState(seed)
    splits = []
    for name in ("train", "test"):
        order = np.arange(len(arrays[f"x_{name}"]))
        rng.shuffle(order)
        sequences = shift_indices(arrays[f"x_{name}"][order], start_char, index_from)
        labels = arrays[f"y_{name}"][order]
        if maxlen:
            sequences, labels = remove_long_sequences(maxlen, sequences, labels)
        splits.append((sequences, labels))
    (x_train, labels_train), (x_test, labels_test) = splits
    if maxlen and (not x_train or not x_test):
        raise ValueError(
            f"imdb.load_data: no sequence is shorter than maxlen={maxlen} in one of the splits. "
            "Increase `maxlen`."
        )
    sequences = limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    n_train = len(x_train)
    return (
        (np.array(sequences[:n_train], dtype="object"), labels[:n_train]),
        (np.array(sequences[n_train:], dtype="object"), labels[n_train:]),
    )


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The dict from word to its index in the IMDB data (before the `index_from` shift).

    Args:
        path: name of the file in the cache (relative to `~/.keras/datasets`).

    Example:
        >>> word_index = lamina.datasets.imdb.get_word_index()
        >>> word_index["the"]  # doctest: +SKIP
        1
    """
    with open(sources.fetch("imdb_word_index.json", fname=path)) as f:
        return json.load(f)


__all__ = ["get_word_index", "load_data"]
