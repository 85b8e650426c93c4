"""Tests of the DIVA-reweighted meta-estimators."""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_blobs, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_iclr.valuation import (
    DIVAReweightedClassifier,
    DIVAReweightedRegressor,
    DIVAWeighter,
)


def _noisy_blobs(seed=0, n=200):
    X, y = make_blobs(n, n_features=6, centers=3, cluster_std=2.5, random_state=seed)
    rng = np.random.RandomState(seed)
    flipped = rng.rand(n) < 0.25
    y_noisy = y.copy()
    y_noisy[flipped] = (y[flipped] + rng.randint(1, 3, flipped.sum())) % 3
    return X, y, y_noisy, flipped


def test_classifier_uses_diva_weights():
    X, y, y_noisy, flipped = _noisy_blobs()
    clf = DIVAReweightedClassifier(
        LogisticRegression(), weighter=DIVAWeighter(n_steps=2)
    ).fit(X, y_noisy)
    assert clf.weighter_.task_ == "classification"
    assert clf.weighter_.n_steps == 2
    np.testing.assert_array_equal(clf.sample_weight_, clf.weighter_.sample_weight_)
    assert clf.sample_weight_[flipped].mean() < clf.sample_weight_[~flipped].mean()
    reference = LogisticRegression().fit(X, y_noisy, sample_weight=clf.sample_weight_)
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.decision_function(X).shape == (200, 3)


def test_regressor_downweights_corrupted_targets():
    X, y = make_regression(150, n_features=5, noise=1.0, random_state=0)
    y[:10] += 300.0
    reg = DIVAReweightedRegressor(Ridge()).fit(X, y)
    assert reg.weighter_.task_ == "regression"
    assert reg.sample_weight_[:10].mean() < reg.sample_weight_[10:].mean()
    assert reg.predict(X).shape == (150,)


def test_estimator_without_sample_weight_is_rejected():
    X, y, y_noisy, _ = _noisy_blobs()
    with pytest.raises(ValueError, match="does not accept sample_weight"):
        DIVAReweightedClassifier(KNeighborsClassifier()).fit(X, y_noisy)


def test_no_predict_proba_when_estimator_lacks_it():
    from sklearn.svm import LinearSVC

    clf = DIVAReweightedClassifier(LinearSVC())
    assert not hasattr(clf, "predict_proba")


def test_grid_search_and_pipeline():
    X, y, y_noisy, _ = _noisy_blobs()
    pipe = make_pipeline(
        StandardScaler(), DIVAReweightedClassifier(LogisticRegression())
    )
    grid = GridSearchCV(
        pipe,
        {
            "divareweightedclassifier__weighter": [None, DIVAWeighter(alpha=10.0)],
            "divareweightedclassifier__estimator__C": [0.1, 1.0],
        },
        cv=3,
    ).fit(X, y_noisy)
    assert grid.best_score_ > 0.5


def test_metadata_routing():
    X, y, y_noisy, _ = _noisy_blobs()
    groups = np.arange(len(y)) % 3
    with sklearn.config_context(enable_metadata_routing=True):
        # fit-time metadata requested by the estimator is routed to it
        class CheckedLR(LogisticRegression):
            def fit(self, X, y, sample_weight=None, tag=None):
                assert tag == "hello"
                return super().fit(X, y, sample_weight=sample_weight)

        est = CheckedLR().set_fit_request(tag=True, sample_weight=False)
        clf = DIVAReweightedClassifier(est).fit(X, y_noisy, tag="hello")
        assert clf.sample_weight_.shape == (200,)
        # sample_weight cannot be routed to the estimator: DIVA sets it
        est = LogisticRegression().set_fit_request(sample_weight=True)
        with pytest.raises(ValueError, match="computed by DIVA"):
            DIVAReweightedClassifier(est).fit(X, y_noisy, sample_weight=np.ones(200))
        # GridSearchCV with group-aware splitting and routed score requests
        from sklearn.model_selection import GroupKFold

        meta = DIVAReweightedClassifier(
            LogisticRegression().set_fit_request(sample_weight=False)
        ).set_score_request(sample_weight=False)
        grid = GridSearchCV(meta, {"estimator__C": [0.1, 1.0]}, cv=GroupKFold(3))
        grid.fit(X, y_noisy, groups=groups)
        assert hasattr(grid, "best_estimator_")
    # without routing, extra fit params are an error
    with pytest.raises(ValueError):
        DIVAReweightedClassifier(LogisticRegression()).fit(X, y_noisy, tag="x")


