"""Tests of the baseline data valuation functions."""

import itertools
import math

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB

from sklearn_iclr.valuation import (
    data_oob_values,
    knn_shapley_values,
    leave_one_out_values,
    tmc_shapley_values,
)


def _knn_utility(subset, X, y, x_val, y_val, K):
    """Jia et al.'s KNN utility: fraction of the K nearest in S with the label."""
    if not subset:
        return 0.0
    subset = np.array(subset)
    d = np.linalg.norm(X[subset] - x_val, axis=1)
    nearest = subset[np.argsort(d, kind="stable")[:K]]
    return float(np.sum(y[nearest] == y_val)) / K


@pytest.mark.parametrize("K", [1, 2, 3])
def test_knn_shapley_equals_brute_force(K):
    rng = np.random.RandomState(K)
    X = rng.randn(6, 2)
    y = rng.randint(0, 2, 6)
    X_val = rng.randn(3, 2)
    y_val = rng.randint(0, 2, 3)
    n = len(y)
    expected = np.zeros(n)
    for t in range(3):
        for perm in itertools.permutations(range(n)):
            for pos, i in enumerate(perm):
                before = list(perm[:pos])
                with_i = _knn_utility(before + [i], X, y, X_val[t], y_val[t], K)
                without = _knn_utility(before, X, y, X_val[t], y_val[t], K)
                expected[i] += with_i - without
    expected /= 3 * math.factorial(n)
    values = knn_shapley_values(X, y, X_val, y_val, n_neighbors=K, batch_size=2)
    np.testing.assert_allclose(values, expected, atol=1e-12)


def _noisy(seed=0, n=80):
    X, y = make_blobs(n, n_features=4, centers=2, cluster_std=1.5, random_state=seed)
    X_val, y_val = make_blobs(
        60, n_features=4, centers=2, cluster_std=1.5, random_state=seed
    )
    y_noisy = y.copy()
    y_noisy[:8] = 1 - y[:8]
    return X, y_noisy, X_val, y_val


def test_data_oob_ranks_flipped_rows_low():
    X, y, _, _ = _noisy()
    values = data_oob_values(X, y, n_estimators=60, random_state=0)
    assert values[:8].mean() < values[8:].mean()
    again = data_oob_values(X, y, n_estimators=60, random_state=0)
    np.testing.assert_array_equal(values, again)
    reg = data_oob_values(
        X, X[:, 0], n_estimators=10, task="regression", random_state=0
    )
    assert np.all(reg[np.isfinite(reg)] <= 0)


def test_leave_one_out_values_match_manual_refits():
    X, y, X_val, y_val = _noisy(n=20)
    values = leave_one_out_values(GaussianNB(), X, y, X_val, y_val)
    full = GaussianNB().fit(X, y).score(X_val, y_val)
    for i in (0, 11):
        keep = np.arange(20) != i
        without = GaussianNB().fit(X[keep], y[keep]).score(X_val, y_val)
        assert values[i] == pytest.approx(full - without)


def test_tmc_shapley_efficiency_without_truncation():
    X, y, X_val, y_val = _noisy(n=12)
    values = tmc_shapley_values(
        GaussianNB(),
        X,
        y,
        X_val,
        y_val,
        n_permutations=3,
        truncation_tol=0.0,
        random_state=0,
    )
    full = GaussianNB().fit(X, y).score(X_val, y_val)
    _, counts = np.unique(y_val, return_counts=True)
    empty = counts.max() / counts.sum()
    # each permutation's marginals telescope to v(D) - v(empty)
    assert values.sum() == pytest.approx(full - empty)


def test_tmc_shapley_ranks_flipped_rows_low_and_honours_max_time():
    X, y, X_val, y_val = _noisy(n=40)
    values = tmc_shapley_values(
        LogisticRegression(), X, y, X_val, y_val, n_permutations=20, random_state=0
    )
    assert values[:8].mean() < values[8:].mean()
    quick = tmc_shapley_values(
        LogisticRegression(),
        X,
        y,
        X_val,
        y_val,
        n_permutations=1000,
        max_time=1e-3,
        random_state=0,
    )
    assert quick.shape == (40,)


def test_baselines_reject_bad_input():
    X, y, X_val, y_val = _noisy(n=20)
    with pytest.raises(ValueError):
        knn_shapley_values(X, y, X_val, y_val, n_neighbors=0)
    with pytest.raises(ValueError, match="inconsistent"):
        knn_shapley_values(X, y[:5], X_val, y_val)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        data_oob_values(X_nan, y)


def test_nan_labels_are_rejected():
    from sklearn_iclr.valuation import find_label_issues, knn_shapley_values

    X = np.random.RandomState(0).randn(20, 2)
    y = np.r_[np.zeros(10), np.ones(10)]
    y_nan = y.copy()
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="y contains NaN"):
        knn_shapley_values(X, y_nan, X, y)
    with pytest.raises(ValueError, match="y_val contains NaN"):
        knn_shapley_values(X, y, X, y_nan)
    with pytest.raises(ValueError, match="needs class labels"):
        find_label_issues(X, X[:, 0])


def test_validation_columns_must_match():
    from sklearn_iclr.valuation import knn_shapley_values

    X = np.random.RandomState(0).randn(20, 3)
    y = np.r_[np.zeros(10), np.ones(10)]
    with pytest.raises(ValueError, match="X_val has 2 features but X has 3"):
        knn_shapley_values(X, y, X[:, :2], y)
