"""ShapleyTrajectoryExplainer: axioms on random games, planted models, errors."""

from itertools import combinations
from math import factorial

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from sklearn_iclr.datasets import make_pedestrian_scenes
from sklearn_iclr.explain import (
    ConstantVelocityPredictor,
    ShapleyTrajectoryExplainer,
    SocialAttentionPredictor,
)

T_OBS, T_PRED = 3, 2


class TableGame:
    """A model whose prediction is an arbitrary table of the present players.

    Player 0 (the past) is present when the target moves; player j >= 1 when
    agent j is not NaN. ``predict`` writes ``table[coalition code]`` into the
    output, which the ``first_value`` metric reads back as the value.
    """

    def __init__(self, table):
        self.table = np.asarray(table, dtype=float)

    def predict(self, X):
        moving = np.ptp(X[:, 0], axis=1).max(axis=1) > 0
        present = np.isfinite(X).all(axis=(2, 3))
        present[:, 0] = moving
        code = (present * (1 << np.arange(X.shape[1]))).sum(axis=1)
        return np.repeat(self.table[code][:, None, None], T_PRED, axis=1).repeat(2, 2)


def first_value(y_true, y_pred):
    return y_pred[:, 0, 0]


def _scene(n_players, n_samples=1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_players, T_OBS, 2))
    X[:, :, -1] += 0.5  # the target moves
    return X, np.zeros((n_samples, T_PRED, 2))


def _brute_shapley(table, p):
    phi = np.zeros(p)
    for i in range(p):
        others = [j for j in range(p) if j != i]
        for size in range(p):
            w = factorial(size) * factorial(p - size - 1) / factorial(p)
            for S in combinations(others, size):
                code = sum(1 << j for j in S)
                phi[i] += w * (table[code | (1 << i)] - table[code])
    return phi


def _brute_banzhaf(table, p):
    phi = np.zeros(p)
    for i in range(p):
        for code in range(2**p):
            if not code >> i & 1:
                phi[i] += table[code | (1 << i)] - table[code]
    return phi / 2 ** (p - 1)


def _explain(table, p, **kwargs):
    X, y = _scene(p)
    explainer = ShapleyTrajectoryExplainer(
        TableGame(table), metric=first_value, **kwargs
    ).fit(X)
    return explainer.explain(X, y)


games = st.integers(2, 5).flatmap(
    lambda p: st.tuples(
        st.just(p),
        st.lists(st.floats(-10, 10), min_size=2**p, max_size=2**p),
    )
)


@given(games)
def test_exact_matches_brute_force_and_is_efficient(game):
    p, table = game
    res = _explain(table, p)
    np.testing.assert_allclose(res.attributions[0], _brute_shapley(table, p), atol=1e-9)
    total = res.full_value[0] - res.baseline_value[0]
    assert abs(res.attributions[0].sum() - total) <= 1e-8
    assert res.full_value[0] == table[-1] and res.baseline_value[0] == table[0]


@given(games)
def test_banzhaf_matches_brute_force(game):
    p, table = game
    res = _explain(table, p, method="banzhaf")
    np.testing.assert_allclose(res.attributions[0], _brute_banzhaf(table, p), atol=1e-9)


@given(games, st.data())
def test_symmetric_players_get_equal_values(game, data):
    p, table = game
    i, j = data.draw(st.permutations(range(p)))[:2]
    table = np.asarray(table)
    codes = np.arange(2**p)
    bi, bj = codes >> i & 1, codes >> j & 1
    swapped = codes ^ ((bi ^ bj) << i) ^ ((bi ^ bj) << j)
    symmetric = (table + table[swapped]) / 2  # v(S) = v(S with i, j swapped)
    for method in ("exact", "banzhaf"):
        phi = _explain(symmetric, p, method=method).attributions[0]
        assert abs(phi[i] - phi[j]) <= 1e-9


@given(games, st.data())
def test_dummy_player_gets_zero(game, data):
    p, table = game
    d = data.draw(st.integers(0, p - 1))
    table = np.asarray(table)
    codes = np.arange(2**p)
    dummy = table[codes & ~(1 << d)]  # v(S) ignores player d
    for method in ("exact", "banzhaf", "permutation", "banzhaf_sampling"):
        phi = _explain(
            dummy, p, method=method, n_permutations=6, random_state=0
        ).attributions[0]
        assert abs(phi[d]) <= 1e-12


@given(games)
def test_permutation_sampling_is_efficient_and_converges(game):
    p, table = game
    exact = _explain(table, p).attributions[0]
    errors = []
    for n in (4, 400):
        res = _explain(table, p, method="permutation", n_permutations=n, random_state=1)
        phi = res.attributions[0]
        # every permutation telescopes: efficiency holds exactly
        assert abs(phi.sum() - (res.full_value[0] - res.baseline_value[0])) < 1e-8
        errors.append(np.abs(phi - exact).max())
    spread = np.ptp(table) + 1e-12
    assert errors[1] <= 0.2 * spread
    # the antithetic estimator is exact for 2 players
    if p == 2:
        assert errors[0] < 1e-9


