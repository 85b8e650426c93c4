"""Top-k precision and recall in both directions: items per user, users per item."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ..utils._sklearn_compat import Interval, StrOptions, validate_params


def top_k(scores, k, axis=1):
    """Indices of the ``k`` largest scores along ``axis``, best first.

    The result equals a brute-force stable sort of the negated scores (ties go
    to the smaller index) without sorting whole rows: a partition finds each
    row's k-th value, the entries above it and the first tied ones make the k
    kept, and only those are sorted.
    """
    scores = np.asarray(scores)
    if axis == 0:
        return top_k(scores.T, k, axis=1).T
    n_rows, n = scores.shape
    k = min(int(k), n)
    if 4 * k >= n:
        return np.argsort(-scores, axis=1, kind="stable")[:, :k]
    kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1 : k]
    above = scores > kth
    tied = scores == kth
    need = k - above.sum(axis=1, keepdims=True)
    keep = above | (tied & (np.cumsum(tied, axis=1) <= need))
    cols = np.nonzero(keep)[1].reshape(n_rows, k)  # ascending index per row
    vals = np.take_along_axis(scores, cols, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(cols, order, axis=1)


def resolve_k(k, n):
    """``k`` as a count: an int, or a fraction of ``n`` (at least 1)."""
    if isinstance(k, Integral):
        return int(min(k, n))
    return int(max(1, min(n, round(k * n))))


def _hits(y_true, y_score, k, target):
    y_score = np.asarray(y_score, dtype=np.float64)
    if sp.issparse(y_true):
        y_true = y_true.toarray()
    y_true = np.asarray(y_true) > 0
    if y_true.shape != y_score.shape or y_score.ndim != 2:
        raise ValueError(
            "y_true and y_score must be 2-d arrays of the same shape (users x "
            f"items); got {y_true.shape} and {y_score.shape}."
        )
    if target == "users":  # rank users per item: work on the transpose
        y_true, y_score = y_true.T, y_score.T
    kk = resolve_k(k, y_score.shape[1])
    rows = y_true.any(axis=1)
    idx = top_k(y_score[rows], kk)
    hits = np.take_along_axis(y_true[rows], idx, axis=1).sum(axis=1)
    return hits, y_true[rows].sum(axis=1), kk


_PARAMS = {
    "y_true": ["array-like", "sparse matrix"],
    "y_score": ["array-like"],
    "k": [
        Interval(Integral, 1, None, closed="left"),
        Interval(Real, 0, 1, closed="neither"),
    ],
    "target": [StrOptions({"items", "users"})],
}


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def precision_at_k(y_true, y_score, *, k=10, target="items"):
    """Mean precision of the top ``k``, for item recommendation or user targeting.

    With ``target="items"`` each user's items are ranked by ``y_score`` and the
    precision is the share of the top ``k`` items the user consumed in the
    window; with ``target="users"`` each item's users are ranked and the
    precision is the share of the top ``k`` users who consumed it (user
    targeting). Rows (users, or items) with no positive are left out of the
    mean, as they cannot be hit. Ties go to the smaller index.

    Parameters
    ----------
    y_true : {array-like, sparse matrix} of shape (n_users, n_items)
        Positive where the user consumed the item in the window.
    y_score : array-like of shape (n_users, n_items)
        Scores, higher first; ``-inf`` excludes a pair.
    k : int or float, default=10
        Number of items (or users) to keep; a float in (0, 1) is a fraction of
        the items (or users), at least one — the paper's top 1 % is ``0.01``.
    target : {"items", "users"}, default="items"
        Rank items per user, or users per item.

    Returns
    -------
    precision : float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.recommendation import precision_at_k
    >>> y_true = np.array([[1, 0, 0], [0, 1, 1]])
    >>> y_score = np.array([[0.9, 0.5, 0.1], [0.8, 0.7, 0.2]])
    >>> float(precision_at_k(y_true, y_score, k=1))
    0.5
    >>> float(precision_at_k(y_true, y_score, k=1, target="users"))
    1.0
    """
    hits, _, kk = _hits(y_true, y_score, k, target)
    return float(hits.mean() / kk) if len(hits) else 0.0


@validate_params(_PARAMS, prefer_skip_nested_validation=True)
def recall_at_k(y_true, y_score, *, k=10, target="items"):
    """Mean recall of the top ``k``, for item recommendation or user targeting.

    The share of each row's positives found in its top ``k``, averaged over
    the rows with a positive; see :func:`precision_at_k` for the directions.

    Parameters
    ----------
    y_true : {array-like, sparse matrix} of shape (n_users, n_items)
        Positive where the user consumed the item in the window.
    y_score : array-like of shape (n_users, n_items)
        Scores, higher first.
    k : int or float, default=10
        Number (or fraction) of items or users to keep.
    target : {"items", "users"}, default="items"
        Rank items per user, or users per item.

    Returns
    -------
    recall : float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.recommendation import recall_at_k
    >>> y_true = np.array([[1, 0, 0], [0, 1, 1]])
    >>> y_score = np.array([[0.9, 0.5, 0.1], [0.8, 0.7, 0.2]])
    >>> float(recall_at_k(y_true, y_score, k=2))
    0.75
    """
    hits, n_pos, _ = _hits(y_true, y_score, k, target)
    return float(np.mean(hits / n_pos)) if len(hits) else 0.0
