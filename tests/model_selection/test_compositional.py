"""CompositionalSplit, grid_r2_score and level_response."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import (
    GridSearchCV,
    cross_val_score,
    cross_validate,
    learning_curve,
)

from sklearn_iclr.datasets import make_sprites
from sklearn_iclr.model_selection import (
    CompositionalSplit,
    grid_r2_score,
    grid_r2_scorer,
    level_response,
    plot_level_response,
)

MODES = ("random", "composition", "interpolation", "extrapolation")


def _grid(sizes):
    axes = np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij")
    return np.stack(axes, -1).reshape(-1, len(sizes))


def _split(mode, table, **params):
    cv = CompositionalSplit(mode, **params)
    (train, test), *rest = list(cv.split(table, groups=table))
    assert not rest
    return cv, train, test


grids = st.lists(st.integers(3, 7), min_size=2, max_size=4)


@settings(max_examples=40, deadline=None)
@given(sizes=grids, mode=st.sampled_from(MODES), test_size=st.floats(0.3, 0.8))
def test_train_and_test_partition_the_samples(sizes, mode, test_size):
    factors = _grid(sizes)
    cv, train, test = _split(mode, factors, test_size=test_size, random_state=0)
    assert len(np.intersect1d(train, test)) == 0
    assert np.array_equal(
        np.sort(np.concatenate([train, test])), np.arange(len(factors))
    )
    assert cv.test_fraction_ == pytest.approx(len(test) / len(factors))


@settings(max_examples=40, deadline=None)
@given(sizes=grids, test_size=st.floats(0.3, 0.8))
def test_composition_keeps_every_level_in_training(sizes, test_size):
    factors = _grid(sizes)
    _, train, test = _split("composition", factors, test_size=test_size)
    for j, size in enumerate(sizes):
        assert set(factors[train, j]) == set(range(size))
    # the test set is the joint upper block: no test combination is in train
    train_cells = {tuple(row) for row in factors[train]}
    assert not any(tuple(row) in train_cells for row in factors[test])
    upper = np.all(
        [factors[:, j] >= factors[test, j].min() for j in range(len(sizes))], axis=0
    )
    assert np.array_equal(np.flatnonzero(upper), np.sort(test))


@settings(max_examples=40, deadline=None)
@given(sizes=grids, mode=st.sampled_from(["interpolation", "extrapolation"]))
def test_held_out_levels_are_absent_from_training(sizes, mode):
    factors = _grid(sizes)
    cv, train, test = _split(mode, factors)
    assert cv.held_out_levels_
    for j, held in cv.held_out_levels_.items():
        assert len(held)
        assert not np.isin(factors[train, j], held).any()
        if mode == "interpolation":  # interior: inside the training range
            assert held.min() > factors[train, j].min()
            assert held.max() < factors[train, j].max()
        else:  # extrapolation: above it
            assert held.min() > factors[train, j].max()
    # a test sample has at least one held-out level
    in_held = np.zeros(len(factors), bool)
    for j, held in cv.held_out_levels_.items():
        in_held |= np.isin(factors[:, j], held)
    assert np.array_equal(np.flatnonzero(in_held), np.sort(test))


@pytest.mark.parametrize("mode", MODES)
def test_test_fraction_is_near_the_target(mode):
    factors = _grid([8, 8, 8])
    for target in (0.5, 0.7):
        cv, _, test = _split(mode, factors, test_size=target, random_state=0)
        assert abs(cv.test_fraction_ - target) < 0.08


def test_random_split_is_seeded_and_keeps_cells_together():
    factors = np.repeat(_grid([4, 5]), 3, axis=0)  # three samples per cell
    _, train0, test0 = _split("random", factors, random_state=1)
    _, train1, test1 = _split("random", factors, random_state=1)
    _, _, test2 = _split("random", factors, random_state=2)
    assert np.array_equal(test0, test1) and np.array_equal(train0, train1)
    assert not np.array_equal(test0, test2)
    test_cells = {tuple(r) for r in factors[test0]}
    assert not test_cells & {tuple(r) for r in factors[train0]}


def test_structured_modes_are_deterministic():
    factors = _grid([5, 6, 4])
    for mode in MODES[1:]:
        _, _, a = _split(mode, factors, random_state=0)
        _, _, b = _split(mode, factors, random_state=1)
        assert np.array_equal(a, b)


def test_factors_parameter_restricts_the_split():
    factors = _grid([5, 5, 3])
    _, train, _ = _split("extrapolation", factors, factors=[0])
    assert set(factors[train, 1]) == set(range(5))
    assert set(factors[train, 2]) == set(range(3))
    assert factors[train, 0].max() < 4


def test_plain_tabular_levels_are_ranked():
    rng = np.random.RandomState(0)
    factors = np.column_stack([rng.choice([10, 20, 40], 200), rng.choice([3, 7], 200)])
    _, train, test = _split("composition", factors)
    assert len(train) and len(test)


@pytest.mark.parametrize(
    "factors, params, match",
    [
        (np.array([[0.5, 1], [1, 2]]), {}, "integer levels"),
        (np.array([[-1, 1], [1, 2]]), {}, "non-negative"),
        (np.array([[np.nan, 1], [1, 2]]), {}, "NaN"),
        (np.array([["a", "b"], ["c", "d"]]), {}, "integer levels"),
        (_grid([1, 4]), {"mode": "extrapolation", "factors": [0]}, "at least 2 levels"),
        (_grid([1, 1]), {"mode": "extrapolation"}, "at least 1 factor"),
        (_grid([2, 5]), {"mode": "composition", "factors": [1]}, "at least 2 factor"),
        (_grid([2, 2]), {"mode": "interpolation"}, "3 or more levels"),
        (_grid([3, 3]), {"mode": "nope"}, "mode must be"),
        (_grid([3, 3]), {"test_size": 1.5}, r"test_size must be in \(0, 1\)"),
        (_grid([3, 3]), {"factors": [5]}, "column indices"),
    ],
)
def test_bad_input_raises_clear_errors(factors, params, match):
    cv = CompositionalSplit(**params)
    with pytest.raises(ValueError, match=match):
        next(cv.split(factors, groups=factors))


def test_missing_groups_and_empty_sides_are_clear():
    factors = _grid([3, 3])
    with pytest.raises(ValueError, match="pass it as groups"):
        next(CompositionalSplit().split(factors))
    with pytest.raises(ValueError, match="2 distinct cells"):
        next(CompositionalSplit("random").split(np.zeros((1, 1)), groups=[[0]]))


@pytest.fixture(scope="module")
def sprites():
    return make_sprites(n_orientations=2, n_positions=4)


def test_works_in_cross_validate_gridsearch_and_learning_curve(sprites):
    X, y, factors = sprites.data, sprites.target, sprites.factors
    scorer = grid_r2_scorer(sprites.factor_sizes)
    cv = CompositionalSplit("interpolation")
    result = cross_validate(Ridge(), X, y, groups=factors, cv=cv, scoring=scorer)
    assert result["test_score"].shape == (1,)
    search = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0]}, cv=cv, scoring=scorer)
    search.fit(X, y, groups=factors)
    assert search.best_params_["alpha"] in (0.1, 10.0)
    sizes, train_scores, test_scores = learning_curve(
        Ridge(), X, y, groups=factors, cv=cv, scoring=scorer, train_sizes=[0.5, 1.0]
    )
    assert test_scores.shape == (2, 1)


def test_groups_reach_the_split_by_metadata_routing(sprites):
    import sklearn

    X, y, factors = sprites.data, sprites.target, sprites.factors
    cv = CompositionalSplit("extrapolation")
    expected = cross_val_score(Ridge(), X, y, groups=factors, cv=cv)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = cross_val_score(Ridge(), X, y, cv=cv, params={"groups": factors})
    np.testing.assert_allclose(routed, expected)


def test_grid_r2_equals_r2_score_on_the_full_grid(sprites):
    rng = np.random.RandomState(0)
    y = sprites.target
    pred = y + rng.normal(scale=0.1, size=y.shape)
    ours = grid_r2_score(
        y, pred, factor_sizes=sprites.factor_sizes, multioutput="raw_values"
    )
    np.testing.assert_allclose(ours, r2_score(y, pred, multioutput="raw_values"))


def test_grid_r2_uses_the_grid_variance_not_the_test_variance():
    sizes = [5, 5]
    factors = _grid(sizes)
    y = factors / 4.0
    test = np.all(factors >= 3, axis=1)
    pred = y[test] + 0.05
    ours = grid_r2_score(y[test], pred, factor_sizes=sizes)
    assert ours == pytest.approx(1 - 0.05**2 / (6 / 48))
    assert ours > r2_score(y[test], pred)


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.zeros((2, 2)), np.zeros((2, 2)), [1, 3]), "at least 2"),
        ((np.zeros((2, 2)), np.zeros((2, 3)), [3, 3]), "shapes"),
        ((np.zeros((2, 3)), np.zeros((2, 3)), [3, 3]), "factor columns"),
        ((np.full((2, 2), np.nan), np.zeros((2, 2)), [3, 3]), "finite"),
        ((np.zeros((0, 2)), np.zeros((0, 2)), [3, 3]), "at least one sample"),
    ],
)
def test_grid_r2_bad_input(args, match):
    y_true, y_pred, sizes = args
    with pytest.raises(ValueError, match=match):
        grid_r2_score(y_true, y_pred, factor_sizes=sizes)


def test_level_response_shows_regression_toward_the_training_mean(sprites):
    X, factors = sprites.data, sprites.factors
    cv = CompositionalSplit("extrapolation", factors=[1])  # hold out large scales
    train, test = next(cv.split(X, groups=factors))
    model = Ridge(alpha=10.0).fit(X[train], sprites.target[train])
    report = level_response(model, X, factors, train=train, test=test)
    scale = report.factors[1]
    assert not scale.in_train[-1] and scale.in_train[0]
    # the largest, unseen scale is predicted closer to the training mean
    assert scale.ratio_to_train_mean < 1
    assert np.isnan(report.factors[0].ratio_to_train_mean)  # nothing held out
    import matplotlib

    matplotlib.use("Agg")
    axes = plot_level_response(report, factor_names=sprites.factor_names)
    assert len(axes) == 5
