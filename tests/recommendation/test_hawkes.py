"""The Hawkes likelihood, its fit on simulated processes, and window counts."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from sklearn_iclr.datasets import make_hawkes_events
from sklearn_iclr.recommendation import RecurrentIntensityRecommender
from sklearn_iclr.recommendation._hawkes import (
    SumExpHawkes,
    decay_states,
    history_states,
)


def _sorted_log(data):
    data = data[np.lexsort((data[:, 2], data[:, 0]))]
    u = data[:, 0].astype(int)
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    return data[:, 2], starts


def test_decay_states_match_brute_force():
    rng = np.random.RandomState(0)
    times = np.r_[np.sort(rng.uniform(0, 5, 7)), np.sort(rng.uniform(0, 5, 4))]
    starts = np.array([0, 7])
    decays = np.array([0.3, 2.0])
    S = decay_states(times, starts, decays)
    for e in range(len(times)):
        s = 0 if e < 7 else 7
        past = times[s:e]
        expected = np.exp(-np.outer(times[e] - past, decays)).sum(axis=0)
        np.testing.assert_allclose(S[e], expected, rtol=1e-12, atol=1e-15)
    # history_states only counts events strictly before the query time
    at = np.array([times[3], 10.0, 0.0])
    H = history_states(times, starts, decays, np.array([0, 1, 1]), at)
    np.testing.assert_allclose(
        H[0], np.exp(-np.outer(at[0] - times[:3], decays)).sum(axis=0)
    )
    np.testing.assert_allclose(
        H[1], np.exp(-np.outer(10.0 - times[7:], decays)).sum(axis=0)
    )
    np.testing.assert_array_equal(H[2], 0.0)


def test_hawkes_fit_recovers_simulated_parameters():
    ev = make_hawkes_events(
        n_users=2000,
        n_items=5,
        end_time=200.0,
        baseline=0.05,
        baseline_spread=0.0,
        adjacency=(0.3, 0.3),
        decays=(1.0, 0.05),
        random_state=0,
    )
    times, starts = _sorted_log(ev.data)
    h = SumExpHawkes([1.0, 0.05]).fit(times, starts, 200.0)
    assert h.baseline_ == pytest.approx(0.05, rel=0.1)
    np.testing.assert_allclose(h.adjacency_, [0.3, 0.3], rtol=0.1)


def test_expected_count_solves_the_mean_intensity_ode():
    h = SumExpHawkes([2.0, 0.2])
    h.baseline_, h.adjacency_ = 0.4, np.array([0.3, 0.4])
    h._count_map()
    states = np.array([[0.0, 0.0], [1.5, 0.7]])
    a, b, mu = h.adjacency_, h.decays, h.baseline_

    def rhs(_, z):
        lam = mu + z[:2].sum()
        return np.r_[-b * z[:2] + a * b * lam, lam]

    for s in states:
        sol = solve_ivp(rhs, (0, 1), np.r_[a * b * s, 0.0], rtol=1e-10, atol=1e-12)
        assert h.expected_count(s[None])[0] == pytest.approx(sol.y[2, -1], rel=1e-6)
    # without excitation the count of a unit window is the baseline
    h.adjacency_ = np.zeros(2)
    h._count_map()
    assert h.expected_count(states)[1] == pytest.approx(0.4)


@pytest.mark.parametrize("intensity", ["hawkes", "hawkes_poisson", "ema"])
def test_intensity_is_non_negative_and_window_counts_match(intensity):
    ev = make_hawkes_events(
        n_users=1500, n_items=5, end_time=160.0, baseline_spread=0.0, random_state=1
    )
    X = ev.data
    train, window = X[X[:, 2] < 150], X[X[:, 2] >= 150]
    rim = RecurrentIntensityRecommender(
        relevance="popularity", intensity=intensity, horizon=10.0
    ).fit(train)
    grid = np.linspace(0, 160, 50)
    lam = rim.intensity_at(np.repeat(rim.users_[:50], 50), np.tile(grid, 50))
    assert (lam >= 0).all() and np.isfinite(lam).all()
    expected = rim._expected_counts(np.arange(len(rim.users_)), rim._scaled(150.0))
    assert (expected >= 0).all()
    observed = np.isin(window[:, 0], rim.users_).sum()
    assert expected.sum() == pytest.approx(observed, rel=0.15)
