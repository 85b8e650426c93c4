"""ConstantVelocityPredictor and SocialAttentionPredictor."""

import pickle

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV

from sklearn_iclr._torch import NonFiniteLossError, torch
from sklearn_iclr.datasets import make_pedestrian_scenes
from sklearn_iclr.explain import (
    ConstantVelocityPredictor,
    SocialAttentionPredictor,
    average_displacement_error,
)

SMALL = dict(hidden_size=8, max_epochs=2, random_state=0)


@pytest.fixture(scope="module")
def scenes():
    return make_pedestrian_scenes(
        n_samples=80, n_agents=3, p_absent=0.3, random_state=0
    )


def test_constant_velocity_extrapolates_straight_walks():
    t = np.arange(20, dtype=float)
    walk = np.stack([0.5 * t + 1.0, -0.2 * t], axis=1)
    X = np.full((1, 2, 8, 2), np.nan)
    X[0, 0] = walk[:8]
    y = walk[None, 8:]
    model = ConstantVelocityPredictor().fit(X, y)
    np.testing.assert_allclose(model.predict(X), y)
    assert model.score(X, y) == pytest.approx(0.0)
    two = ConstantVelocityPredictor(n_velocity_steps=3).fit(X, y)
    np.testing.assert_allclose(two.predict(X), y)
    with pytest.raises(ValueError, match="n_velocity_steps"):
        ConstantVelocityPredictor(n_velocity_steps=8).fit(X, y)


@pytest.mark.parametrize("encoder", ["gru", "mlp"])
def test_social_shapes_and_any_number_of_agents(scenes, encoder):
    X, y = scenes.data, scenes.target
    model = SocialAttentionPredictor(encoder=encoder, **SMALL).fit(X, y)
    assert model.predict(X).shape == (80, 12, 2)
    assert model.predict(X[:, :1]).shape == (80, 12, 2)  # no neighbours
    padded = np.concatenate([X, np.full_like(X[:, :2], np.nan)], axis=1)
    np.testing.assert_allclose(model.predict(padded), model.predict(X), atol=1e-5)
    assert model.t_obs_ == 8 and model.t_pred_ == 12 and model.scale_ > 0


def test_social_is_translation_invariant(scenes):
    X, y = scenes.data, scenes.target
    model = SocialAttentionPredictor(**SMALL).fit(X, y)
    shift = np.array([3.0, -7.0])
    np.testing.assert_allclose(
        model.predict(X + shift), model.predict(X) + shift, atol=1e-4
    )


def test_random_state_gives_identical_fits(scenes):
    X, y = scenes.data, scenes.target
    a = SocialAttentionPredictor(**SMALL).fit(X, y).predict(X)
    b = SocialAttentionPredictor(**SMALL).fit(X, y).predict(X)
    c = SocialAttentionPredictor(**{**SMALL, "random_state": 1}).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_pickle_and_refit_idempotence(scenes):
    X, y = scenes.data, scenes.target
    model = SocialAttentionPredictor(**SMALL).fit(X, y)
    first = model.predict(X)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.predict(X), first)
    np.testing.assert_array_equal(model.fit(X, y).predict(X), first)


def test_partial_neighbours_are_filled(scenes):
    X, y = scenes.data.copy(), scenes.target
    model = SocialAttentionPredictor(**SMALL).fit(X, y)
    holes = X.copy()
    present = np.isfinite(X[:, 1, 0, 0])
    holes[present, 1, :3] = np.nan  # appears late: filled with first position
    filled = X.copy()
    filled[present, 1, :3] = X[present, 1, 3:4]
    np.testing.assert_allclose(model.predict(holes), model.predict(filled))


def test_grid_search_on_scenes(scenes):
    X, y = scenes.data, scenes.target
    search = GridSearchCV(
        SocialAttentionPredictor(max_epochs=1, random_state=0),
        {"hidden_size": [4, 8]},
        cv=2,
    ).fit(X, y)
    assert search.best_params_["hidden_size"] in (4, 8)
    assert search.best_score_ < 0  # minus ADE
    cv_search = GridSearchCV(
        ConstantVelocityPredictor(), {"n_velocity_steps": [1, 3]}, cv=3
    ).fit(X, y)
    assert cv_search.predict(X).shape == y.shape


def test_social_model_learns_to_follow_the_leader():
    train = make_pedestrian_scenes(n_samples=500, random_state=0)
    test = make_pedestrian_scenes(n_samples=100, random_state=1)
    model = SocialAttentionPredictor(
        encoder="mlp", max_epochs=20, batch_size=32, random_state=0
    ).fit(train.data, train.target)
    alone = test.data.copy()
    alone[:, 1:] = np.nan
    ade = average_displacement_error(test.target, model.predict(test.data)).mean()
    ade_alone = average_displacement_error(test.target, model.predict(alone)).mean()
    cv = ConstantVelocityPredictor().fit(train.data, train.target)
    assert ade < 0.6 * -cv.score(test.data, test.target)
    assert ade_alone > 2 * ade


