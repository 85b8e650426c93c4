"""The activity model of an event log: which intensity, fitted how, and the
expected window counts it gives (the lambda of RIM's lambda x p)."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from ._hawkes import (
    SumExpHawkes,
    ema_states,
    fit_poisson_weights,
    hawkes_decays,
    history_states,
)


class ActivityModel:
    """Expected events per user in a unit window (times are in horizons).

    ``kind`` is ``"hawkes"``, ``"hawkes_poisson"``, ``"ema"`` or ``"none"``;
    see :class:`RecurrentIntensityRecommender`. The refinements
    (HawkesPoisson weights, the EMA scale) are fitted on the log's last unit
    window, with the history before it as input.
    """

    def __init__(self, kind, n_decays):
        self.kind = kind
        self.n_decays = n_decays

    def fit(self, log, end):
        self.hawkes_ = None
        self.count_weights_ = None
        self.ema_scale_ = 1.0
        if self.kind == "none":
            return self
        val = log.before(end - 1.0)
        in_window = log.time >= end - 1.0
        counts = np.bincount(log.user[in_window], minlength=log.n_users)
        usable = val.nonempty().size > 0 and in_window.any()
        if self.kind == "ema":
            if usable:
                ema = ema_states(val.time, val.starts, np.arange(log.n_users), end - 1)
                self.ema_scale_ = float(counts.sum() / max(ema.sum(), 1e-12))
            return self
        decays = hawkes_decays(self.n_decays)
        if self.kind == "hawkes" or not usable:
            self.hawkes_ = SumExpHawkes(decays).fit(log.time, log.nonempty(), end)
            return self
        # HawkesPoisson: Hawkes on the history before the window, then
        # non-negative weights of its count's parts refit on the window.
        self.hawkes_ = SumExpHawkes(decays).fit(val.time, val.nonempty(), end - 1)
        states = history_states(
            val.time, val.starts, decays, np.arange(log.n_users), end - 1
        )
        active = val.counts > 0
        self.count_weights_ = fit_poisson_weights(
            self.hawkes_.count_features(states[active]), counts[active]
        )
        return self

    def expected_counts(self, log, users, at):
        """Expected events of each user (codes into ``log``, ``-1`` unknown)
        in the unit window starting at ``at``, given the events before it."""
        users = np.asarray(users)
        at = np.broadcast_to(np.asarray(at, dtype=np.float64), users.shape)
        if self.kind == "none":
            return np.ones(len(users))
        if self.kind == "ema":
            one = np.array([1.0])
            ema = self.ema_scale_ * log.history(one, users, at)[:, 0]
            fallback = self.ema_scale_ * np.mean(
                log.history(one, np.arange(log.n_users), at.max())
            )
            return np.where(users >= 0, ema, fallback)
        states = log.history(self.hawkes_.decays, users, at)
        if self.count_weights_ is None:
            return self.hawkes_.expected_count(states)
        return self.hawkes_.count_features(states) @ self.count_weights_

    def intensity(self, log, users, at):
        """Events per unit time at ``at``: the conditional intensity for
        ``"hawkes"``, the expected window count for the others."""
        if self.kind == "hawkes":
            states = log.history(self.hawkes_.decays, users, at)
            return self.hawkes_.intensity(states)
        return self.expected_counts(log, users, at)
