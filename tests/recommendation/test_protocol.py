"""The protocol helpers: top-k metrics in both directions and the time split."""

import numpy as np
import pandas as pd
import pytest

from sklearn_iclr.datasets import make_hawkes_events
from sklearn_iclr.recommendation import (
    precision_at_k,
    recall_at_k,
    temporal_user_split,
)
from sklearn_iclr.recommendation._metrics import top_k


def _brute(y_true, y_score, k):
    precisions, recalls = [], []
    for truth, score in zip(y_true, y_score):
        if not truth.any():
            continue
        ranked = sorted(range(len(score)), key=lambda j: (-score[j], j))[:k]
        hits = sum(truth[j] for j in ranked)
        precisions.append(hits / k)
        recalls.append(hits / truth.sum())
    return np.mean(precisions), np.mean(recalls)


@pytest.mark.parametrize("target", ["items", "users"])
@pytest.mark.parametrize("k", [1, 3, 0.25])
def test_metrics_agree_with_brute_force_sort(target, k):
    rng = np.random.RandomState(0)
    y_true = rng.uniform(size=(12, 9)) < 0.2
    y_score = rng.randint(0, 4, size=(12, 9)).astype(float)  # many ties
    t, s = (y_true.T, y_score.T) if target == "users" else (y_true, y_score)
    kk = k if isinstance(k, int) else max(1, round(k * t.shape[1]))
    p, r = _brute(t, s, kk)
    assert precision_at_k(y_true, y_score, k=k, target=target) == pytest.approx(p)
    assert recall_at_k(y_true, y_score, k=k, target=target) == pytest.approx(r)


def test_top_k_is_a_stable_full_sort():
    scores = np.array([[1.0, 3.0, 3.0, 2.0, -np.inf]])
    np.testing.assert_array_equal(top_k(scores, 3), [[1, 2, 3]])
    np.testing.assert_array_equal(top_k(scores.T, 2, axis=0), [[1], [2]])


@pytest.mark.parametrize("k", [0, -1, 1.5, 0.0])
def test_metrics_reject_non_positive_k(k):
    with pytest.raises(ValueError, match="k"):
        precision_at_k(np.eye(3), np.eye(3), k=k)


def test_metrics_reject_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        recall_at_k(np.eye(3), np.eye(4))


def test_split_has_no_time_leakage():
    X = make_hawkes_events(n_users=80, n_items=10, random_state=0).data
    train, test = temporal_user_split(X, horizon=10.0)
    assert len(test) > 0
    for u in np.unique(test[:, 0]):
        assert train[train[:, 0] == u, 2].max() < test[test[:, 0] == u, 2].min()
    assert test[:, 2].max() - test[:, 2].min() < 10.0
    assert set(test[:, 0]) <= set(train[:, 0])
    assert set(test[:, 1]) <= set(train[:, 1])


def test_split_default_window_and_frames():
    df = pd.DataFrame(
        {"user": list("aabbc"), "item": list("xyxyy"), "timestamp": [1, 2, 3, 4, 5]}
    )
    train, test = temporal_user_split(df, test_size=0.4)
    assert isinstance(train, pd.DataFrame)
    assert train.timestamp.max() < test.timestamp.min()
    # "c" is a new user in the window: dropped unless known_only=False
    assert "c" not in set(test.user)
    _, test_all = temporal_user_split(df, test_size=0.4, known_only=False)
    assert "c" in set(test_all.user)


def test_split_errors():
    with pytest.raises(ValueError, match="empty"):
        temporal_user_split(np.empty((0, 3)))
    with pytest.raises(ValueError, match="history is empty"):
        temporal_user_split(np.array([[0, 0, 5.0], [1, 1, 6.0]]), test_start=1.0)


def test_top_k_partitioned_path_matches_full_sort():
    rng = np.random.RandomState(1)
    scores = rng.randint(0, 5, size=(30, 50)).astype(float)
    scores[0, :] = -np.inf
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :3]
    np.testing.assert_array_equal(top_k(scores, 3), expected)
