# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import time

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_iclr.datasets import (
    make_pedestrian_scenes,
    make_planted_graph,
    make_seasonal_series,
)
from sklearn_iclr.utils._sklearn_compat import InvalidParameterError

# ---------------------------------------------------------------- graphs


def test_make_planted_graph_shapes_and_adjacency():
    graph = make_planted_graph(
        n_nodes=200, n_communities=4, n_features=7, random_state=0
    )
    assert sorted(graph) == ["adjacency", "data", "isolated_mask", "target"]
    assert graph.data.shape == (200, 7) and graph.data.dtype == np.float64
    assert graph.target.shape == (200,)
    assert np.array_equal(np.bincount(graph.target), [50, 50, 50, 50])
    adjacency = graph.adjacency
    assert sp.issparse(adjacency) and adjacency.format == "csr"
    assert adjacency.shape == (200, 200)
    assert (adjacency != adjacency.T).nnz == 0
    assert adjacency.diagonal().sum() == 0
    assert set(np.unique(adjacency.data)) == {1.0}
    assert graph.isolated_mask.dtype == bool
    assert graph.isolated_mask.sum() == 20


def test_make_planted_graph_isolated_nodes_have_degree_zero():
    graph = make_planted_graph(n_nodes=500, isolated_fraction=0.3, random_state=1)
    degree = np.asarray(graph.adjacency.sum(axis=1)).ravel()
    assert graph.isolated_mask.sum() == 150
    assert np.all(degree[graph.isolated_mask] == 0)
    assert degree[~graph.isolated_mask].mean() > 3


def test_make_planted_graph_is_homophilous_and_features_informative():
    graph = make_planted_graph(n_nodes=600, random_state=0)
    rows, cols = graph.adjacency.nonzero()
    same = np.mean(graph.target[rows] == graph.target[cols])
    assert same > 0.7  # expected 0.05 * 199 / (0.05 * 199 + 0.005 * 400) ~ 0.83
    centroids = np.array([graph.data[graph.target == c].mean(axis=0) for c in range(3)])
    nearest = np.argmin(
        ((graph.data[:, None, :] - centroids[None]) ** 2).sum(axis=-1), axis=1
    )
    assert 0.5 < np.mean(nearest == graph.target) < 0.95


def test_make_planted_graph_deterministic():
    a = make_planted_graph(n_nodes=150, random_state=42)
    b = make_planted_graph(n_nodes=150, random_state=42)
    c = make_planted_graph(n_nodes=150, random_state=43)
    assert np.array_equal(a.data, b.data)
    assert np.array_equal(a.target, b.target)
    assert (a.adjacency != b.adjacency).nnz == 0
    assert np.array_equal(a.isolated_mask, b.isolated_mask)
    assert not np.array_equal(a.target, c.target)


def test_make_planted_graph_edge_probabilities():
    # complete within communities, none across
    graph = make_planted_graph(
        n_nodes=30, p_in=1.0, p_out=0.0, isolated_fraction=0.0, random_state=0
    )
    same = graph.target[:, None] == graph.target[None, :]
    np.fill_diagonal(same, False)
    assert np.array_equal(graph.adjacency.toarray() == 1, same)


def test_make_planted_graph_scales_without_dense_matrices():
    start = time.perf_counter()
    graph = make_planted_graph(
        n_nodes=20000, average_degree=10, isolated_fraction=0.0, random_state=0
    )
    elapsed = time.perf_counter() - start
    degree = graph.adjacency.nnz / 20000
    assert 9.5 < degree < 10.5
    assert elapsed < 10  # a dense 20000 x 20000 array alone would take 3.2 GB
    rows, cols = graph.adjacency.nonzero()
    assert np.mean(graph.target[rows] == graph.target[cols]) > 0.7


def test_make_planted_graph_errors():
    with pytest.raises(ValueError, match="n_communities"):
        make_planted_graph(n_nodes=3, n_communities=4)
    with pytest.raises(ValueError, match="> 1"):
        make_planted_graph(n_nodes=30, average_degree=100)
    with pytest.raises(InvalidParameterError):
        make_planted_graph(p_in=1.5)


# ---------------------------------------------------------------- series


def test_make_seasonal_series():
    X = make_seasonal_series(random_state=0)
    assert X.shape == (20, 3, 256) and X.dtype == np.float64
    assert np.array_equal(X, make_seasonal_series(random_state=0))
    assert not np.array_equal(X, make_seasonal_series(random_state=1))
    # channels of a series are correlated
    corr = np.corrcoef(X[0])
    assert corr[np.triu_indices(3, 1)].min() > 0.5
    # period 24: the series repeat after one period up to the noise
    clean = make_seasonal_series(n_series=3, noise=0.0, random_state=0)
    assert np.allclose(clean[..., 24:], clean[..., :-24])
    trended = make_seasonal_series(n_series=3, noise=0.0, trend=0.5, random_state=0)
    assert np.allclose(trended - clean, 0.5 * np.arange(256))


# ---------------------------------------------------------------- pedestrians


