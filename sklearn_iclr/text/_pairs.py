"""Checking sentence pairs, sentences and similarity scores given by the user."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

__all__ = [
    "both_orders",
    "check_pairs",
    "check_scores",
    "check_sentences",
    "in_chunks",
    "spearman",
]

#: Pairs scored at a time, in ``fit`` and ``predict``: bounds the embeddings
#: held at once (STS-B's 8,628 pairs fit in one chunk).
CHUNK = 16384


def _check_strings(values, what):
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ValueError(
                f"{what} must hold strings only; item {i} is "
                f"{type(value).__name__} ({value!r:.40})."
            )
        # An empty sentence tokenises to nothing but the special tokens: its
        # embedding and scores carry no information, so it is a user error.
        if not value.strip():
            raise ValueError(
                f"{what} must hold non-empty sentences; item {i} is "
                f"{'empty' if not value else 'only whitespace'} ({value!r:.40})."
            )


def check_pairs(X, what="X"):
    """``X`` as an (n_pairs, 2) object array of non-empty str, with clear errors.

    Items are numbered in row-major order (pair ``i``'s sentences are items
    ``2 i`` and ``2 i + 1``).
    """
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
        if X.shape[1] != 2:
            raise ValueError(
                f"{what} must have exactly two columns (sentence_a, sentence_b); "
                f"got a DataFrame with {X.shape[1]} columns."
            )
        arr = X.to_numpy(dtype=object)
    elif isinstance(X, np.ndarray) and X.ndim == 2 and X.dtype != object:
        if X.dtype.kind != "U":
            raise ValueError(
                f"{what} must be a sequence of (sentence_a, sentence_b) pairs of "
                f"strings; got a 2-D array of dtype {X.dtype}."
            )
        arr = X.astype(object)
    else:
        if isinstance(X, str | bytes) or not hasattr(X, "__len__"):
            raise ValueError(
                f"{what} must be a sequence of (sentence_a, sentence_b) pairs, "
                f"got {type(X).__name__}."
            )
        arr = np.empty((len(X), 2), dtype=object)
        for i, pair in enumerate(X):
            if isinstance(pair, str | bytes) or not hasattr(pair, "__len__"):
                raise ValueError(
                    f"{what} must be a sequence of (sentence_a, sentence_b) pairs; "
                    f"item {i} is a {type(pair).__name__}, not a pair. For single "
                    "sentences use transform."
                )
            if len(pair) != 2:
                raise ValueError(
                    f"{what} must be a sequence of (sentence_a, sentence_b) pairs; "
                    f"item {i} has {len(pair)} elements."
                )
            arr[i, 0], arr[i, 1] = pair[0], pair[1]
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what} must have shape (n_pairs, 2), got shape {arr.shape}.")
    _check_strings(arr.ravel(), what)
    return arr


def check_sentences(sentences):
    """A 1-D sequence of non-empty strings as a list, with clear errors."""
    if isinstance(sentences, str | bytes):
        raise ValueError(
            "transform expects a 1-D sequence of strings, got a single string; "
            "wrap it in a list."
        )
    if hasattr(sentences, "iloc") and hasattr(sentences, "columns"):
        raise ValueError(
            "transform expects a 1-D sequence of strings, got a DataFrame; "
            "pass one column."
        )
    if isinstance(sentences, np.ndarray) and sentences.ndim != 1:
        raise ValueError(
            "transform expects a 1-D sequence of strings, got an array of shape "
            f"{sentences.shape}."
        )
    if not hasattr(sentences, "__len__"):
        raise ValueError(
            f"transform expects a 1-D sequence of strings, got "
            f"{type(sentences).__name__}."
        )
    sentences = list(sentences.tolist() if hasattr(sentences, "tolist") else sentences)
    if not sentences:
        raise ValueError("transform needs at least one sentence, got 0.")
    _check_strings(sentences, "sentences")
    return sentences


def check_scores(y, n_pairs, *, what="y", pairs="X"):
    """Gold similarity scores as float64, finite, one per pair and not all equal.

    Spearman's correlation, with which they are compared, is undefined for
    NaN, infinite or constant scores.
    """
    try:
        y = np.asarray(y, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must be numeric similarity scores: {err}") from err
    if len(y) != n_pairs:
        raise ValueError(f"{pairs} has {n_pairs} pairs but {what} has {len(y)} scores.")
    if len(y) < 2:
        raise ValueError("At least 2 scored pairs are needed for a Spearman score.")
    bad = np.flatnonzero(~np.isfinite(y))
    if len(bad):
        raise ValueError(
            f"{what} must be finite; {len(bad)} of {len(y)} scores are NaN or "
            f"infinite (first at index {bad[0]})."
        )
    if np.all(y == y[0]):
        raise ValueError(
            f"{what} holds one value ({y[0]!r}) for every pair: Spearman's "
            "correlation with it is undefined. Give scores that tell pairs apart."
        )
    return y


def in_chunks(score_chunk, a, b):
    """``score_chunk(a, b)`` over CHUNK pairs at a time, into one float64 array."""
    out = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), CHUNK):
        stop = start + CHUNK
        out[start:stop] = score_chunk(a[start:stop], b[start:stop])
    return out


def both_orders(a, b):
    """The pairs ``(a, b)`` followed by the same pairs swapped, ``(b, a)``."""
    return np.concatenate([a, b]), np.concatenate([b, a])


def spearman(a, b):
    """Spearman's rank correlation of two score vectors, as a float.

    Constant predictions ``a`` rank nothing: their correlation is undefined
    (scipy gives NaN), and they are scored 0, as uninformative, so that model
    selection ranks them below any model that orders the pairs at all.
    """
    from scipy.stats import spearmanr

    if np.ptp(np.asarray(a, dtype=float)) == 0:
        return 0.0
    return float(spearmanr(a, b).statistic)
