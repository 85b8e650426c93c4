"""User activity intensities: shared sum-of-exponentials Hawkes, its Poisson
refinement, an exponential moving average, and a constant.

Every model here sees the event times of many users as one flat array sorted by
(user, time) with ``starts``, the index of each user's first event, and times
already divided by the prediction horizon (so decays and rates are per
horizon). Each one answers the same question: the expected number of events of
a user in the window ``[at, at + 1)`` given the events before ``at``.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from scipy.linalg import expm
from scipy.optimize import minimize


def decay_states(times, starts, decays):
    """``S[e, d] = sum_{j < e, same user} exp(-decays[d] * (t_e - t_j))``.

    The recursion ``S[e] = exp(-b * gap) * (S[e - 1] + 1)`` runs over the
    position within each user's sequence, vectorised over users and decays, so
    the Python loop has as many steps as the longest sequence.
    """
    times = np.asarray(times, dtype=np.float64)
    n = len(times)
    decays = np.asarray(decays, dtype=np.float64)
    S = np.zeros((n, len(decays)))
    if n == 0:
        return S
    lengths = np.diff(np.append(starts, n))
    gaps = np.diff(times, prepend=times[0])
    order = np.argsort(-lengths, kind="stable")  # longest first: active prefix
    sorted_len = lengths[order]
    sorted_start = starts[order]
    for p in range(1, int(lengths.max())):
        n_active = np.searchsorted(-sorted_len, -p, side="left")
        idx = sorted_start[:n_active] + p
        S[idx] = np.exp(-np.outer(gaps[idx], decays)) * (S[idx - 1] + 1.0)
    return S


def history_states(times, starts, decays, users, at, S=None):
    """Decayed event counts ``sum_{t_j < at} exp(-b (at - t_j))`` per query.

    ``users`` index into ``starts`` (or are ``-1`` for no history); ``at`` is
    one time per query. Only the events strictly before ``at`` count, so a
    query inside the fitted period does not see its own future. ``S`` is
    :func:`decay_states` of the log, when already computed.
    """
    times = np.asarray(times, dtype=np.float64)
    n = len(times)
    users = np.asarray(users)
    at = np.broadcast_to(np.asarray(at, dtype=np.float64), users.shape)
    out = np.zeros((len(users), len(decays)))
    known = users >= 0
    if n == 0 or not known.any():
        return out
    if S is None:
        S = decay_states(times, starts, decays)
    ends = np.append(starts, n)
    u = users[known]
    t = at[known]
    # One searchsorted for all queries: shift each user's block of times by
    # the user's index times a span wider than the data, then clip queries
    # into their own block.
    t0 = times.min()
    span = times.max() - t0 + 1.0
    user_of = np.repeat(np.arange(len(starts)), np.diff(ends))
    keys = times - t0 + user_of * span
    q = np.clip(t - t0, -0.5, span - 0.5) + u * span
    last = np.searchsorted(keys, q, side="left") - 1
    has = last >= ends[u]
    res = np.zeros((len(u), len(decays)))
    e = last[has]
    res[has] = np.exp(-np.outer(t[has] - times[e], decays)) * (S[e] + 1.0)
    out[known] = res
    return out


class SumExpHawkes:
    """Hawkes process with sum-of-exponential kernels shared by all users.

    ``lambda(t) = baseline + sum_d adjacency[d] * decays[d] *
    sum_{t_j < t} exp(-decays[d] (t - t_j))``: each past event adds
    ``adjacency[d]`` expected children through kernel ``d`` (the branching
    ratio is ``adjacency.sum()``). With the decays fixed the log-likelihood is
    concave in ``(baseline, adjacency)``; it is maximised under non-negativity
    bounds by L-BFGS-B. Each user is observed from its first event to ``end``.
    """

    def __init__(self, decays, *, penalty=1e-6):
        self.decays = np.asarray(decays, dtype=np.float64)
        self.penalty = penalty

    def fit(self, times, starts, end):
        times = np.asarray(times, dtype=np.float64)
        D = len(self.decays)
        n = len(times)
        S = decay_states(times, starts, self.decays)
        first = np.zeros(n, dtype=bool)
        first[starts] = True
        # Log-intensity terms: every event but each user's first.
        F = S[~first] * self.decays  # (n_terms, D)
        span = float(np.sum(end - times[starts]))
        comp = np.sum(1.0 - np.exp(-np.outer(end - times, self.decays)), axis=0)
        pen = self.penalty

        def objective(theta):
            mu, alpha = theta[0], theta[1:]
            lam = mu + F @ alpha
            lam = np.maximum(lam, 1e-300)
            value = -np.sum(np.log(lam)) + mu * span + comp @ alpha
            value += pen * np.sum(alpha)
            inv = 1.0 / lam
            grad = np.empty(D + 1)
            grad[0] = -inv.sum() + span
            grad[1:] = -(F.T @ inv) + comp + pen
            return value, grad

        n_terms = max(len(F), 1)
        mu0 = max(n_terms / max(span, 1e-12) / 2, 1e-6)
        theta0 = np.r_[mu0, np.full(D, 0.5 / D)]
        bounds = [(1e-10, None)] + [(0.0, None)] * D
        res = minimize(
            objective,
            theta0,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 500},
        )
        self.baseline_ = float(res.x[0])
        self.adjacency_ = res.x[1:].copy()
        self.n_iter_ = int(res.nit)
        self.loglik_ = -float(res.fun)
        self._count_map()
        return self

    def _count_map(self):
        """Expected window count as ``c0 + states @ c`` (exact, with in-window
        self-excitation), from the matrix exponential of the linear ODE of the
        mean intensity; it is the same for every user, so it is computed once.
        """
        b, a, mu = self.decays, self.adjacency_, self.baseline_
        D = len(b)
        M = np.zeros((D + 2, D + 2))
        # z = [y_1..y_D, N, 1]; y_d is kernel d's part of the intensity.
        M[:D, :D] = -np.diag(b) + np.outer(a * b, np.ones(D))
        M[:D, D + 1] = a * b * mu
        M[D, :D] = 1.0
        M[D, D + 1] = mu
        E = expm(M)
        self.count_const_ = float(E[D, D + 1])
        # y0_d = a_d b_d * state_d, so the count is linear in the raw states.
        self.count_coef_ = E[D, :D] * a * b

    def intensity(self, states):
        """Intensity at the query time from the decayed counts ``states``."""
        return self.baseline_ + states @ (self.adjacency_ * self.decays)

    def expected_count(self, states):
        """Expected events in the unit window after the query time."""
        return self.count_const_ + states @ self.count_coef_

    def count_features(self, states):
        """The parts of :meth:`expected_count`: constant, then one per decay."""
        return np.column_stack(
            [np.full(len(states), self.count_const_), states * self.count_coef_]
        )


def _softplus(v):
    return np.logaddexp(0.0, v)


def fit_poisson_weights(features, counts, *, ridge=1e-3):
    """Non-negative weights ``w = softplus(v)`` maximising the Poisson
    likelihood of ``counts`` under the rate ``features @ w``; ``v`` starts
    where ``w = 1`` (the Hawkes fit itself) and is shrunk towards it.
    """
    features = np.asarray(features, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    v0 = np.full(features.shape[1], np.log(np.expm1(1.0)))

    def objective(v):
        w = _softplus(v)
        rate = np.maximum(features @ w, 1e-12)
        value = np.sum(rate - counts * np.log(rate)) / len(counts)
        value += ridge * np.sum((v - v0) ** 2)
        dw = features.T @ (1.0 - counts / rate) / len(counts)
        grad = dw / (1.0 + np.exp(-v)) + 2 * ridge * (v - v0)
        return value, grad

    res = minimize(objective, v0, jac=True, method="L-BFGS-B")
    return _softplus(res.x)


def ema_states(times, starts, users, at, S=None):
    """The exponential moving average of past activity (decay: one horizon)."""
    return history_states(times, starts, np.array([1.0]), users, at, S)[:, 0]


def hawkes_decays(n_decays):
    """Log-spaced decays from a tenth of a horizon to 100 horizons (per horizon)."""
    if n_decays == 1:
        return np.array([1.0])
    return np.logspace(1.0, -2.0, n_decays)
