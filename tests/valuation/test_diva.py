"""Tests of DIVAWeighter and its closed-form leave-one-out machinery."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.datasets import make_blobs
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_iclr.valuation import DIVAWeighter, find_label_issues
from sklearn_iclr.valuation._linear_loo import loo_state, retrain_loo_predictions


def _problem(seed, n, d, k=3):
    rng = np.random.RandomState(seed)
    Z = rng.randn(n, d)
    Y = np.eye(k)[rng.randint(0, k, n)]
    return rng, Z, Y


# -- closed form vs explicit retraining ---------------------------------------
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(3, 14),
    d=st.integers(1, 12),
    lam=st.floats(1e-2, 10.0),
    form=st.sampled_from(["primal", "dual"]),
)
def test_closed_form_loo_equals_retraining(seed, n, d, lam, form):
    rng, Z, Y = _problem(seed, n, d)
    weights = rng.uniform(0.0, 2.0, n)
    state = loo_state(Z, Y, weights, lam, form=form, loss="squared")
    expected = retrain_loo_predictions(Z, Y, weights, lam)
    np.testing.assert_allclose(state["loo_predictions"], expected, atol=1e-8, rtol=0)


def test_kernel_loo_equals_retraining():
    from sklearn.metrics.pairwise import rbf_kernel

    rng, X, Y = _problem(0, 10, 3)
    Q = rbf_kernel(X, gamma=0.5) + 1.0
    weights = rng.uniform(0.2, 1.5, 10)
    state = loo_state(None, Y, weights, 0.3, form="dual", loss="squared", gram=Q)
    for i in range(10):
        keep = np.arange(10) != i
        Dk = np.diag(weights[keep])
        # weighted kernel ridge: f(x) = k(x, X) c, c = (D Q + lam I)^{-1} D Y
        c = np.linalg.solve(Dk @ Q[np.ix_(keep, keep)] + 0.3 * np.eye(9), Dk @ Y[keep])
        np.testing.assert_allclose(
            state["loo_predictions"][i], Q[i, keep] @ c, atol=1e-8, rtol=0
        )


# -- the dataset derivative -----------------------------------------------------
def _finite_difference(Z, Y, weights, lam, form, loss, eps=1e-6, **kwargs):
    n = len(weights)
    grad = np.empty(n)
    for j in range(n):
        e = np.zeros(n)
        e[j] = eps
        plus = loo_state(Z, Y, weights + e, lam, form=form, loss=loss, **kwargs)
        minus = loo_state(Z, Y, weights - e, lam, form=form, loss=loss, **kwargs)
        grad[j] = (plus["loss"] - minus["loss"]) / (2 * eps)
    return grad


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(3, 10),
    d=st.integers(1, 8),
    form=st.sampled_from(["primal", "dual"]),
    loss=st.sampled_from(["cross_entropy", "squared"]),
)
def test_derivative_equals_finite_differences(seed, n, d, form, loss):
    rng, Z, Y = _problem(seed, n, d)
    weights = rng.uniform(0.1, 1.5, n)
    state = loo_state(Z, Y, weights, 0.7, form=form, loss=loss)
    fd = _finite_difference(Z, Y, weights, 0.7, form, loss)
    np.testing.assert_allclose(state["grad"], fd, rtol=1e-5, atol=1e-6)


def test_derivative_with_validation_mask_and_zero_weights():
    rng, Z, Y = _problem(1, 9, 4)
    weights = np.r_[rng.uniform(0.5, 1.5, 6), 0.0, 0.0, 0.0]
    mask = np.r_[np.ones(6, bool), np.zeros(3, bool)]
    state = loo_state(
        Z, Y, weights, 0.5, form="primal", loss="cross_entropy", val_mask=mask
    )
    # one-sided differences for the zero weights (alpha >= 0)
    eps = 1e-6
    base = state["loss"]
    for j in range(6, 9):
        e = np.zeros(9)
        e[j] = eps
        plus = loo_state(
            Z, Y, weights + e, 0.5, form="primal", loss="cross_entropy", val_mask=mask
        )["loss"]
        np.testing.assert_allclose(
            state["grad"][j], (plus - base) / eps, rtol=1e-4, atol=1e-6
        )


def test_derivative_matches_torch_autograd():
    from sklearn_iclr._torch import torch

    rng, Z, Y = _problem(3, 12, 5)
    weights = rng.uniform(0.2, 1.2, 12)
    state = loo_state(Z, Y, weights, 0.4, form="primal", loss="cross_entropy")
    Zt = torch.tensor(Z, dtype=torch.float64)
    Yt = torch.tensor(Y, dtype=torch.float64)
    a = torch.tensor(weights, dtype=torch.float64, requires_grad=True)
    A = Zt.T @ (a[:, None] * Zt) + 0.4 * torch.eye(5, dtype=torch.float64)
    F = Zt @ torch.linalg.solve(A, Zt.T @ (a[:, None] * Yt))
    h = a * torch.einsum("ij,ji->i", Zt, torch.linalg.solve(A, Zt.T))
    G = Yt + (F - Yt) / (1 - h)[:, None]
    L = -(Yt * torch.log_softmax(G, dim=1)).sum()
    L.backward()
    np.testing.assert_allclose(float(L.detach()), state["loss"], rtol=1e-10)
    np.testing.assert_allclose(a.grad.numpy(), state["grad"], rtol=1e-8, atol=1e-10)


def test_primal_and_dual_agree():
    X, y = make_blobs(60, n_features=5, centers=3, random_state=0)
    primal = DIVAWeighter(kernel="linear", solver="primal").fit(X, y)
    dual = DIVAWeighter(kernel="linear", solver="dual").fit(X, y)
    assert (primal.solver_, dual.solver_) == ("primal", "dual")
    np.testing.assert_allclose(
        primal.dataset_derivative_, dual.dataset_derivative_, rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(primal.sample_weight_, dual.sample_weight_, atol=1e-8)
    # auto picks the cheaper form
    assert DIVAWeighter(kernel="linear").fit(X[:4], y[:4]).solver_ == "dual"
    assert DIVAWeighter(kernel="linear").fit(X, y).solver_ == "primal"
    assert DIVAWeighter(kernel="rbf").fit(X, y).solver_ == "dual"


# -- the estimator ----------------------------------------------------------------
@given(
    seed=st.integers(0, 1000),
    max_weight=st.floats(1.0, 3.0),
    step_size=st.floats(0.0, 2.0),
    n_steps=st.integers(0, 6),
)
def test_weights_stay_in_bounds(seed, max_weight, step_size, n_steps):
    X, y = make_blobs(30, n_features=3, centers=2, random_state=seed)
    y[:5] = 1 - y[:5]
    weighter = DIVAWeighter(
        max_weight=max_weight, step_size=step_size, n_steps=n_steps
    ).fit(X, y)
    w = weighter.sample_weight_
    assert w.shape == (30,)
    assert np.all(w >= 0.0) and np.all(w <= max_weight)
    assert weighter.loo_loss_path_.shape == (n_steps + 1,)


def test_loss_decreases_along_steps():
    X, y = make_blobs(80, n_features=4, centers=3, random_state=0)
    y[:12] = (y[:12] + 1) % 3
    weighter = DIVAWeighter(n_steps=3, max_weight=2.0).fit(X, y)
    assert np.all(np.diff(weighter.loo_loss_path_) < 0)


def test_duplicated_rows_get_equal_values():
    X, y = make_blobs(40, n_features=3, centers=3, random_state=2)
    X = np.r_[X, X[:5]]
    y = np.r_[y, y[:5]]
    weighter = DIVAWeighter().fit(X, y)
    d = weighter.dataset_derivative_
    np.testing.assert_allclose(d[:5], d[40:], rtol=1e-9, atol=1e-12)
    w = weighter.sample_weight_
    np.testing.assert_allclose(w[:5], w[40:])


@pytest.mark.parametrize("kernel", ["linear", "rbf"])
def test_flipped_label_worth_less_than_clean_twin(kernel):
    X, y = make_blobs(
        60, n_features=2, centers=[[-3, -3], [3, 3]], cluster_std=0.7, random_state=0
    )
    X = np.r_[X, X[:1]]
    y = np.r_[y, 1 - y[:1]]  # the twin of row 0 with the wrong label
    weighter = DIVAWeighter(kernel=kernel).fit(X, y)
    values = weighter.score_samples(X, y)
    assert values[-1] < values[0]
    assert weighter.sample_weight_[-1] < weighter.sample_weight_[0]


def test_detects_flipped_labels():
    from sklearn.metrics import roc_auc_score

    X, y = make_blobs(300, n_features=10, centers=4, cluster_std=2.0, random_state=0)
    rng = np.random.RandomState(0)
    flipped = rng.rand(300) < 0.2
    y_noisy = y.copy()
    y_noisy[flipped] = (y[flipped] + rng.randint(1, 4, flipped.sum())) % 4
    values = DIVAWeighter().fit(X, y_noisy).score_samples(X, y_noisy)
    assert roc_auc_score(flipped, -values) > 0.9


def test_score_samples_training_rows_and_invariances():
    X, y = make_blobs(40, n_features=3, centers=3, random_state=1)
    weighter = DIVAWeighter().fit(X, y)
    values = weighter.score_samples(X)
    np.testing.assert_array_equal(values, -weighter.dataset_derivative_)
    np.testing.assert_array_equal(weighter.score_samples(X, y), values)
    perm = np.random.RandomState(0).permutation(40)
    np.testing.assert_array_equal(weighter.score_samples(X[perm]), values[perm])
    np.testing.assert_array_equal(weighter.score_samples(X[:7], y[:7]), values[:7])


def _extension_reference(weighter, X, y, X_new, y_new):
    """-dL/da of new rows by re-solving the extended system (finite difference)."""
    Zb = np.r_[weighter._base_features(X), weighter._base_features(X_new)]
    n, m = len(y), len(y_new)
    Y = np.eye(3)[np.r_[y, y_new]]
    if weighter._linear_form:
        Z, gram = weighter._map(Zb), None
    else:
        Z, gram = None, weighter._gram(Zb)
    mask = np.r_[np.ones(n, bool), np.zeros(m, bool)]
    base = np.r_[np.ones(n), np.zeros(m)]

    def loss(w):
        return loo_state(
            Z,
            Y,
            w,
            weighter.alpha_,
            form=weighter.solver_,
            loss="cross_entropy",
            val_mask=mask,
            gram=gram,
        )["loss"]

    L0, eps, out = loss(base), 1e-6, []
    for j in range(m):
        w = base.copy()
        w[n + j] = eps
        out.append(-(loss(w) - L0) / eps)
    return np.array(out)


@pytest.mark.parametrize(
    "params",
    [
        {"kernel": "linear", "featurizer": None, "alpha": 1.0},  # primal
        {"kernel": "linear", "solver": "dual"},
        {},  # exact rbf, dual
        {"n_components": 20},  # Nystroem (above the exact-kernel size)
    ],
)
def test_score_samples_new_rows_are_candidate_additions(params, monkeypatch):
    from sklearn_iclr.valuation import _diva

    if "n_components" in params:
        monkeypatch.setattr(_diva, "_EXACT_KERNEL_MAX_SAMPLES", 30)
    X, y = make_blobs(50, n_features=3, centers=3, random_state=1)
    X_new, y_new = make_blobs(6, n_features=3, centers=3, random_state=5)
    y_new[0] = (y_new[0] + 1) % 3
    weighter = DIVAWeighter(random_state=0, **params).fit(X, y)
    assert (weighter.kernel_approximation_ is not None) == ("n_components" in params)
    with pytest.raises(ValueError, match="not training rows"):
        weighter.score_samples(X_new)
    values = weighter.score_samples(X_new, y_new)
    # the reused factorisation equals finite differences of the re-solved system
    expected = _extension_reference(weighter, X, y, X_new, y_new)
    np.testing.assert_allclose(values, expected, rtol=1e-4, atol=1e-7)
    # mixing training rows and new rows
    mixed = weighter.score_samples(np.r_[X[:2], X_new[:1]], np.r_[y[:2], y_new[:1]])
    np.testing.assert_allclose(
        mixed, np.r_[-weighter.dataset_derivative_[:2], values[:1]]
    )
    with pytest.raises(ValueError, match="not seen during fit"):
        weighter.score_samples(X_new[:1], [7])


def test_score_samples_new_rows_do_not_refactorise(monkeypatch):
    from sklearn_iclr.valuation import _linear_loo

    X, y = make_blobs(60, n_features=3, centers=3, random_state=1)
    weighter = DIVAWeighter().fit(X, y)
    calls = []
    monkeypatch.setattr(_linear_loo, "_factor", lambda m: calls.append(m.shape) or None)
    weighter.score_samples(X[:5] + 0.5, y[:5])
    assert calls == []


def test_regression_task():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 4)
    y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.randn(80)
    y[:4] += 8.0  # corrupted targets
    weighter = DIVAWeighter(kernel="linear").fit(X, y)
    assert weighter.task_ == "regression" and weighter.loss_ == "squared"
    assert set(np.argsort(weighter.score_samples(X, y))[:4]) == {0, 1, 2, 3}
    assert weighter.loo_predictions_.shape == (80, 1)


def test_featurizer_is_fitted_inside_or_used_frozen():
    X, y = make_blobs(40, n_features=3, centers=2, random_state=0)
    X = X * [1.0, 100.0, 0.01]
    scaler = StandardScaler()
    weighter = DIVAWeighter(featurizer=scaler).fit(X, y)
    assert not hasattr(scaler, "mean_")  # cloned, not fitted in place
    np.testing.assert_allclose(weighter.featurizer_.mean_, X.mean(axis=0))
    frozen = FrozenEstimator(StandardScaler().fit(X[:10]))
    weighter = DIVAWeighter(featurizer=frozen).fit(X, y)
    np.testing.assert_allclose(weighter.featurizer_.mean_, X[:10].mean(axis=0))


def test_weighter_as_pipeline_step_says_how_to_use_the_weights():
    from sklearn.linear_model import LogisticRegression

    X, y = make_blobs(40, n_features=3, centers=2, random_state=0)
    pipe = make_pipeline(StandardScaler(), DIVAWeighter(), LogisticRegression())
    with pytest.raises(TypeError, match="DIVAReweightedClassifier"):
        pipe.fit(X, y)


def test_verbose_output(capsys):
    X, y = make_blobs(30, n_features=2, centers=2, random_state=0)
    DIVAWeighter(verbose=1, n_steps=2).fit(X, y)
    out = capsys.readouterr().out
    assert "step 0" in out and "step 2" in out


# -- bad input --------------------------------------------------------------------
def test_bad_input_errors():
    X, y = make_blobs(20, n_features=2, centers=2, random_state=0)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        DIVAWeighter().fit(X_nan, y)
    with pytest.raises(ValueError, match="1 sample"):
        DIVAWeighter().fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="1 class"):
        DIVAWeighter().fit(X, np.zeros(20, int))
    with pytest.raises(ValueError, match="alpha"):
        DIVAWeighter(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="max_weight"):
        DIVAWeighter(max_weight=0.5).fit(X, y)
    with pytest.raises(ValueError, match="1d array"):
        DIVAWeighter().fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="Classification needs class labels"):
        DIVAWeighter(task="classification").fit(X, np.linspace(0, 1, 20))
    weighter = DIVAWeighter().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        weighter.score_samples(X[:, :1], y)
    with pytest.raises(ValueError, match="rows but y has"):
        weighter.score_samples(X, y[:3])


# -- find_label_issues ----------------------------------------------------------
def test_find_label_issues_threshold_and_top_k():
    X, y = make_blobs(120, n_features=4, centers=3, cluster_std=1.0, random_state=0)
    y_noisy = y.copy()
    y_noisy[:6] = (y[:6] + 1) % 3
    top, values = find_label_issues(X, y_noisy, n_issues=6, return_values=True)
    assert len(top) == 6 and set(top) == set(range(6))
    assert np.all(np.diff(values[top]) >= 0)
    below = find_label_issues(X, y_noisy)
    assert np.all(values[below] < 0) and set(range(6)) <= set(below)
    assert len(find_label_issues(X, y_noisy, threshold=-np.inf)) == 0
    both = find_label_issues(X, y_noisy, threshold=0.0, n_issues=2)
    np.testing.assert_array_equal(both, top[:2])


# -- issue 30: nothing silent ---------------------------------------------------
def test_kernel_params_with_linear_kernel_is_an_error():
    X, y = make_blobs(30, n_features=2, centers=2, random_state=0)
    with pytest.raises(ValueError, match="kernel_params.*no effect"):
        DIVAWeighter(kernel="linear", kernel_params={"gamma": 2.0}).fit(X, y)


def test_overflowing_features_and_tiny_alpha_raise():
    X, y = make_blobs(30, n_features=2, centers=2, random_state=0)
    with pytest.raises(ValueError, match="too large"):
        DIVAWeighter().fit(X * 1e200, y)
    with pytest.raises(ValueError, match="too large"):
        DIVAWeighter(featurizer=None, kernel="linear").fit(X * 1e200, y)
    with pytest.raises(FloatingPointError, match="alpha"):
        DIVAWeighter(kernel="linear", solver="dual", alpha=1e-300).fit(
            np.c_[X, X, X], y
        )


def test_default_rbf_gamma_is_the_median_heuristic():
    from sklearn.metrics import pairwise_distances

    X, y = make_blobs(40, n_features=3, centers=2, random_state=0)
    weighter = DIVAWeighter().fit(X, y)
    assert weighter.featurizer_ is None  # one scale: X is used as it is
    D = pairwise_distances(X, squared=True)[np.triu_indices(40, k=1)]
    assert weighter.gamma_ == pytest.approx(1.0 / np.median(D))
    fixed = DIVAWeighter(kernel_params={"gamma": 0.3}).fit(X, y)
    assert fixed.gamma_ is None


def test_large_n_uses_a_low_rank_kernel_and_exact_dual_is_bounded(monkeypatch):
    from sklearn_iclr.valuation import _diva_features

    X, y = make_blobs(3000, n_features=4, centers=3, random_state=0)
    weighter = DIVAWeighter(n_components=50, n_steps=0, random_state=0).fit(X, y)
    assert weighter.kernel_approximation_.n_components == 50
    assert weighter.solver_ == "primal"
    monkeypatch.setattr(_diva_features, "DUAL_MEMORY_BUDGET", 2**20)
    with pytest.raises(MemoryError, match="n_components"):
        DIVAWeighter(n_components=None).fit(X[:1000], y[:1000])


def test_user_featurizer_sees_the_raw_X():
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"colour": rng.choice(["red", "blue"], 40), "size": rng.randn(40)})
    y = (X["colour"] == "red").astype(int).to_numpy()
    featurizer = make_column_transformer(
        (OneHotEncoder(), ["colour"]), remainder="passthrough"
    )
    weighter = DIVAWeighter(featurizer=featurizer).fit(X, y)
    assert weighter.score_samples(X, y).shape == (40,)
    assert list(weighter.feature_names_in_) == ["colour", "size"]


def test_auto_featurizer_standardises_columns_in_different_units():
    import scipy.sparse as sp
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    weighter = DIVAWeighter(n_steps=0).fit(X[:200], y[:200])
    assert isinstance(weighter.featurizer_, StandardScaler)
    X, y = make_blobs(60, n_features=4, centers=2, random_state=0)
    assert DIVAWeighter(n_steps=0).fit(X, y).featurizer_ is None
    mixed = sp.csr_matrix(X * [1.0, 1.0, 1.0, 1000.0])
    assert isinstance(DIVAWeighter(n_steps=0).fit(mixed, y).featurizer_, StandardScaler)
