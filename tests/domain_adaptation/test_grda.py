"""GRDAClassifier and GRDARegressor: domains, the graph, routing and bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import config_context
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_iclr.domain_adaptation import GRDAClassifier, GRDARegressor

FAST = dict(hidden_sizes=(8,), max_epochs=3, batch_size=16, lr=1e-2)


def _rotating(n_domains=4, n_per_domain=20, seed=0):
    """Points of a binary task whose boundary turns with the domain index."""
    rng = np.random.RandomState(seed)
    domain = np.repeat(np.arange(n_domains), n_per_domain)
    X = rng.normal(size=(len(domain), 2))
    angle = domain * np.pi / (2 * n_domains)
    y = (X[:, 0] * np.cos(angle) + X[:, 1] * np.sin(angle) > 0).astype(int)
    chain = np.zeros((n_domains, n_domains))
    i = np.arange(n_domains - 1)
    chain[i, i + 1] = chain[i + 1, i] = 1
    return X, y, domain, chain


def _semi(y, domain, targets=(3,)):
    y = y.copy()
    y[np.isin(domain, targets)] = -1
    return y


@pytest.mark.parametrize("discriminator", ["graph", "categorical", "none"])
def test_fit_predict_shapes_and_fitted_attributes(discriminator):
    X, y, domain, chain = _rotating()
    clf = GRDAClassifier(chain, discriminator=discriminator, random_state=0, **FAST)
    clf.fit(X, _semi(y, domain), sample_domain=domain)
    proba = clf.predict_proba(X, sample_domain=domain)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X, sample_domain=domain)) <= {0, 1}
    assert clf.domain_embedding_.shape[0] == 4
    assert clf.n_domains_ == 4
    assert len(clf.history_) == FAST["max_epochs"]
    has_d = discriminator != "none"
    assert ("discriminator_loss" in clf.history_[-1]) == has_d
    assert (clf.net_.module_.discriminator is None) == (not has_d)


def test_string_labels_and_unlabelled_minus_one():
    X, y, domain, chain = _rotating()
    labels = np.array(["cat", "dog"])[y]
    clf = GRDAClassifier(chain, random_state=0, **FAST)
    clf.fit(X, labels, sample_domain=domain)
    assert list(clf.classes_) == ["cat", "dog"]
    clf.fit(X, _semi(y, domain), sample_domain=domain)
    assert list(clf.classes_) == [0, 1]  # -1 is not a class


def test_regressor_multioutput_and_nan_targets():
    X, y, domain, chain = _rotating()
    Y = np.column_stack([X[:, 0] + domain, X[:, 1] - domain]).astype(float)
    Y[domain == 3] = np.nan
    reg = GRDARegressor(chain, random_state=0, **FAST).fit(X, Y, sample_domain=domain)
    pred = reg.predict(X, sample_domain=domain)
    assert pred.shape == (len(X), 2) and np.isfinite(pred).all()
    reg.fit(X, Y[:, 0], sample_domain=domain)
    assert reg.predict(X, sample_domain=domain).shape == (len(X),)


def test_clique_when_no_graph():
    X, y, domain, _ = _rotating()
    clf = GRDAClassifier(random_state=0, **FAST).fit(X, y, sample_domain=domain)
    np.testing.assert_array_equal(clf.domain_graph_, 1 - np.eye(4))


def test_sparse_graph_is_accepted():
    X, y, domain, chain = _rotating()
    a = GRDAClassifier(chain, random_state=0, **FAST).fit(X, y, sample_domain=domain)
    b = GRDAClassifier(sp.csr_matrix(chain), random_state=0, **FAST)
    b.fit(X, y, sample_domain=domain)
    np.testing.assert_array_equal(
        a.predict_proba(X, sample_domain=domain),
        b.predict_proba(X, sample_domain=domain),
    )


def test_domain_embedding_reconstructs_the_graph():
    *_, chain = _rotating(n_domains=8)
    clf = GRDAClassifier(chain, random_state=0, **FAST)
    X, y, domain, _ = _rotating(n_domains=8, n_per_domain=5)
    u = clf.fit(X, y, sample_domain=domain).domain_embedding_
    prob = 1 / (1 + np.exp(-(u @ u.T)))
    off = ~np.eye(8, dtype=bool)
    assert np.all((prob[off] > 0.5) == (chain[off] > 0))


def test_discriminator_learns_when_lambda_is_zero():
    """The released code's flaw (D never trains at λ = 1) must be impossible."""
    X, y, domain, chain = _rotating(n_domains=6, n_per_domain=40)
    X = X + 3 * domain[:, None]  # domains far apart: D can tell them
    for kind in ("graph", "categorical"):
        clf = GRDAClassifier(
            chain,
            discriminator=kind,
            lambda_adv=0.0,
            hidden_sizes=(16,),
            max_epochs=15,
            batch_size=48,
            lr=1e-2,
            random_state=0,
        ).fit(X, _semi(y, domain, (4, 5)), sample_domain=domain)
        losses = [h["discriminator_loss"] for h in clf.history_]
        assert losses[-1] < 0.7 * losses[0], (kind, losses)


