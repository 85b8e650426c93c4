"""DIVAWeighter on a Dask array split by rows equals the in-memory fit."""

import numpy as np
import pytest

da = pytest.importorskip(
    "dask.array", reason="the 'distributed' extra (dask[array]) is not installed"
)

from sklearn_iclr.valuation import DIVAWeighter, find_label_issues  # noqa: E402

FITTED = ("dataset_derivative_", "sample_weight_", "loo_loss_path_", "loo_predictions_")


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    # one column in other units: featurizer="auto" standardises
    X = rng.randn(1300, 4) * np.array([1.0, 1.0, 1.0, 50.0])
    y = (X[:, 0] + X[:, 1] + 0.5 * rng.randn(1300) > 0).astype(int)
    y[:20] = 1 - y[:20]
    return X, y


@pytest.mark.parametrize(
    "params",
    [
        {"kernel": "linear"},
        {"n_components": 40},  # RBF, median heuristic, Nystroem
        {"kernel": "linear", "task": "regression", "featurizer": None},
    ],
    ids=["linear", "nystroem", "regression"],
)
def test_dask_rows_equal_in_memory(data, params):
    X, y = data
    if params.get("task") == "regression":
        y = X[:, 0] + np.random.RandomState(1).randn(len(X))
    memory = DIVAWeighter(random_state=0, n_steps=2, **params).fit(X, y)
    chunked = DIVAWeighter(random_state=0, n_steps=2, **params).fit(
        da.from_array(X, chunks=(300, 2)), y
    )
    assert chunked.solver_ == memory.solver_ == "primal"
    if memory.gamma_ is not None:
        assert chunked.gamma_ == pytest.approx(memory.gamma_, rel=1e-12)
    for name in FITTED:
        np.testing.assert_allclose(
            getattr(chunked, name), getattr(memory, name), rtol=0, atol=1e-8
        )
    assert chunked.n_features_in_ == 4
    with pytest.raises(ValueError, match="fitted on a Dask array"):
        chunked.score_samples(X, y)


def test_find_label_issues_on_dask_rows(data):
    X, y = data
    params = dict(kernel="linear")
    expected = find_label_issues(X, y, weighter=DIVAWeighter(**params), n_issues=20)
    issues = find_label_issues(
        da.from_array(X, chunks=300), y, weighter=DIVAWeighter(**params), n_issues=20
    )
    np.testing.assert_array_equal(issues, expected)


def test_small_dask_arrays_use_the_exact_kernel_in_memory(data):
    X, y = data
    memory = DIVAWeighter(random_state=0).fit(X[:200], y[:200])
    chunked = DIVAWeighter(random_state=0).fit(
        da.from_array(X[:200], chunks=50), y[:200]
    )
    assert chunked.solver_ == "dual"
    np.testing.assert_allclose(
        chunked.dataset_derivative_, memory.dataset_derivative_, atol=1e-12
    )


@pytest.mark.parametrize(
    "params, match",
    [
        ({"kernel": "linear", "solver": "dual"}, "primal form"),
        ({"n_components": None}, "n_components=None"),
        ({"featurizer": "passthrough"}, None),
    ],
)
def test_unsupported_settings_are_clear_errors(data, params, match):
    from sklearn.preprocessing import StandardScaler

    X, y = data
    if params.get("featurizer") == "passthrough":
        params, match = {"featurizer": StandardScaler()}, "featurizer='auto' or None"
    with pytest.raises(ValueError, match=match):
        DIVAWeighter(**params).fit(da.from_array(X, chunks=300), y)
