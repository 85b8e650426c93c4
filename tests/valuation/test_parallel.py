"""The valuation baselines in joblib workers: same values for any n_jobs."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.naive_bayes import GaussianNB

from sklearn_iclr.valuation import (
    data_oob_values,
    knn_shapley_values,
    leave_one_out_values,
    tmc_shapley_values,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_blobs(40, n_features=3, centers=2, cluster_std=2.0, random_state=0)
    X_val, y_val = make_blobs(
        30, n_features=3, centers=2, cluster_std=2.0, random_state=1
    )
    return X, y, X_val, y_val


def _all_values(data, n_jobs):
    X, y, X_val, y_val = data
    return {
        "loo": leave_one_out_values(GaussianNB(), X, y, X_val, y_val, n_jobs=n_jobs),
        "knn": knn_shapley_values(X, y, X_val, y_val, batch_size=7, n_jobs=n_jobs),
        "oob": data_oob_values(X, y, n_estimators=12, random_state=0, n_jobs=n_jobs),
        "oob_regression": data_oob_values(
            X,
            X[:, 0],
            n_estimators=6,
            task="regression",
            random_state=0,
            n_jobs=n_jobs,
        ),
        "tmc": tmc_shapley_values(
            GaussianNB(),
            X,
            y,
            X_val,
            y_val,
            n_permutations=3,
            random_state=0,
            n_jobs=n_jobs,
        ),
    }


def test_values_do_not_depend_on_n_jobs(data):
    sequential = _all_values(data, None)
    parallel = _all_values(data, 2)
    for name, values in sequential.items():
        assert np.any(values != 0), name
        np.testing.assert_array_equal(parallel[name], values, err_msg=name)