def test_discriminator_gets_gradient_at_lambda_one():
    """With λ = 1 a shared backward scales D's gradient by 1 - λ = 0; ours does not."""
    X, y, domain, chain = _rotating()
    clf = GRDAClassifier(chain, lambda_adv=1.0, random_state=0, **FAST)
    clf.fit(X, _semi(y, domain), sample_domain=domain)
    state = clf.net_.optimizer_discriminator_.state
    for p in clf.net_.module_.discriminator.parameters():
        assert float(state[p]["exp_avg"].abs().sum()) > 0


def test_equal_random_state_gives_identical_fits():
    X, y, domain, chain = _rotating()
    fits = [
        GRDAClassifier(chain, random_state=s, **FAST)
        .fit(X, y, sample_domain=domain)
        .predict_proba(X, sample_domain=domain)
        for s in (1, 1, 2)
    ]
    np.testing.assert_array_equal(fits[0], fits[1])
    assert not np.array_equal(fits[0], fits[2])


# -- hypothesis properties -------------------------------------------------


def _simple_spectrum(graph):
    """Relabelling is exact only when the embedding's start is unique."""
    target = 3.0 * (2.0 * (graph > 0) - 1.0)
    np.fill_diagonal(target, 0.0)
    eig, vec = np.linalg.eigh(target)
    positive = np.sort(eig[eig > 1e-6])
    symmetric = [
        np.allclose(np.sort(v), np.sort(-v), atol=1e-6) for v in vec[:, eig > 1e-6].T
    ]
    return np.all(np.diff(positive) > 1e-3) and not any(symmetric)


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    n_domains=st.integers(3, 5),
    seed=st.integers(0, 1000),
    data=st.data(),
)
def test_relabelling_domains_with_the_graph_gives_the_same_fit(n_domains, seed, data):
    rng = np.random.RandomState(seed)
    upper = np.triu(rng.rand(n_domains, n_domains) < 0.5, 1).astype(float)
    graph = upper + upper.T
    if not _simple_spectrum(graph):
        return
    perm = np.array(data.draw(st.permutations(range(n_domains))))
    domain = np.repeat(np.arange(n_domains), 10)
    X = rng.normal(size=(len(domain), 2)) + domain[:, None]
    y = (X[:, 0] > domain).astype(int)
    y[domain == n_domains - 1] = -1
    params = dict(FAST, max_epochs=2, random_state=seed)
    a = GRDAClassifier(graph, **params).fit(X, y, sample_domain=domain)
    # New label of old domain k is perm[k]; the graph follows.
    relabelled = np.empty_like(graph)
    relabelled[np.ix_(perm, perm)] = graph
    b = GRDAClassifier(relabelled, **params).fit(X, y, sample_domain=perm[domain])
    np.testing.assert_allclose(
        b.domain_embedding_[perm], a.domain_embedding_, atol=1e-4
    )
    np.testing.assert_allclose(
        b.predict_proba(X, sample_domain=perm[domain]),
        a.predict_proba(X, sample_domain=domain),
        atol=1e-3,
    )