def test_banzhaf_sampling_converges():
    rng = np.random.RandomState(0)
    table = rng.normal(size=16)
    exact = _explain(table, 4, method="banzhaf").attributions[0]
    errors = [
        np.abs(
            _explain(
                table, 4, method="banzhaf_sampling", n_permutations=n, random_state=0
            ).attributions[0]
            - exact
        ).max()
        for n in (20, 4000)
    ]
    assert errors[1] < errors[0] and errors[1] < 0.1


@pytest.fixture(scope="module")
def scenes():
    return make_pedestrian_scenes(
        n_samples=60, n_agents=4, p_absent=0.2, random_state=0
    )


def test_constant_velocity_neighbours_are_dummies(scenes):
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    for removal in ("zero", "random"):
        ex = ShapleyTrajectoryExplainer(
            model, removal=removal, include_random_agent=True, random_state=0
        ).fit(X)
        res = ex.explain(X, y)
        assert res.attributions.shape == (60, 5)
        np.testing.assert_array_equal(res.attributions[:, 1:], 0.0)
        assert res.random_agent_score == 0.0
        assert res.social_interaction_score == 0.0
        np.testing.assert_allclose(
            res.attributions.sum(1), res.full_value - res.baseline_value, atol=1e-8
        )
        assert res.player_names == [
            "past",
            "neighbour_1",
            "neighbour_2",
            "neighbour_3",
            "random_agent",
        ]


class CopyNeighbour:
    """A planted model: the target walks where neighbour ``k`` walked."""

    t_obs_ = 8

    def __init__(self, k):
        self.k = k

    def predict(self, X):
        lead = X[:, self.k]
        last = X[:, 0, -1]
        follow = np.concatenate(
            [
                lead,
                lead[:, -1:]
                + np.cumsum(
                    np.repeat(lead[:, -1:] - lead[:, -2:-1], 4, axis=1), axis=1
                ),
            ],
            axis=1,
        )
        stay = np.repeat(last[:, None], 12, axis=1)
        absent = ~np.isfinite(lead).all(axis=(1, 2))
        follow[absent] = stay[absent]
        return follow


def test_planted_copied_neighbour_gets_largest_value():
    scenes = make_pedestrian_scenes(n_samples=200, n_agents=4, random_state=3)
    keep = scenes.leader_index == 2
    X, y = scenes.data[keep], scenes.target[keep]
    for method in ("exact", "permutation", "banzhaf"):
        ex = ShapleyTrajectoryExplainer(
            CopyNeighbour(2), method=method, n_permutations=20, random_state=0
        ).fit(X)
        phi = ex.transform(X, y)
        assert (phi.argmax(axis=1) == 2).all()
        np.testing.assert_array_equal(phi[:, [0, 1, 3]], 0.0)


def test_fast_path_equals_generic_path(scenes):
    X, y = scenes.data, scenes.target
    model = SocialAttentionPredictor(hidden_size=8, max_epochs=2, random_state=0).fit(
        X, y
    )

    class BlackBox:
        def predict(self, X):
            return model.predict(X)

    for removal in ("zero", "random"):
        kw = dict(removal=removal, include_random_agent=True, n_draws=2, random_state=0)
        fast = ShapleyTrajectoryExplainer(model, **kw).fit(X).transform(X, y)
        slow = ShapleyTrajectoryExplainer(BlackBox(), **kw).fit(X).transform(X, y)
        np.testing.assert_allclose(fast, slow, atol=1e-5)


def test_output_metric_and_fde(scenes):
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    ex = ShapleyTrajectoryExplainer(model, metric="output").fit(X)
    res = ex.explain(X)
    assert res.attributions.shape == (60, 4, 12, 2)
    np.testing.assert_allclose(
        res.attributions.sum(1), res.full_value - res.baseline_value, atol=1e-8
    )
    assert ex.transform(X).shape == (60, 4)
    fde = ShapleyTrajectoryExplainer(model, metric="fde").fit(X).explain(X, y)
    assert fde.attributions.shape == (60, 4)


def test_random_removal_is_repeatable_and_batching_invariant(scenes):
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    kw = dict(removal="random", method="permutation", n_permutations=4, random_state=0)
    a = ShapleyTrajectoryExplainer(model, **kw).fit(X).transform(X, y)
    b = ShapleyTrajectoryExplainer(model, **kw).fit(X).transform(X, y)
    np.testing.assert_array_equal(a, b)
    exact = ShapleyTrajectoryExplainer(model, removal="random", random_state=0)
    c = exact.fit(X).transform(X, y)
    d = exact.set_params(batch_size=7).transform(X, y)
    np.testing.assert_allclose(c, d, atol=1e-12)


def test_social_score_is_mean_of_max_neighbour(scenes):
    X, y = scenes.data, scenes.target
    res = ShapleyTrajectoryExplainer(CopyNeighbour(1)).fit(X).explain(X, y)
    neigh = np.where(res.present[:, 1:], res.attributions[:, 1:], -np.inf)
    has = res.present[:, 1:].any(1)
    assert res.social_interaction_score == pytest.approx(neigh.max(1)[has].mean())
    assert res.past_score == pytest.approx(res.attributions[:, 0].mean())
    assert np.isnan(res.random_agent_score)