def test_reweighting_helps_on_noisy_digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    gains = []
    for seed in range(3):
        rng = np.random.RandomState(seed)
        idx = rng.permutation(len(y))
        X_tr, y_tr = X[idx[:800]], y[idx[:800]].copy()
        X_te, y_te = X[idx[800:]], y[idx[800:]]
        flipped = rng.rand(800) < 0.2
        y_tr[flipped] = (y_tr[flipped] + rng.randint(1, 10, flipped.sum())) % 10
        base = LogisticRegression(max_iter=500).fit(X_tr, y_tr).score(X_te, y_te)
        clf = DIVAReweightedClassifier(
            LogisticRegression(max_iter=500), weighter=DIVAWeighter(step_size=0.5)
        ).fit(X_tr, y_tr)
        gains.append(clf.score(X_te, y_te) - base)
    assert np.mean(gains) > 0


# -- issue 30: nothing silent, pipelines that work ------------------------------
def test_classifier_rejects_a_regressor_and_vice_versa():
    X, y, y_noisy, _ = _noisy_blobs()
    with pytest.raises(ValueError, match="needs a classifier.*Ridge"):
        DIVAReweightedClassifier(Ridge()).fit(X, y_noisy)
    Xr, yr = make_regression(60, 4, random_state=0)
    with pytest.raises(ValueError, match="needs a regressor"):
        DIVAReweightedRegressor(LogisticRegression()).fit(Xr, yr)


def test_wrapped_pipeline_gets_the_weights_on_its_last_step():
    X, y, y_noisy, _ = _noisy_blobs()
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    clf = DIVAReweightedClassifier(pipe).fit(X, y_noisy)
    direct = LogisticRegression().fit(
        StandardScaler().fit_transform(X), y_noisy, sample_weight=clf.sample_weight_
    )
    np.testing.assert_allclose(
        clf.estimator_[-1].coef_, direct.coef_, rtol=1e-6, atol=1e-8
    )
    assert clf.sample_weight_.min() < 1.0


def test_weighter_parameters_work_with_the_default_weighter():
    X, y, y_noisy, _ = _noisy_blobs()
    clf = DIVAReweightedClassifier(LogisticRegression())
    clf.set_params(weighter__n_steps=0)
    assert clf.weighter.n_steps == 0
    clf.fit(X, y_noisy)
    np.testing.assert_array_equal(clf.sample_weight_, np.ones(len(y)))
    grid = GridSearchCV(
        DIVAReweightedClassifier(LogisticRegression()),
        {"weighter__step_size": [0.1, 0.5]},
        cv=2,
    ).fit(X, y_noisy)
    assert grid.best_estimator_.weighter_.step_size in (0.1, 0.5)


def test_featurizer_in_the_weighter_sees_string_columns():
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"colour": rng.choice(["red", "blue"], 60), "size": rng.randn(60)})
    y = (X["colour"] == "red").astype(int).to_numpy()
    encode = make_column_transformer(
        (OneHotEncoder(), ["colour"]), remainder="passthrough"
    )
    clf = DIVAReweightedClassifier(
        make_pipeline(encode, LogisticRegression()),
        weighter=DIVAWeighter(featurizer=encode),
    ).fit(X, y)
    assert clf.score(X, y) > 0.9


def test_regressor_on_overflowing_X_names_the_problem():
    Xr, yr = make_regression(60, 4, random_state=0)
    with pytest.raises(ValueError, match="too large"):
        DIVAReweightedRegressor(Ridge()).fit(Xr * 1e200, yr)
