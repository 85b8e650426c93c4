"""Seeded event logs: users with Hawkes activity and sequential item tastes."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..utils._sklearn_compat import Interval, validate_params


def _simulate_hawkes(baseline, adjacency, decays, end, rng, max_events):
    """Ogata thinning for many independent users at once.

    Between events the intensity only decays, so its value right after the
    current time bounds it until the next candidate; each step draws one
    candidate per still-running user and accepts it with probability
    ``lambda(candidate) / bound``.
    """
    n_users, D = len(baseline), len(decays)
    t = np.zeros(n_users)
    y = np.zeros((n_users, D))  # kernel parts of the intensity at time t
    counts = np.zeros(n_users, dtype=np.int64)
    users, times = [], []
    running = np.arange(n_users)
    while len(running):
        bound = baseline[running] + y[running].sum(axis=1)
        cand = t[running] + rng.exponential(1.0 / bound)
        y_c = y[running] * np.exp(-np.outer(cand - t[running], decays))
        lam = baseline[running] + y_c.sum(axis=1)
        accept = rng.uniform(size=len(running)) * bound <= lam
        inside = cand < end
        t[running] = cand
        y[running] = y_c + np.outer(accept & inside, adjacency * decays)
        hit = running[accept & inside]
        users.append(hit)
        times.append(cand[accept & inside])
        counts[hit] += 1
        running = running[inside & (counts[running] < max_events)]
    users = np.concatenate(users) if users else np.empty(0, dtype=np.int64)
    times = np.concatenate(times) if times else np.empty(0)
    return users, times


@validate_params(
    {
        "n_users": [Interval(Integral, 1, None, closed="left")],
        "n_items": [Interval(Integral, 2, None, closed="left")],
        "end_time": [Interval(Real, 0, None, closed="neither")],
        "baseline": [Interval(Real, 0, None, closed="neither")],
        "baseline_spread": [Interval(Real, 0, None, closed="left")],
        "adjacency": ["array-like"],
        "decays": ["array-like"],
        "sequential": [Interval(Real, 0, 1, closed="both")],
        "max_events_per_user": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_hawkes_events(
    n_users=200,
    n_items=100,
    *,
    end_time=100.0,
    baseline=0.05,
    baseline_spread=1.0,
    adjacency=(0.3, 0.3),
    decays=(1.0, 0.05),
    sequential=0.8,
    max_events_per_user=1000,
    random_state=None,
):
    """Generate an event log with known activity and item-sequence structure.

    Each user's event times follow a Hawkes process on ``[0, end_time)`` with
    intensity ``baseline_u + sum_d adjacency[d] * decays[d] * sum_{t_j < t}
    exp(-decays[d] (t - t_j))``: the kernels are shared by every user and
    ``baseline_u = baseline * g_u`` with ``g_u`` drawn from a gamma
    distribution of mean 1 and coefficient of variation ``baseline_spread``
    (``0`` gives every user the same baseline). Items follow a sequential
    taste: with probability ``sequential`` the next item is one to three
    steps after the previous one on a ring of items, otherwise it is drawn
    from a Zipf-like popularity. So a model of the last item predicts the next
    one, popularity alone does not, and the users to target with an item are
    the active ones whose last item precedes it.

    Parameters
    ----------
    n_users : int, default=200
        Number of users.
    n_items : int, default=100
        Number of items.
    end_time : float, default=100.0
        End of the observation period.
    baseline : float, default=0.05
        Mean baseline intensity (events per unit of time).
    baseline_spread : float, default=1.0
        Coefficient of variation of the users' baselines.
    adjacency : array-like of shape (n_kernels,), default=(0.3, 0.3)
        Expected children of an event through each kernel; the sum must be
        below 1 (a stationary process).
    decays : array-like of shape (n_kernels,), default=(1.0, 0.05)
        Decay rate of each exponential kernel.
    sequential : float, default=0.8
        Probability that an item follows the previous one on the ring.
    max_events_per_user : int, default=1000
        Safety cap on each user's number of events.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n_events, 3) float64 array of user, item and time, sorted
        by time; ``baseline`` (n_users,), ``adjacency`` and ``decays`` (the
        true parameters); ``item_popularity`` (n_items,), the probability of
        a non-sequential draw; ``end_time``.

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_hawkes_events
    >>> ev = make_hawkes_events(n_users=50, n_items=20, random_state=0)
    >>> ev.data.shape[1]
    3
    >>> bool((ev.data[1:, 2] >= ev.data[:-1, 2]).all())
    True
    """
    rng = check_random_state(random_state)
    adjacency = np.asarray(adjacency, dtype=np.float64).ravel()
    decays = np.asarray(decays, dtype=np.float64).ravel()
    if adjacency.shape != decays.shape or len(decays) == 0:
        raise ValueError(
            "adjacency and decays must have the same non-zero length; got "
            f"{adjacency.shape} and {decays.shape}."
        )
    if (adjacency < 0).any() or adjacency.sum() >= 1 or (decays <= 0).any():
        raise ValueError(
            "adjacency must be non-negative with a sum below 1 and decays "
            f"positive; got adjacency={adjacency.tolist()}, decays={decays.tolist()}."
        )
    if baseline_spread > 0:
        shape = 1.0 / baseline_spread**2
        g = rng.gamma(shape, 1.0 / shape, size=n_users)
    else:
        g = np.ones(n_users)
    mu = baseline * g
    users, times = _simulate_hawkes(
        mu, adjacency, decays, end_time, rng, max_events_per_user
    )
    order = np.lexsort((times, users))
    users, times = users[order], times[order]
    pop = 1.0 / np.arange(1, n_items + 1) ** 0.8
    pop = pop[rng.permutation(n_items)]
    pop /= pop.sum()
    items = np.empty(len(users), dtype=np.int64)
    random_item = rng.choice(n_items, size=len(users), p=pop)
    step = rng.randint(1, 4, size=len(users))
    follow = rng.uniform(size=len(users)) < sequential
    first = np.r_[True, users[1:] != users[:-1]] if len(users) else np.ones(0, bool)
    # Sequential by construction, so one pass over the sorted log.
    for e in range(len(users)):
        if first[e] or not follow[e]:
            items[e] = random_item[e]
        else:
            items[e] = (items[e - 1] + step[e]) % n_items
    data = np.column_stack([users, items, times]).astype(np.float64)
    data = data[np.argsort(times, kind="stable")]
    return Bunch(
        data=data,
        baseline=mu,
        adjacency=adjacency,
        decays=decays,
        item_popularity=pop,
        end_time=float(end_time),
    )
