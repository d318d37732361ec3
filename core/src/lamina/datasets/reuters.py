"""Reuters newswires labelled by topic, downloaded like `keras.datasets.reuters`."""

from __future__ import annotations

import json

import numpy as np

from lamina.datasets import sources
from lamina.datasets.safe_pickle import load_npz
from lamina.datasets.splits import check_test_split
from lamina.datasets.word_sequences import (
    limit_vocabulary,
    remove_long_sequences,
    shift_indices,
)

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
):
    """Load Reuters: 11,228 newswires as word-index lists, labelled over 46 topics.

    Words are indexed by frequency, so `num_words` and `skip_top` keep a band of the
    vocabulary. Downloads `reuters.npz` (2 MB) once into `~/.keras/datasets/`, the cache
    Keras uses.

    Args:
        path: name of the file in the cache (relative to `~/.keras/datasets`).
        num_words: keep the `num_words` most frequent words; others become `oov_char`.
            None keeps all.
        skip_top: the most frequent words to replace by `oov_char`.
        maxlen: drop the sequences of `maxlen` words or more. None keeps all.
        test_split: fraction of the newswires kept for the test set, in [0, 1).
        seed: seed of the shuffle before the split.
        start_char: index put at the start of every sequence (None: none).
        oov_char: index of the words cut out by `num_words`/`skip_top` (None: drop them).
        index_from: offset added to every word index.

    Returns:
        `((x_train, y_train), (x_test, y_test))`: `x` an object array of lists of ints, `y` an
        int array of topic labels 0..45 (names in `get_label_names()`).

    Example:
        >>> (x_train, y_train), _ = lamina.datasets.reuters.load_data(num_words=10000)
        >>> len(x_train)  # doctest: +SKIP
        8982
    """
    test_split = check_test_split(test_split, "reuters.load_data")
    arrays = load_npz(sources.fetch("reuters.npz", fname=path))
    order = np.arange(len(arrays["x"]))
    np.random.RandomState(seed).shuffle(order)
    sequences = shift_indices(arrays["x"][order], start_char, index_from)
    labels = arrays["y"][order]
    if maxlen:
        sequences, labels = remove_long_sequences(maxlen, sequences, labels)
    sequences = limit_vocabulary(sequences, num_words, skip_top, oov_char)
    n_train = int(len(sequences) * (1 - test_split))
    return (
        (np.array(sequences[:n_train], dtype="object"), np.array(labels[:n_train])),
        (np.array(sequences[n_train:], dtype="object"), np.array(labels[n_train:])),
    )


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The dict from word to its index in the Reuters data (before the `index_from` shift).

    Args:
        path: name of the file in the cache (relative to `~/.keras/datasets`).

    Example:
        >>> word_index = lamina.datasets.reuters.get_word_index()
        >>> word_index["the"]  # doctest: +SKIP
        1
    """
    with open(sources.fetch("reuters_word_index.json", fname=path)) as f:
        return json.load(f)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, in the order of the labels of `load_data`.

    Example:
        >>> lamina.datasets.reuters.get_label_names()[3]
        'earn'
    """
    return _LABEL_NAMES


__all__ = ["get_label_names", "get_word_index", "load_data"]
