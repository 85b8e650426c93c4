"""The paper's protocol split: history before a time, a held-out window after it."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Real

import numpy as np
import scipy.sparse as sp

from ..utils._sklearn_compat import Interval, validate_params
from ._events import encode, split_columns


def _take(X, mask):
    if hasattr(X, "iloc"):
        return X.iloc[np.flatnonzero(mask)]
    return np.asarray(X)[mask]


@validate_params(
    {
        "X": ["array-like"],
        "horizon": [Interval(Real, 0, None, closed="neither"), None],
        "test_start": [Real, None],
        "test_size": [Interval(Real, 0, 1, closed="neither")],
        "known_only": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def temporal_user_split(
    X, *, horizon=None, test_start=None, test_size=0.1, known_only=True
):
    """Split an event log into the history and a later held-out window.

    Every event before ``test_start`` is history (train); the events in
    ``[test_start, test_start + horizon)`` are held out (test). So each user's
    held-out events are later than all of the user's history and no model fit
    on the history sees the window. With ``known_only`` the held-out events are
    restricted to the users and items of the history (the ones a model can
    score); the targets of both directions are then the user x item pairs of
    the window.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_events, >= 3)
        Event log (user, item, timestamp); see
        :class:`RecurrentIntensityRecommender`.
    horizon : float, default=None
        Length of the held-out window, in the units of the timestamps;
        ``None`` runs the window to the end of the log.
    test_start : float, default=None
        Start of the window; ``None`` puts it where ``test_size`` of the events
        are later (or ``horizon`` before the last event when that is given).
    test_size : float, default=0.1
        Share of the events after ``test_start`` when neither it nor
        ``horizon`` is given.
    known_only : bool, default=True
        Drop held-out events of users or items absent from the history.

    Returns
    -------
    train, test : same type as X
        The history and the held-out window, rows in their input order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.recommendation import temporal_user_split
    >>> X = np.array([[0, 1, 1.0], [0, 2, 2.0], [1, 1, 3.0], [0, 1, 4.0]])
    >>> train, test = temporal_user_split(X, test_start=3.5)
    >>> train.shape, test.shape
    ((3, 3), (1, 3))
    """
    users, items, times = split_columns(X)
    if len(times) == 0:
        raise ValueError("The event log is empty.")
    if test_start is None:
        if horizon is not None:
            test_start = times.max() - horizon
        else:
            test_start = np.quantile(times, 1.0 - test_size, method="higher")
    end = np.inf if horizon is None else test_start + horizon
    train = times < test_start
    test = (times >= test_start) & (times < end)
    if not train.any():
        raise ValueError(
            f"No event before test_start={test_start}: the history is empty."
        )
    if known_only:
        known_u = np.unique(users[train])
        known_i = np.unique(items[train])
        test &= (encode(users, known_u) >= 0) & (encode(items, known_i) >= 0)
    return _take(X, train), _take(X, test)


def window_targets(X, users, items):
    """Which user consumed which item in an event log, as a 0/1 matrix.

    The ground truth of the protocol: rows and columns follow ``users`` and
    ``items`` (a fitted recommender's ``users_`` and ``items_``), so the matrix
    lines up with :meth:`RecurrentIntensityRecommender.predict_matrix` for
    :func:`precision_at_k` and :func:`recall_at_k`. Events whose user or item
    is not in the lists are dropped; repeated pairs count once.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_events, 3)
        Event log (user, item, timestamp), typically the test part of
        :func:`temporal_user_split`.
    users : array-like of shape (n_users,)
        Sorted user ids, the matrix's rows.
    items : array-like of shape (n_items,)
        Sorted item ids, the matrix's columns.

    Returns
    -------
    Y : scipy.sparse.csr_matrix of shape (n_users, n_items)
        1.0 where the user consumed the item in ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.recommendation import window_targets
    >>> log = np.array([[1, 10, 0.5], [2, 11, 0.7], [1, 10, 0.9], [3, 10, 1.0]])
    >>> window_targets(log, users=[1, 2], items=[10, 11]).toarray()
    array([[1., 0.],
           [0., 1.]])
    """
    u, i, _ = split_columns(X)
    u, i = encode(u, np.asarray(users)), encode(i, np.asarray(items))
    keep = (u >= 0) & (i >= 0)
    Y = sp.csr_matrix(
        (np.ones(keep.sum()), (u[keep], i[keep])), shape=(len(users), len(items))
    )
    Y.data[:] = 1.0
    return Y
