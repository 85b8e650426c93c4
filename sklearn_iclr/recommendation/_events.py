"""Event logs: reading (user, item, timestamp) tables into integer codes."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._hawkes import decay_states, history_states

COLUMNS = ("user", "item", "timestamp")


def _as_time(values):
    """Timestamps as float64: numbers, or datetimes as seconds since 1970."""
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[ns]").astype(np.int64) / 1e9
    if values.dtype == object:
        try:
            values = values.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                "The timestamp column (the third) must be numeric or datetime; "
                f"got values such as {values[:3].tolist()}."
            ) from None
    if not np.issubdtype(values.dtype, np.number) or values.dtype == bool:
        raise ValueError(
            f"The timestamp column (the third) must be numeric; got {values.dtype}."
        )
    times = values.astype(np.float64)
    if not np.isfinite(times).all():
        raise ValueError("The timestamp column contains NaN or infinite values.")
    return times


def _check_ids(values, name):
    values = np.asarray(values)
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise ValueError(f"The {name} column contains NaN or infinite ids.")
    if values.dtype == object:
        bad = [v for v in values[:100000] if v is None or v != v]  # None or NaN
        if bad:
            raise ValueError(f"The {name} column contains missing (NaN/None) ids.")
    return values


def split_columns(X):
    """The user, item and timestamp columns of an event table.

    A DataFrame is read by the column names ``user``, ``item`` and
    ``timestamp`` when it has them, else by position; an array by its first
    three columns. Further columns (ratings, say) are ignored.
    """
    if hasattr(X, "columns") and set(COLUMNS) <= set(map(str, X.columns)):
        cols = [X[c].to_numpy() for c in COLUMNS]
    else:
        if hasattr(X, "iloc"):
            n_cols = X.shape[1] if X.ndim == 2 else 1
            cols = [X.iloc[:, j].to_numpy() for j in range(min(n_cols, 3))]
        else:
            arr = np.asarray(X)
            if arr.ndim != 2:
                raise ValueError(
                    "X must be a 2-d event table (user, item, timestamp); got an "
                    f"array of shape {arr.shape}."
                )
            n_cols = arr.shape[1]
            cols = [arr[:, j] for j in range(min(n_cols, 3))]
        if n_cols < 3:
            raise ValueError(
                "X must have the columns user, item and timestamp; got "
                f"{n_cols} feature(s)."
            )
    users = _check_ids(cols[0], "user")
    items = _check_ids(cols[1], "item")
    return users, items, _as_time(cols[2])


class EventLog:
    """Integer-coded events sorted by (user, time), with each user's start.

    Ties in time keep the order of the input table, so a log sorted by time
    and read in order is the sequence the user produced.
    """

    def __init__(self, user_codes, item_codes, times, n_users):
        order = np.lexsort((np.arange(len(times)), times, user_codes))
        self.user = user_codes[order]
        self.item = item_codes[order]
        self.time = times[order]
        self.n_users = n_users
        self.counts = np.bincount(self.user, minlength=n_users)
        self.starts = np.r_[0, np.cumsum(self.counts)[:-1]].astype(np.int64)

    def history(self, decays, users, at):
        """:func:`history_states` of this log, its recursion computed once per
        set of decays (scoring calls it once per chunk of users)."""
        decays = np.asarray(decays, dtype=np.float64)
        cache = self.__dict__.setdefault("_states", {})
        key = decays.tobytes()
        if key not in cache:
            cache[key] = decay_states(self.time, self.starts, decays)
        return history_states(self.time, self.starts, decays, users, at, cache[key])

    def before(self, t):
        """The sub-log of events strictly before ``t`` (same user codes)."""
        keep = self.time < t
        return EventLog(self.user[keep], self.item[keep], self.time[keep], self.n_users)

    def nonempty(self):
        """Starts of the users with at least one event (for the Hawkes fits)."""
        return self.starts[self.counts > 0]

    def compact_times(self):
        """Times and starts restricted to users with events."""
        return self.time, self.nonempty()


def encode(values, classes):
    """Codes of ``values`` in the sorted ``classes``; ``-1`` when unknown."""
    values = np.asarray(values)
    if len(classes) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    try:
        pos = np.searchsorted(classes, values)
    except TypeError:  # mixed types that do not compare: look them up
        lookup = {c: i for i, c in enumerate(classes.tolist())}
        return np.array([lookup.get(v, -1) for v in values.tolist()], dtype=np.int64)
    pos = np.clip(pos, 0, len(classes) - 1)
    found = classes[pos] == values
    return np.where(found, pos, -1).astype(np.int64)