def test_make_pedestrian_scenes_layout():
    scenes = make_pedestrian_scenes(
        n_samples=30, n_agents=5, t_obs=6, t_pred=9, random_state=0
    )
    assert scenes.data.shape == (30, 5, 6, 2)
    assert scenes.target.shape == (30, 9, 2)
    assert scenes.leader_index.shape == (30,)
    assert set(scenes.leader_index) <= {1, 2, 3, 4}
    assert not np.isnan(scenes.data).any()
    again = make_pedestrian_scenes(
        n_samples=30, n_agents=5, t_obs=6, t_pred=9, random_state=0
    )
    assert np.array_equal(scenes.data, again.data)
    assert np.array_equal(scenes.target, again.target)
    # walking speeds: steps of 0.4 s at 0.8-1.6 m/s
    step = np.linalg.norm(np.diff(scenes.data, axis=2), axis=-1)
    assert 0.2 < np.median(step) < 0.7


def test_make_pedestrian_scenes_target_follows_leader():
    scenes = make_pedestrian_scenes(n_samples=300, random_state=0)
    X, y, leader = scenes.data, scenes.target, scenes.leader_index
    leader_past = X[np.arange(len(X)), leader]  # (n_samples, t_obs, 2)
    # the target's future is the leader's past, `t_obs` steps later
    assert np.abs(y[:, :8] - leader_past).max() < 0.2
    dy = (y[:, 1:8] - y[:, :7]).ravel()
    dl = (leader_past[:, 1:] - leader_past[:, :-1]).ravel()
    assert np.corrcoef(dy, dl)[0, 1] > 0.9
    # ... and not a constant-velocity continuation of the target's own past
    velocity = X[:, 0, -1] - X[:, 0, -2]
    constant_velocity = (
        X[:, 0, -1][:, None] + np.arange(1, 13)[:, None] * velocity[:, None]
    )
    cv_error = np.linalg.norm(constant_velocity - y, axis=-1).mean()
    assert cv_error > 0.5
    # other neighbours carry no such information
    other = np.where(leader == 1, 2, 1)
    other_past = X[np.arange(len(X)), other]
    assert np.abs(y[:, :8] - other_past).mean() > 1.0


def test_make_pedestrian_scenes_independent():
    scenes = make_pedestrian_scenes(
        n_samples=200, leader_follower=False, noise=0.0, random_state=0
    )
    X, y = scenes.data, scenes.target
    assert np.all(scenes.leader_index == -1)
    velocity = X[:, 0, -1] - X[:, 0, -2]
    constant_velocity = (
        X[:, 0, -1][:, None] + np.arange(1, 13)[:, None] * velocity[:, None]
    )
    assert np.allclose(constant_velocity, y)


def test_make_pedestrian_scenes_absent_agents():
    scenes = make_pedestrian_scenes(
        n_samples=400, n_agents=6, p_absent=0.5, random_state=0
    )
    X = scenes.data
    absent = np.isnan(X).any(axis=(2, 3))
    assert np.array_equal(absent, np.isnan(X).all(axis=(2, 3)))  # whole rows
    assert not absent[:, 0].any()
    assert not absent[np.arange(400), scenes.leader_index].any()
    assert 0.3 < absent[:, 1:].mean() < 0.5  # leaders are never absent
    assert not np.isnan(scenes.target).any()


def test_make_pedestrian_scenes_errors():
    with pytest.raises(ValueError, match="n_agents"):
        make_pedestrian_scenes(n_agents=1)
    single = make_pedestrian_scenes(
        n_samples=3, n_agents=1, leader_follower=False, random_state=0
    )
    assert single.data.shape == (3, 1, 8, 2)
    with pytest.raises(InvalidParameterError):
        make_pedestrian_scenes(p_absent=2.0)


def test_make_sprites_is_a_full_grid_of_distinct_images():
    from sklearn_iclr.datasets import make_sprites

    sprites = make_sprites(n_shapes=4, n_scales=2, n_orientations=2, n_positions=3)
    n = 4 * 2 * 2 * 3 * 3
    assert sprites.images.shape == (n, 24, 24)
    assert sprites.data.shape == (n, 24 * 24)
    assert sprites.factor_sizes.tolist() == [4, 2, 2, 3, 3]
    assert len({tuple(r) for r in sprites.factors}) == n  # every combination once
    assert len({img.tobytes() for img in sprites.images}) == n  # all distinct
    np.testing.assert_allclose(sprites.target, sprites.factors / [3, 1, 1, 2, 2])
    assert set(np.unique(sprites.images)) == {0.0, 1.0}
    assert (sprites.images.reshape(n, -1).sum(axis=1) > 5).all()  # a shape is drawn


def test_make_sprites_noise_is_seeded():
    from sklearn_iclr.datasets import make_sprites

    a = make_sprites(n_orientations=1, n_positions=2, noise=0.1, random_state=0)
    b = make_sprites(n_orientations=1, n_positions=2, noise=0.1, random_state=0)
    c = make_sprites(n_orientations=1, n_positions=2, noise=0.1, random_state=1)
    np.testing.assert_array_equal(a.images, b.images)
    assert not np.array_equal(a.images, c.images)


@pytest.mark.parametrize(
    "params", [{"n_shapes": 5}, {"n_scales": 0}, {"image_size": 4}]
)
def test_make_sprites_rejects_bad_parameters(params):
    from sklearn_iclr.datasets import make_sprites

    with pytest.raises(ValueError, match="parameter"):
        make_sprites(**params)