@pytest.fixture(scope="module")
def fitted_models():
    X, y, domain, chain = _rotating(n_domains=5)
    clf = GRDAClassifier(chain, random_state=0, **FAST).fit(
        X, _semi(y, domain, (4,)), sample_domain=domain
    )
    Y = X[:, 0] + domain
    Y = np.where(domain == 4, np.nan, Y)
    reg = GRDARegressor(chain, random_state=0, **FAST).fit(X, Y, sample_domain=domain)
    return clf, reg


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.floats(-5, 5, allow_nan=False),
            st.floats(-5, 5, allow_nan=False),
            st.integers(0, 4),
        ),
        min_size=1,
        max_size=30,
    ),
    which=st.integers(0, 4),
)
def test_a_domains_predictions_ignore_the_other_rows(fitted_models, rows, which):
    """Shapes, finiteness, and rows of one domain predicted alone or mixed."""
    X = np.array([r[:2] for r in rows])
    domain = np.array([r[2] for r in rows])
    for est in fitted_models:
        method = getattr(est, "predict_proba", est.predict)
        full = method(X, sample_domain=domain)
        assert full.shape[0] == len(X) and np.isfinite(full).all()
        mine = domain == which
        if mine.any():
            alone = method(X[mine], sample_domain=domain[mine])
            np.testing.assert_allclose(alone, full[mine], rtol=1e-12, atol=1e-12)


# -- metadata routing ------------------------------------------------------


def test_sample_domain_reaches_fit_predict_and_score_through_routing():
    X, y, domain, chain = _rotating()
    with config_context(enable_metadata_routing=True):
        clf = (
            GRDAClassifier(chain, random_state=0, **FAST)
            .set_fit_request(sample_domain=True)
            .set_predict_request(sample_domain=True)
            .set_score_request(sample_domain=True)
        )
        pipe = make_pipeline(StandardScaler(), clf)
        pipe.fit(X, y, sample_domain=domain)
        pred = pipe.predict(X, sample_domain=domain)
        assert pred.shape == y.shape
        with pytest.raises(ValueError, match="sample_domain is required"):
            pipe.predict(X)
        search = GridSearchCV(
            pipe,
            {"grdaclassifier__lambda_adv": [0.0, 1.0]},
            cv=KFold(2, shuffle=True, random_state=0),  # every domain in each fold
            error_score="raise",
        )
        search.fit(X, y, sample_domain=domain)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()
        # GridSearchCV.predict routes nothing; its best pipeline does.
        best = search.best_estimator_
        assert best.predict(X, sample_domain=domain).shape == y.shape


def test_plain_pipeline_step_params_without_routing():
    X, y, domain, chain = _rotating()
    pipe = make_pipeline(StandardScaler(), GRDAClassifier(chain, **FAST))
    pipe.fit(X, y, grdaclassifier__sample_domain=domain)
    assert pipe[-1].n_domains_ == 4


# -- bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    "graph, match",
    [
        (np.ones((4, 3)), "square"),
        (
            np.array([[0, 1, 0, 0], [0, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]]),
            "symmetric",
        ),
        (np.full((4, 4), np.nan), "NaN"),
        (-np.ones((4, 4)), r"\[0, 1\]"),
        (2 * np.ones((4, 4)), r"\[0, 1\]"),
        (np.full((4, 4), "a"), "numeric edge weights"),
    ],
    ids=["not-square", "not-symmetric", "nan", "negative", "above-one", "strings"],
)
@pytest.mark.parametrize("Estimator", [GRDAClassifier, GRDARegressor])
def test_bad_graph_is_a_clear_error(Estimator, graph, match):
    X, y, domain, _ = _rotating()
    with pytest.raises(ValueError, match=match):
        Estimator(graph, **FAST).fit(X, y, sample_domain=domain)