def test_feature_names_and_fit_transform(scenes):
    X, y = scenes.data, scenes.target
    ex = ShapleyTrajectoryExplainer(
        ConstantVelocityPredictor().fit(X, y), include_random_agent=True
    )
    values = ex.fit_transform(X, y)
    assert values.shape == (60, 5)
    assert list(ex.get_feature_names_out())[-1] == "random_agent"


def test_bad_inputs_raise_clear_errors(scenes):
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    ex = ShapleyTrajectoryExplainer(model).fit(X)
    with pytest.raises(ValueError, match="4-D array"):
        ex.transform(X[:, 0], y)
    with pytest.raises(ValueError, match="4-D array"):
        ShapleyTrajectoryExplainer(model).fit(X.reshape(60, -1))
    with pytest.raises(ValueError, match="t_obs=5"):
        ShapleyTrajectoryExplainer(model).fit(X[:, :, :5])
    with pytest.raises(ValueError, match="t_obs"):
        ex.transform(X[:, :, :5], y)
    bad = X.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="target .agent 0. .* all-NaN"):
        ex.transform(bad, y)
    with pytest.raises(ValueError, match="pass y"):
        ex.transform(X)
    with pytest.raises(ValueError, match="t_pred"):
        ex.transform(X, y[:, :5])
    with pytest.raises(ValueError, match="numbers of samples"):
        ex.transform(X, y[:5])
    with pytest.raises(NotFittedError):
        ShapleyTrajectoryExplainer(ConstantVelocityPredictor()).fit(X)
    with pytest.raises(NotFittedError):
        ShapleyTrajectoryExplainer(model).transform(X, y)


def test_too_many_players_for_exact():
    X, y = _scene(21)
    ex = ShapleyTrajectoryExplainer(TableGame(np.zeros(2)), metric=first_value)
    with pytest.raises(ValueError, match="permutation"):
        ex.fit(X).transform(X, y)


def test_verbose_shows_progress(scenes, capsys):
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    ShapleyTrajectoryExplainer(model).fit(X).transform(X, y)
    assert capsys.readouterr().err == ""
    ShapleyTrajectoryExplainer(model, verbose=1, batch_size=10).fit(X).transform(X, y)
    assert "explaining" in capsys.readouterr().err


def test_scenes_with_other_agent_slots_than_fit_raise(scenes):
    X, y = scenes.data, scenes.target  # 4 agent slots
    ex = ShapleyTrajectoryExplainer(ConstantVelocityPredictor().fit(X, y)).fit(X)
    six = np.concatenate([X, np.full_like(X[:, :2], np.nan)], axis=1)
    with pytest.raises(ValueError, match="6 agent slots .* fitted on scenes with 4"):
        ex.transform(six, y)
    with pytest.raises(ValueError, match="3 agent slots"):
        ex.explain(X[:, :3], y)


@pytest.mark.parametrize(
    "metric, match",
    [
        (lambda y_true, y_pred: np.zeros((len(y_true), 2)), r"shape \(\d+, 2\)"),
        (lambda y_true, y_pred: np.zeros(3), r"shape \(3,\)"),
        (lambda y_true, y_pred: np.full(len(y_true), np.nan), "NaN"),
    ],
)
def test_metric_with_wrong_output_raises(scenes, metric, match):
    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    ex = ShapleyTrajectoryExplainer(model, metric=metric).fit(X)
    with pytest.raises(ValueError, match=match):
        ex.transform(X, y)


class _Broken:
    def __init__(self, model, output):
        self.model, self.output = model, output

    def predict(self, X):
        pred = self.model.predict(X)
        if self.output == "nan":
            pred[::2] = np.nan
            return pred
        return pred[:, :, :1]


@pytest.mark.parametrize("output, match", [("nan", "NaN"), ("1-d", "last axis")])
def test_model_with_bad_predictions_raises(scenes, output, match):
    X, y = scenes.data, scenes.target
    model = _Broken(ConstantVelocityPredictor().fit(X, y), output)
    with pytest.raises(ValueError, match=match):
        ShapleyTrajectoryExplainer(model).fit(X).transform(X, y)


def test_cloned_explainer_needs_a_frozen_model(scenes):
    from sklearn.base import clone
    from sklearn.frozen import FrozenEstimator

    X, y = scenes.data, scenes.target
    model = ConstantVelocityPredictor().fit(X, y)
    ex = ShapleyTrajectoryExplainer(model, include_random_agent=True, random_state=0)
    expected = ex.fit(X).transform(X, y)
    with pytest.raises(NotFittedError, match="FrozenEstimator"):
        clone(ex).fit(X)
    frozen = clone(ex.set_params(model=FrozenEstimator(model)))
    np.testing.assert_array_equal(frozen.fit(X).transform(X, y), expected)
