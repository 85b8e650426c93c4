"""RecurrentIntensityRecommender: rankings, determinism, contract, bad input."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sklearn_iclr.datasets import make_hawkes_events
from sklearn_iclr.recommendation import (
    RecurrentIntensityRecommender,
    _rim,
    precision_at_k,
    temporal_user_split,
)
from sklearn_iclr.recommendation._split import window_targets

TINY = dict(hidden_size=8, n_layers=1, max_len=10, max_epochs=2, n_decays=3)


@pytest.fixture(scope="module")
def events():
    return make_hawkes_events(n_users=60, n_items=20, end_time=100.0, random_state=0)


@pytest.fixture(scope="module")
def fitted(events):
    return RecurrentIntensityRecommender(horizon=10.0, random_state=0, **TINY).fit(
        events.data
    )


def test_rankings_agree_with_brute_force_sort(fitted, monkeypatch):
    monkeypatch.setattr(_rim, "_CHUNK", 7)  # several chunks and merges
    S = fitted.predict_matrix(exclude_seen=True)
    items = fitted.recommend_items(fitted.users_, k=4)
    for row, u in zip(S, items):
        order = sorted(range(len(row)), key=lambda j: (-row[j], j))[:4]
        np.testing.assert_array_equal(u, fitted.items_[order])
    users = fitted.recommend_users(fitted.items_, k=5)
    for col, u in zip(S.T, users):
        order = sorted(range(len(col)), key=lambda j: (-col[j], j))[:5]
        np.testing.assert_array_equal(u, fitted.users_[order])


def test_item_ranking_does_not_depend_on_the_intensity(events):
    params = dict(relevance="cooccurrence", horizon=10.0)
    a = RecurrentIntensityRecommender(intensity="hawkes", **params).fit(events.data)
    b = RecurrentIntensityRecommender(intensity="none", **params).fit(events.data)
    np.testing.assert_array_equal(
        a.recommend_items(a.users_, k=5), b.recommend_items(b.users_, k=5)
    )


def test_predict_matches_matrix_and_window(fitted):
    u, i = fitted.users_[[0, 3, 5]], fitted.items_[[1, 2, 3]]
    at = fitted.end_time_
    scores = fitted.predict(np.column_stack([u, i, np.full(3, at)]))
    np.testing.assert_allclose(scores, np.diag(fitted.predict_matrix(u, i)))
    assert (scores >= 0).all()


def test_equal_random_state_gives_identical_fits(events):
    fit = lambda rs: RecurrentIntensityRecommender(  # noqa: E731
        horizon=10.0, random_state=rs, **TINY
    ).fit(events.data)
    a, b, c = fit(3).predict_matrix(), fit(3).predict_matrix(), fit(4).predict_matrix()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_sklearn_contract_on_event_logs(events, fitted):
    """What the two-column common checks test, on a three-column log."""
    X = events.data
    est = RecurrentIntensityRecommender(horizon=10.0, random_state=0, **TINY)
    with pytest.raises(NotFittedError):
        est.predict(X)
    params = est.get_params()
    assert est.fit(X) is est and est.get_params() == params
    assert est.n_features_in_ == 3
    again = clone(est).fit(X)
    np.testing.assert_array_equal(est.predict(X), again.predict(X))
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(est.predict(X), restored.predict(X))
    with pytest.raises(ValueError, match="3 features"):
        est.predict(X[:, :2])
    readonly = X.copy()
    readonly.setflags(write=False)
    clone(est).fit(readonly)


def test_shuffled_rows_give_the_same_fit(events):
    X = events.data
    rng = np.random.RandomState(0)
    params = dict(relevance="cooccurrence", intensity="hawkes_poisson", horizon=10.0)
    a = RecurrentIntensityRecommender(**params).fit(X)
    b = RecurrentIntensityRecommender(**params).fit(X[rng.permutation(len(X))])
    np.testing.assert_allclose(a.predict_matrix(), b.predict_matrix())


def test_frames_with_strings_and_datetimes():
    df = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(
                ["2020-01-01", "2020-01-02", "2020-01-05", "2020-01-03", "2020-01-04"]
            ),
            "user": ["ann", "ann", "ann", "bob", "bob"],
            "item": ["x", "y", "x", "y", "z"],
            "rating": [5, 4, 3, 2, 1],
        }
    )
    rim = RecurrentIntensityRecommender(relevance="popularity", horizon=86400.0)
    rim.fit(df)
    assert rim.users_.tolist() == ["ann", "bob"]
    top = rim.recommend_users(["x", "unknown-item"], k=1, exclude_seen=False)
    assert top.shape == (2, 1)
    # an unknown user gets the population intensity times the popularity
    new = rim.recommend_items(["carol"], k=3)
    assert new[0, 0] in {"x", "y"}


def test_user_with_one_event_and_unknown_ids(events):
    X = np.vstack([events.data, [[999, 0, 50.0]]])
    rim = RecurrentIntensityRecommender(horizon=10.0, random_state=0, **TINY).fit(X)
    q = np.array([[999, 0, 60.0], [12345, 0, 60.0], [0, 12345, 60.0]])
    scores = rim.predict(q)
    assert np.isfinite(scores).all() and (scores > 0).all()


def test_score_is_targeting_precision(events):
    train, test = temporal_user_split(events.data, horizon=10.0)
    rim = RecurrentIntensityRecommender(relevance="cooccurrence", horizon=10.0)
    rim.fit(train)
    Y = window_targets(test, rim.users_, rim.items_)
    S = rim.predict_matrix(at=test[:, 2].min())
    expected = precision_at_k(Y, S, k=0.01, target="users")
    assert rim.score(test) == pytest.approx(expected)
    assert 0 <= rim.score(test) <= 1


def test_activity_helps_targeting_on_heterogeneous_users():
    ev = make_hawkes_events(
        n_users=400, n_items=30, end_time=100.0, baseline_spread=2.0, random_state=0
    )
    train, test = temporal_user_split(ev.data, horizon=10.0)
    scores = {}
    for intensity in ("hawkes", "none"):
        rim = RecurrentIntensityRecommender(
            relevance="popularity", intensity=intensity, horizon=10.0
        ).fit(train)
        Y = window_targets(test, rim.users_, rim.items_)
        S = rim.predict_matrix(exclude_seen=False)
        scores[intensity] = precision_at_k(Y, S, k=0.05, target="users")
    assert scores["hawkes"] > 1.5 * scores["none"]


@pytest.mark.parametrize(
    "X, match",
    [
        (np.empty((0, 3)), "0 sample"),
        (np.array([[0, 1, 2.0]]), "1 sample"),
        (np.array([[0, 1, 2.0], [np.nan, 1, 3.0]]), "NaN"),
        (np.array([[0, 1, 2.0, 1], [1, 1, 3.0, 1]])[:, :2], "2 feature"),
        (
            np.array([["a", "x", "noon"], ["b", "y", "1pm"]], dtype=object),
            "timestamp column",
        ),
    ],
)
def test_bad_logs_are_clear_errors(X, match):
    with pytest.raises(ValueError, match=match):
        RecurrentIntensityRecommender(relevance="popularity").fit(X)


def test_nan_ids_in_frames_and_bad_k(fitted):
    df = pd.DataFrame({"user": ["a", None], "item": ["x", "y"], "timestamp": [1, 2]})
    with pytest.raises(ValueError, match="missing"):
        RecurrentIntensityRecommender(relevance="popularity").fit(df)
    for k in (0, -2, 1.5):
        with pytest.raises(ValueError, match="k must be a positive integer"):
            fitted.recommend_items(fitted.users_[:2], k=k)
        with pytest.raises(ValueError, match="k must be a positive integer"):
            fitted.recommend_users(fitted.items_[:2], k=k)


def test_refit_intensity_equals_a_new_fit(events):
    params = dict(relevance="cooccurrence", horizon=10.0)
    a = RecurrentIntensityRecommender(intensity="none", **params).fit(events.data)
    a.refit_intensity("hawkes_poisson")
    b = RecurrentIntensityRecommender(intensity="hawkes_poisson", **params)
    b.fit(events.data)
    np.testing.assert_allclose(a.predict_matrix(), b.predict_matrix())
    with pytest.raises(ValueError, match="intensity"):
        a.refit_intensity("bogus")


def test_training_windows_cover_every_event_once():
    from sklearn_iclr.recommendation._events import EventLog
    from sklearn_iclr.recommendation._relevance import _sequences

    items = np.arange(12) % 7
    log = EventLog(np.zeros(12, int), items, np.arange(12.0), 1)
    X, Y, users = _sequences(log, 4, with_targets=True, all_events=True)
    targets = np.sort(Y[Y >= 0])
    np.testing.assert_array_equal(targets, np.sort(items[1:]))
    last, _, _ = _sequences(log, 4, with_targets=True)
    np.testing.assert_array_equal(last[0], X[0])  # first window is the last events
    np.testing.assert_array_equal(last[0], items[-5:-1] + 1)