@pytest.mark.parametrize("removed_target", ["standing", "walking"])
@pytest.mark.parametrize("Model", [ConstantVelocityPredictor, SocialAttentionPredictor])
def test_predict_coalitions_matches_predict(scenes, Model, removed_target):
    X, y = scenes.data, scenes.target
    model = Model()
    if isinstance(model, SocialAttentionPredictor):
        model.set_params(**SMALL)
    model.fit(X, y)
    rng = np.random.RandomState(0)
    keep = rng.uniform(size=(80, 5, 3)) < 0.5
    removed = np.full_like(X, np.nan)
    removed[:, 0] = X[:, 0, -1:]
    removed[:, 2] = X[:, 1]  # a neighbour replaced by another trajectory
    if removed_target == "walking":  # the target replaced by another walk
        removed[:, 0] = X[::-1, 0] - X[::-1, 0, -1:] + X[:, 0, -1:]
    expected = model.predict(
        np.where(keep[..., None, None], X[:, None], removed[:, None]).reshape(
            -1, 3, 8, 2
        )
    ).reshape(80, 5, 12, 2)
    np.testing.assert_allclose(
        model.predict_coalitions(X, keep, removed), expected, atol=1e-5
    )


@pytest.mark.parametrize("Model", [ConstantVelocityPredictor, SocialAttentionPredictor])
def test_bad_inputs(Model, scenes):
    X, y = scenes.data, scenes.target
    model = Model()
    if isinstance(model, SocialAttentionPredictor):
        model.set_params(**SMALL)
    with pytest.raises(NotFittedError):
        model.predict(X)
    with pytest.raises(ValueError, match="4-D array"):
        model.fit(X.reshape(80, -1), y)
    with pytest.raises(ValueError, match="last axis"):
        model.fit(X[..., :1], y)
    with pytest.raises(ValueError, match="3-D array"):
        model.fit(X, y.reshape(80, -1))
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="target"):
        model.fit(bad, y)
    model.fit(X, y)
    with pytest.raises(ValueError, match="t_obs=6"):
        model.predict(X[:, :, :6])
    with pytest.raises(ValueError, match="4-D array"):
        model.predict(X[0])


def test_verbose_prints_training_table(scenes, capsys):
    X, y = scenes.data, scenes.target
    SocialAttentionPredictor(**SMALL).fit(X, y)
    assert capsys.readouterr().out == ""
    SocialAttentionPredictor(**SMALL, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "SocialAttentionPredictor: training the social attention network" in out
    assert "80 scenes for 2 epochs" in out
    assert "train_loss" in out


def test_social_is_rotation_invariant(scenes):
    X, y = scenes.data, scenes.target
    model = SocialAttentionPredictor(**SMALL).fit(X, y)
    a = 0.7
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    np.testing.assert_allclose(
        model.predict(X @ rot.T), model.predict(X) @ rot.T, atol=1e-4
    )


def test_divergence_names_lr(scenes):
    X, y = scenes.data, scenes.target
    with pytest.raises(NonFiniteLossError, match="lr"):
        SocialAttentionPredictor(lr=1e6, max_epochs=3, random_state=0).fit(X, y)
    # finite but useless: worse than the constant-velocity start
    with pytest.warns(ConvergenceWarning, match=r"Lower the learning rate \(lr=10"):
        SocialAttentionPredictor(lr=10.0, max_epochs=3, random_state=0).fit(X, y)


@pytest.mark.parametrize("Model", [ConstantVelocityPredictor, SocialAttentionPredictor])
def test_score_rejects_bad_sample_weight(scenes, Model):
    X, y = scenes.data, scenes.target
    model = Model()
    if isinstance(model, SocialAttentionPredictor):
        model.set_params(**SMALL)
    model.fit(X, y)
    weights = np.ones(len(X))
    assert model.score(X, y, sample_weight=weights) == pytest.approx(model.score(X, y))
    weights[3] = -1.0
    with pytest.raises(ValueError, match="Negative values .*sample_weight"):
        model.score(X, y, sample_weight=weights)
    with pytest.raises(ValueError, match="at least one non-zero"):
        model.score(X, y, sample_weight=np.zeros(len(X)))
    with pytest.raises(ValueError, match="sample_weight"):
        model.score(X, y, sample_weight=np.ones(3))


def test_defaults_beat_constant_velocity_on_eth_ucy(shared_data):
    # zara1 left out: train on 4000 scenes of the other recordings.
    from sklearn_iclr.datasets import load_eth_ucy
    from sklearn_iclr.explain import prepare_trajectory_scenes

    data = load_eth_ucy("zara1", download_if_missing=False)
    train = prepare_trajectory_scenes(data.train, data.train_file_id)
    test = prepare_trajectory_scenes(data.test, data.test_file_id)
    idx = np.random.RandomState(0).choice(len(train.data), 4000, replace=False)
    X, y = train.data[idx], train.target[idx]
    cv_ade = -ConstantVelocityPredictor().fit(X, y).score(test.data, test.target)
    model = SocialAttentionPredictor(random_state=0).fit(X, y)
    assert -model.score(test.data, test.target) < cv_ade


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_a_clear_error(scenes):
    with pytest.raises(ValueError, match="CUDA is not available"):
        SocialAttentionPredictor(device="cuda", **SMALL).fit(scenes.data, scenes.target)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no cuda device")
def test_cuda_fit_predicts_like_cpu_pickle(scenes):
    X, y = scenes.data, scenes.target
    model = SocialAttentionPredictor(device="cuda", **SMALL).fit(X, y)
    assert model.device_ == "cuda"
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(clone.predict(X), model.predict(X), atol=1e-5)