@pytest.mark.parametrize("Estimator", [GRDAClassifier, GRDARegressor])
def test_bad_domains_are_clear_errors(Estimator):
    X, y, domain, chain = _rotating()
    est = Estimator(chain, **FAST)
    with pytest.raises(ValueError, match=r"index the domain graph's rows, 0 \.\. 3"):
        est.fit(X, y, sample_domain=np.where(domain == 3, 7, domain))
    with pytest.raises(ValueError, match=r"Domain\(s\) \[3\] .* no rows"):
        est.fit(X, y, sample_domain=np.where(domain == 3, 2, domain))
    with pytest.raises(ValueError, match="sample_domain is required"):
        est.fit(X, y)
    with pytest.raises(ValueError, match="integer domain indices"):
        est.fit(X, y, sample_domain=domain + 0.5)
    with pytest.raises(ValueError, match="one entry per row"):
        est.fit(X, y, sample_domain=domain[:-1])
    est.fit(X, y, sample_domain=domain)
    with pytest.raises(ValueError, match=r"0 \.\. 3"):
        est.predict(X, sample_domain=np.full(len(X), 4))
    with pytest.raises(ValueError, match="sample_domain is required"):
        est.predict(X)


def test_no_labelled_rows_and_one_class_are_clear_errors():
    X, y, domain, chain = _rotating()
    with pytest.raises(ValueError, match="no labelled rows"):
        GRDAClassifier(chain, **FAST).fit(X, np.full(len(y), -1), sample_domain=domain)
    with pytest.raises(ValueError, match="no labelled rows"):
        GRDARegressor(chain, **FAST).fit(
            X, np.full(len(y), np.nan), sample_domain=domain
        )
    one = np.where(domain < 2, 1, -1)
    with pytest.raises(ValueError, match="at least two classes"):
        GRDAClassifier(chain, **FAST).fit(X, one, sample_domain=domain)


def test_bad_hidden_sizes_is_a_clear_error():
    X, y, domain, chain = _rotating()
    with pytest.raises(ValueError, match="hidden_sizes"):
        GRDAClassifier(chain, hidden_sizes=()).fit(X, y, sample_domain=domain)


# ------------------------------------------------------------------ the tour


def test_tour_step_shows_grda_ahead_of_source_only_on_tpt48(shared_data):
    from sklearn_iclr.domain_adaptation._tour import grda_step

    result = grda_step(fast=True)
    assert result.estimator == "GRDARegressor"
    grda, source_only = (
        float(part.split()[-1]) for part in result.headline.split(" (")[0].split(",")
    )
    assert grda < source_only


def test_tour_step_falls_back_to_generated_domains_without_downloading(
    tmp_path, monkeypatch
):
    from sklearn_iclr.domain_adaptation._tour import grda_step

    monkeypatch.setenv("SKLEARN_ICLR_DATA", str(tmp_path))
    result = grda_step(fast=True)
    assert "not on this machine" in result.did
    assert list(tmp_path.iterdir()) == []  # nothing fetched, nothing created


def test_monthly_windows_cut_every_series_in_order():
    from sklearn_iclr.domain_adaptation._tour import monthly_windows

    series = np.arange(2 * 14, dtype=float).reshape(2, 14)
    X, Y, row = monthly_windows(series, months=3)
    assert X.shape == Y.shape == (2 * 9, 3)
    np.testing.assert_array_equal(row, np.repeat([0, 1], 9))
    np.testing.assert_array_equal(X[10], series[1, 1:4])
    np.testing.assert_array_equal(Y[10], series[1, 4:7])
