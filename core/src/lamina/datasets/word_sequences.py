"""Re-indexing of the word-index sequences of the IMDB and Reuters datasets, as Keras does."""

from __future__ import annotations


def shift_indices(sequences, start_char, index_from) -> list[list[int]]:
    """Add `index_from` to every word index and put `start_char` (unless None) in front."""
    prefix = [] if start_char is None else [start_char]
    return [prefix + [w + index_from for w in seq] for seq in sequences]


def remove_long_sequences(maxlen: int, sequences, labels):
    """Keep the sequences shorter than `maxlen` (strictly, as Keras) and their labels."""
    kept = [(seq, label) for seq, label in zip(sequences, labels) if len(seq) < maxlen]
    return [seq for seq, _ in kept], [label for _, label in kept]


def limit_vocabulary(sequences, num_words, skip_top, oov_char) -> list[list[int]]:
    """Replace (or, with `oov_char=None`, drop) the words outside `[skip_top, num_words)`.

    With `num_words` None or 0 the bound is the largest index present, which Keras excludes
    too: that one word becomes `oov_char`.
    """
    if not num_words:
        num_words = max(max(seq) for seq in sequences)
    if oov_char is None:
        return [[w for w in seq if skip_top <= w < num_words] for seq in sequences]
    return [[w if skip_top <= w < num_words else oov_char for w in seq] for seq in sequences]


__all__ = ["limit_vocabulary", "remove_long_sequences", "shift_indices"]
