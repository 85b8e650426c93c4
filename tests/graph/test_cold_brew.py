"""Cold Brew: API, graph handling, properties and bad input."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn import config_context
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_iclr._torch import torch
from sklearn_iclr.datasets import make_planted_graph
from sklearn_iclr.graph import (
    ColdBrewClassifier,
    ColdBrewEmbedder,
    feature_contribution_ratio,
    head_tail_isolated_split,
)
from sklearn_iclr.graph._gcn import virtual_neighbourhood
from sklearn_iclr.graph._graph_utils import (
    check_adjacency,
    label_propagation,
    normalized_adjacency,
)

FAST = dict(
    hidden_sizes=(8,),
    student_hidden_sizes=(16,),
    max_epochs=20,
    student_max_epochs=20,
    patience=10,
)


@pytest.fixture(scope="module")
def planted():
    g = make_planted_graph(200, random_state=0)
    y = g.target.copy()
    y[150:] = -1
    return g, y


# --------------------------------------------------------------------- graph


def test_normalized_adjacency_is_sparse_and_symmetric():
    A = sp.random(50, 50, density=0.1, random_state=0, format="csr")
    A = check_adjacency(A, 50)
    A_hat = normalized_adjacency(A)
    assert sp.issparse(A_hat)
    assert abs(A_hat - A_hat.T).max() < 1e-12
    assert np.all(A_hat.diagonal() > 0)  # one self-loop per node


def test_check_adjacency_symmetrises_and_drops_self_loops():
    A = sp.csr_matrix(np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    out = check_adjacency(A, 3)
    np.testing.assert_array_equal(
        out.toarray(), [[0.0, 2.0, 0.0], [2.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    )


@pytest.mark.parametrize(
    "adjacency, match",
    [
        (sp.csr_matrix((4, 5)), "adjacency has shape"),
        (sp.csr_matrix((3, 3)), "adjacency has shape"),
        (-np.eye(4, k=1), "negative"),
        (np.where(np.eye(4, k=1) > 0, np.nan, 0.0), "NaN"),
        (np.ones(4), "2-dimensional"),
    ],
)
def test_bad_adjacency_is_a_clear_error(adjacency, match):
    X = np.random.RandomState(0).normal(size=(4, 3))
    with pytest.raises(ValueError, match=match):
        ColdBrewClassifier(**FAST).fit(X, [0, 1, 0, 1], adjacency=adjacency)


def test_bad_labels_are_a_clear_error():
    X = np.random.RandomState(0).normal(size=(6, 3))
    with pytest.raises(ValueError, match="All labels are -1"):
        ColdBrewClassifier(**FAST).fit(X, [-1] * 6)
    with pytest.raises(ValueError, match="only one class"):
        ColdBrewClassifier(**FAST).fit(X, [1, 1, -1, -1, 1, 1])
    with pytest.raises(ValueError, match="Unknown label type"):
        ColdBrewClassifier(**FAST).fit(X, np.linspace(0, 1, 6))


def test_graph_require_refuses_a_missing_adjacency():
    X = np.random.RandomState(0).normal(size=(6, 3))
    with pytest.raises(ValueError, match="graph='require'"):
        ColdBrewClassifier(graph="require", **FAST).fit(X, [0, 1] * 3)


def test_head_tail_isolated_split_removes_every_edge_of_isolated_nodes():
    g = make_planted_graph(300, isolated_fraction=0.0, random_state=0)
    split = head_tail_isolated_split(g.adjacency, random_state=0)
    iso, tail, head = split.isolated_mask, split.tail_mask, split.head_mask
    assert iso.sum() == tail.sum() == 60 and head.sum() == 30
    assert not (iso & tail).any() and not (iso & head).any() and not (tail & head).any()
    A = split.adjacency
    assert A[iso].nnz == 0 and A[:, iso].nnz == 0
    # edges between the other nodes are kept
    keep = ~iso
    assert (A[keep][:, keep] != g.adjacency[keep][:, keep]).nnz == 0
    assert split.degree[head].min() >= split.degree[tail].max()
    assert split.degree[tail].min() >= split.degree[iso].max()


def test_soft_labels_cover_connected_unlabelled_nodes_only():
    g = make_planted_graph(200, isolated_fraction=0.2, random_state=0)
    y = np.full(200, -1)
    # not RandomState(0): make_planted_graph draws its classes from that stream
    labelled = np.random.RandomState(1).choice(200, 40, replace=False)
    y[labelled] = g.target[labelled]
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    degree = np.diff(check_adjacency(g.adjacency, 200).indptr)
    expected = np.setdiff1d(np.flatnonzero(degree > 0), labelled)
    np.testing.assert_array_equal(np.sort(clf.soft_label_index_), expected)
    off = ColdBrewClassifier(random_state=0, soft_labels=False, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    assert len(off.soft_label_index_) == 0
    # the teacher's soft labels change what MLP2 learns
    assert not np.allclose(clf.predict_proba(g.data), off.predict_proba(g.data))


def test_head_tail_isolated_split_validates_fractions():
    A = sp.csr_matrix((10, 10))
    with pytest.raises(ValueError, match="must not exceed 1"):
        head_tail_isolated_split(
            A, isolated_fraction=0.5, tail_fraction=0.5, head_fraction=0.5
        )


def test_label_propagation_spreads_labels_along_edges():
    A = sp.csr_matrix(
        np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float)
    )
    scores = label_propagation(A, np.array([0, -1, 1, -1]))
    assert scores.argmax(axis=1).tolist() == [0, 0, 1, 1]


# ---------------------------------------------------------------------- FCR


def test_feature_contribution_ratio_cases():
    assert feature_contribution_ratio(0.85, 0.70, 0.78) == pytest.approx(7 / 22)
    # MLP as good as the GNN: features carry everything
    assert feature_contribution_ratio(0.8, 0.8, 0.6) == pytest.approx(1.0)
    # MLP beats the GNN: above 1
    assert 1 < feature_contribution_ratio(0.7, 0.75, 0.6) < 2
    assert np.isnan(feature_contribution_ratio(0.5, 0.5, 0.5))
    # percent or fraction: same ratio
    assert feature_contribution_ratio(85, 70, 78) == pytest.approx(7 / 22)


def test_fcr_is_computed_only_on_request(planted):
    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    assert not hasattr(clf, "feature_contribution_ratio_")
    assert not hasattr(clf, "fcr_scores_")


def test_fitted_fcr_uses_the_validation_scores(planted):
    g, y = planted
    clf = ColdBrewClassifier(random_state=0, compute_fcr=True, **FAST)
    clf.fit(g.data, y, adjacency=g.adjacency)
    s = clf.fcr_scores_
    assert set(s) == {"gnn", "mlp", "lp"}
    assert clf.feature_contribution_ratio_ == pytest.approx(
        feature_contribution_ratio(s["gnn"], s["mlp"], s["lp"]), nan_ok=True
    )


# --------------------------------------------------------------- estimators


def test_classifier_learns_the_planted_graph_and_beats_chance(planted):
    g, y = planted
    clf = ColdBrewClassifier(
        random_state=0, max_epochs=100, student_max_epochs=100, hidden_sizes=(16,)
    ).fit(g.data, y, adjacency=g.adjacency)
    held_out = np.arange(150, 200)
    acc = np.mean(clf.predict(g.data[held_out]) == g.target[held_out])
    assert acc > 0.5  # 3 balanced classes: chance is 1/3
    proba = clf.predict_proba(g.data[held_out])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.graph_source_ == "given"
    assert set(clf.history_) == {"teacher", "distill", "head"}
    assert len(clf.history_["teacher"]) <= 100


def test_embedder_shapes_names_and_pandas_output(planted):
    g, y = planted
    emb = ColdBrewEmbedder(random_state=0, **FAST)
    Z = emb.fit_transform(g.data, y, adjacency=g.adjacency)
    assert Z.shape == (200, 8 + 3) == (200, emb.n_embedding_)
    names = emb.get_feature_names_out()
    assert names[0] == "coldbrewembedder0" and len(names) == Z.shape[1]
    emb.set_output(transform="pandas")
    frame = emb.transform(g.data[:4])
    assert list(frame.columns) == list(names)
    assert emb.reference_embeddings_.shape[1] == emb.n_embedding_


def test_same_random_state_gives_identical_fits(planted):
    g, y = planted
    a = ColdBrewClassifier(random_state=3, **FAST).fit(g.data, y, adjacency=g.adjacency)
    b = ColdBrewClassifier(random_state=3, **FAST).fit(g.data, y, adjacency=g.adjacency)
    np.testing.assert_array_equal(a.predict_proba(g.data), b.predict_proba(g.data))


def test_sparse_and_dense_features_agree(planted):
    g, y = planted
    X = np.abs(g.data)
    dense = ColdBrewEmbedder(random_state=0, **FAST).fit(X, y, adjacency=g.adjacency)
    sparse = ColdBrewEmbedder(random_state=0, **FAST).fit(
        sp.csr_matrix(X), y, adjacency=g.adjacency
    )
    np.testing.assert_allclose(
        dense.transform(X), sparse.transform(sp.csr_matrix(X)), rtol=1e-3, atol=1e-3
    )


def test_pickle_round_trip(planted):
    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST)
    clf.fit(g.data, y, adjacency=g.adjacency)
    clone_ = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(
        clf.predict_proba(g.data), clone_.predict_proba(g.data)
    )


def test_validation_mask_is_used_for_early_stopping(planted):
    g, y = planted
    mask = np.zeros(200, dtype=bool)
    mask[:30] = True
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency, validation_mask=mask
    )
    assert "valid_loss" in clf.history_["teacher"][-1]
    with pytest.raises(ValueError, match="no labelled node"):
        ColdBrewClassifier(**FAST).fit(
            g.data, y, adjacency=g.adjacency, validation_mask=np.ones(200, bool)
        )


def test_node_ids_take_the_induced_subgraph(planted):
    g, y = planted
    ids = np.arange(0, 200, 2)
    a = ColdBrewEmbedder(random_state=0, **FAST).fit(
        g.data[ids], y[ids], adjacency=g.adjacency, node_ids=ids
    )
    b = ColdBrewEmbedder(random_state=0, **FAST).fit(
        g.data[ids], y[ids], adjacency=g.adjacency[ids][:, ids]
    )
    c = ColdBrewEmbedder(random_state=0, **FAST).fit(  # rows only, as a CV split gives
        g.data[ids], y[ids], adjacency=g.adjacency[ids], node_ids=ids
    )
    assert a.n_edges_ == b.n_edges_ == c.n_edges_
    np.testing.assert_array_equal(a.transform(g.data), b.transform(g.data))
    np.testing.assert_array_equal(a.transform(g.data), c.transform(g.data))


def test_metadata_routing_through_pipeline_and_grid_search(planted):
    g, _ = planted
    n = g.data.shape[0]
    with config_context(enable_metadata_routing=True):
        clf = ColdBrewClassifier(graph="require", random_state=0, **FAST)
        clf.set_fit_request(adjacency=True, node_ids=True)
        pipe = make_pipeline(StandardScaler(), clf)
        search = GridSearchCV(
            pipe,
            {"coldbrewclassifier__top_k": [1, 3]},
            cv=KFold(2),
            error_score="raise",
        )
        search.fit(g.data, g.target, adjacency=g.adjacency, node_ids=np.arange(n))
    best = search.best_estimator_[-1]
    assert best.graph_source_ == "given"
    # each fold trained on the subgraph of its half of the nodes
    assert best.n_edges_ == g.adjacency.nnz // 2
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_knn_graph_without_adjacency():
    g = make_planted_graph(60, random_state=1)
    clf = ColdBrewClassifier(n_neighbors=4, random_state=0, **FAST)
    clf.fit(g.data, g.target)
    assert clf.graph_source_ == "knn"
    assert clf.n_edges_ >= 60 * 4 // 2


def test_se_layers_tuple_must_match_depth():
    X = np.random.RandomState(0).normal(size=(10, 3))
    with pytest.raises(ValueError, match="se_layers has 3 entries"):
        ColdBrewClassifier(se_layers=(True, False, True), **FAST).fit(X, [0, 1] * 5)
    ColdBrewClassifier(se_layers=(False, True), **FAST).fit(X, [0, 1] * 5)


def test_virtual_neighbourhood_attends_to_the_closest_references():
    reference = torch.eye(4, dtype=torch.float64) * 10
    query = reference[[2]].clone()
    out = virtual_neighbourhood(query, reference, top_k=1)
    np.testing.assert_allclose(out.numpy(), reference[[2]].numpy())
    out = virtual_neighbourhood(query, reference, top_k=1, exclude=torch.tensor([2]))
    assert not np.allclose(out.numpy(), reference[[2]].numpy())


# --------------------------------------------------------------- properties


@st.composite
def small_graphs(draw):
    n = draw(st.integers(4, 12))
    n_edges = draw(st.integers(0, 3 * n))
    rows = draw(st.lists(st.integers(0, n - 1), min_size=n_edges, max_size=n_edges))
    cols = draw(st.lists(st.integers(0, n - 1), min_size=n_edges, max_size=n_edges))
    weights = draw(st.lists(st.floats(0.0, 5.0), min_size=n_edges, max_size=n_edges))
    # COO keeps duplicates, self-loops and one-way (asymmetric) edges as drawn
    A = sp.coo_matrix((weights, (rows, cols)), shape=(n, n))
    seed = draw(st.integers(0, 1000))
    return A, seed


@given(small_graphs())
def test_any_small_graph_gives_finite_outputs_of_the_right_shape(graph):
    A, seed = graph
    n = A.shape[0]
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = np.array([0, 1] * (n // 2) + [0] * (n % 2))
    y[-1] = -1
    tiny = dict(
        hidden_sizes=(4,),
        student_hidden_sizes=(4,),
        max_epochs=2,
        student_max_epochs=2,
        patience=None,
        random_state=0,
    )
    emb = ColdBrewEmbedder(**tiny).fit(X, y, adjacency=A)
    Z = emb.transform(X)
    assert Z.shape == (n, 4 + 2) and np.isfinite(Z).all()
    clf = ColdBrewClassifier(**tiny).fit(X, y, adjacency=A)
    proba = clf.predict_proba(X)
    assert proba.shape == (n, 2) and np.isfinite(proba).all()
    # unseen nodes with no edges at all
    assert np.isfinite(clf.predict_proba(rng.normal(size=(3, 3)))).all()


@given(st.permutations(list(range(12))))
def test_node_order_permutes_predictions(perm):
    perm = np.asarray(perm)
    g = make_planted_graph(12, random_state=0, isolated_fraction=0.25)
    y = g.target
    clf = ColdBrewClassifier(
        hidden_sizes=(4,),
        student_hidden_sizes=(4,),
        max_epochs=3,
        student_max_epochs=3,
        random_state=0,
    )
    clf.fit(g.data, y, adjacency=g.adjacency)
    np.testing.assert_allclose(
        clf.predict_proba(g.data[perm]), clf.predict_proba(g.data)[perm]
    )
    emb = ColdBrewEmbedder(
        hidden_sizes=(4,),
        student_hidden_sizes=(4,),
        max_epochs=3,
        student_max_epochs=3,
        random_state=0,
        dropout=0.0,
        student_dropout=0.0,
        distill_dropout=0.0,
        validation_fraction=0.0,
    )
    Z = emb.fit(g.data, y, adjacency=g.adjacency).transform(g.data)
    Z_perm = (
        clone(emb)
        .fit(g.data[perm], y[perm], adjacency=g.adjacency[perm][:, perm])
        .transform(g.data[perm])
    )
    # without dropout or a random validation split, training is node-order equivariant
    np.testing.assert_allclose(Z_perm, Z[perm], rtol=1e-4, atol=1e-5)


def test_isolated_node_predictions_do_not_depend_on_edges_or_batch(planted):
    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST)
    clf.fit(g.data, y, adjacency=g.adjacency)
    iso = np.flatnonzero(g.isolated_mask)
    together = clf.predict_proba(g.data[iso])
    alone = np.vstack([clf.predict_proba(g.data[[i]]) for i in iso])
    np.testing.assert_allclose(together, alone, rtol=1e-10, atol=1e-12)
    # a node keeps its prediction whatever other nodes or edges surround it
    shuffled = np.vstack([g.data[iso], g.data[:20]])
    np.testing.assert_allclose(clf.predict_proba(shuffled)[: len(iso)], together)


@pytest.mark.parametrize("dtype", [str, object])
def test_string_and_object_labels(dtype):
    g = make_planted_graph(60, random_state=2)
    names = np.array(["ant", "bee", "cat"])
    y = names[g.target].astype(dtype)
    clf = ColdBrewClassifier(random_state=0, **FAST)
    clf.fit(g.data, y, adjacency=g.adjacency)
    assert list(clf.classes_) == ["ant", "bee", "cat"]
    assert set(clf.predict(g.data)) <= set(names)
    # with object labels, -1 still marks unlabelled nodes
    if dtype is object:
        y_semi = y.copy()
        y_semi[:10] = -1
        clf.fit(g.data, y_semi, adjacency=g.adjacency)
        assert list(clf.classes_) == ["ant", "bee", "cat"]


def test_node_ids_with_a_bad_adjacency_shape(planted):
    g, y = planted
    with pytest.raises(ValueError, match="whole graph"):
        ColdBrewClassifier(**FAST).fit(
            g.data[:50], y[:50], adjacency=g.adjacency[:60], node_ids=np.arange(50)
        )


def test_verbose_prints_labelled_stages_and_the_bar_reaches_its_end(planted, capsys):
    g, y = planted
    ColdBrewClassifier(random_state=0, **FAST).fit(g.data, y, adjacency=g.adjacency)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    ColdBrewClassifier(random_state=0, verbose=1, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    captured = capsys.readouterr()
    assert "valid_acc" in captured.out
    for i, stage in enumerate(("teacher", "distillation", "student"), start=1):
        assert f"[ColdBrewClassifier] stage {i}/3, {stage}" in captured.out
    assert "3/3" in captured.err  # the progress bar over the stages completes


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no cuda device")
def test_cuda_fit_predicts_and_pickles_to_cpu(planted):
    g, y = planted
    clf = ColdBrewClassifier(device="cuda", random_state=0, **FAST)
    clf.fit(g.data, y, adjacency=g.adjacency)
    assert clf.device_ == "cuda"
    proba = pickle.loads(pickle.dumps(clf)).predict_proba(g.data)
    assert np.isfinite(proba).all()


# ------------------------------------------------------------ issue 30 items


def test_score_leaves_out_unlabelled_rows(planted):
    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    pred = clf.predict(g.data)
    labelled = y != -1
    expected = np.mean(pred[labelled] == y[labelled])
    assert clf.score(g.data, y) == pytest.approx(expected)
    weights = np.linspace(1, 2, len(y))
    assert clf.score(g.data, y, sample_weight=weights) == pytest.approx(
        np.average(pred[labelled] == y[labelled], weights=weights[labelled])
    )
    with pytest.raises(ValueError, match="at least one labelled node"):
        clf.score(g.data, np.full(len(y), -1))


def test_cross_val_score_recipe_scores_labelled_nodes_only():
    from sklearn.model_selection import cross_val_score, cross_validate

    # random_state=1: with 0 this small graph's features are anti-informative
    # under a 2-fold split (below-chance for logistic regression too)
    g = make_planted_graph(300, random_state=1)
    n = len(g.target)
    y = np.where(np.random.RandomState(0).rand(n) < 0.6, g.target, -1)
    with config_context(enable_metadata_routing=True):
        clf = ColdBrewClassifier(graph="require", random_state=0, **FAST)
        clf.set_fit_request(adjacency=True, node_ids=True)
        pipe = make_pipeline(StandardScaler(), clf)
        params = {"adjacency": g.adjacency, "node_ids": np.arange(n)}
        cv = KFold(2, shuffle=True, random_state=0)
        scores = cross_val_score(pipe, g.data, y, cv=cv, params=params)
        out = cross_validate(
            pipe, g.data, y, cv=cv, params=params, return_estimator=True
        )
    # the true figure: accuracy of each fold's model on its labelled held-out rows
    for (_, test), est, score in zip(cv.split(g.data), out["estimator"], scores):
        keep = test[y[test] != -1]
        assert score == pytest.approx(np.mean(est.predict(g.data[keep]) == y[keep]))
        # not the old figure, which counted every unlabelled row as an error
        assert score > np.mean(est.predict(g.data[test]) == y[test])


@pytest.mark.parametrize(
    "node_ids, match",
    [
        (np.r_[-1, np.arange(1, 100)], "non-negative"),
        (np.r_[0, np.arange(0, 99)], "distinct"),
        (np.arange(100).astype(float), "integer positions"),
    ],
)
def test_bad_node_ids_are_a_clear_error(planted, node_ids, match):
    g, y = planted
    with pytest.raises(ValueError, match=match):
        ColdBrewClassifier(**FAST).fit(
            g.data[:100], y[:100], adjacency=g.adjacency, node_ids=node_ids
        )


def test_routed_adjacency_without_node_ids_names_node_ids(planted):
    g, y = planted
    with config_context(enable_metadata_routing=True):
        clf = ColdBrewClassifier(graph="require", **FAST)
        clf.set_fit_request(adjacency=True)
        search = GridSearchCV(clf, {"top_k": [1]}, cv=KFold(2), error_score="raise")
        with pytest.raises(ValueError, match="Pass node_ids too"):
            search.fit(g.data, g.target, adjacency=g.adjacency)


def test_hidden_sizes_accept_lists(planted):
    g, y = planted
    params = dict(FAST, hidden_sizes=[8], student_hidden_sizes=[16])
    clf = ColdBrewClassifier(random_state=0, **params).fit(
        g.data, y, adjacency=g.adjacency
    )
    ref = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    np.testing.assert_array_equal(clf.predict_proba(g.data), ref.predict_proba(g.data))
    with pytest.raises(ValueError, match="positive ints"):
        ColdBrewClassifier(**dict(FAST, hidden_sizes=[0])).fit(g.data, y)


@pytest.mark.parametrize("which", ["lr", "student_lr"])
def test_divergence_raises_naming_the_learning_rate(planted, which):
    from sklearn_iclr._torch import NonFiniteLossError

    g, y = planted
    params = dict(FAST, patience=None, **{which: 1e6})
    X = g.data * 1e3
    with pytest.raises(NonFiniteLossError, match="lr"):
        ColdBrewClassifier(random_state=0, **params).fit(X, y, adjacency=g.adjacency)


# ------------------------------------------------- the graph at predict time


def test_predict_without_a_graph_uses_the_student_only(planted):
    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    a = clf.predict_proba(g.data)
    b = clf.predict_proba(g.data, adjacency=None)
    np.testing.assert_array_equal(a, b)


def test_nodes_with_edges_go_through_the_teacher(planted):
    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    proba = clf.predict_proba(g.data, adjacency=g.adjacency)
    module = clf.teacher_net_.module_
    module.eval()
    with torch.no_grad():
        teacher = torch.softmax(module.layer_outputs()[-1].double(), 1).numpy()
    iso = np.diff(sp.csr_matrix(g.adjacency).indptr) == 0
    np.testing.assert_allclose(proba[~iso], teacher[~iso], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(proba[iso], clf.predict_proba(g.data[iso]))
    # the teacher is better than the student on connected unlabelled nodes here
    unl = (y == -1) & ~iso
    with_graph = np.mean(proba[unl].argmax(1) == g.target[unl])
    student = np.mean(clf.predict_proba(g.data[unl]).argmax(1) == g.target[unl])
    assert with_graph >= student


def test_new_nodes_with_edges_to_the_training_graph(planted):
    g, y = planted
    train = np.arange(150)
    new = np.arange(150, 200)
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data[train], y[train], adjacency=g.adjacency, node_ids=train
    )
    # whole graph with the new nodes' positions, or only their rows
    a = clf.predict_proba(g.data[new], adjacency=g.adjacency, node_ids=new)
    b = clf.predict_proba(g.data[new], adjacency=g.adjacency[new], node_ids=new)
    np.testing.assert_allclose(a, b)
    degree = np.diff(sp.csr_matrix(g.adjacency).indptr)[new]
    cold = degree == 0
    np.testing.assert_allclose(a[cold], clf.predict_proba(g.data[new][cold]))
    assert not np.allclose(a[~cold], clf.predict_proba(g.data[new][~cold]))
    # the embedder follows the same rule
    emb = ColdBrewEmbedder(random_state=0, **FAST).fit(
        g.data[train], y[train], adjacency=g.adjacency, node_ids=train
    )
    Z = emb.transform(g.data[new], adjacency=g.adjacency, node_ids=new)
    np.testing.assert_allclose(Z[cold], emb.transform(g.data[new][cold]))
    assert Z.shape == (len(new), emb.n_embedding_)


def test_graph_at_predict_through_a_pipeline_with_routing(planted):
    g, y = planted
    n = len(y)
    with config_context(enable_metadata_routing=True):
        clf = ColdBrewClassifier(graph="require", random_state=0, **FAST)
        clf.set_fit_request(adjacency=True, node_ids=True)
        clf.set_predict_request(adjacency=True, node_ids=True)
        pipe = make_pipeline(StandardScaler(), clf)
        pipe.fit(g.data, y, adjacency=g.adjacency, node_ids=np.arange(n))
        routed = pipe.predict(g.data, adjacency=g.adjacency, node_ids=np.arange(n))
    direct = pipe[-1].predict(
        pipe[0].transform(g.data), adjacency=g.adjacency, node_ids=np.arange(n)
    )
    np.testing.assert_array_equal(routed, direct)


def test_soft_labels_are_capped_and_held_out_of_mlp1_on_large_graphs(
    planted, monkeypatch
):
    from sklearn_iclr.graph import _cold_brew_base

    g, y = planted
    monkeypatch.setattr(_cold_brew_base, "MAX_SOFT_LABELS", 20)
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    assert len(clf.soft_label_index_) == 20
    # out-of-sample embeddings for MLP2 without cross-fitting
    assert not np.isin(clf.soft_label_index_, clf.distill_index_).any()
    assert np.isin(clf.soft_label_index_, clf.reference_index_).all()


def test_top_k_search_is_chunked_to_a_bounded_block(monkeypatch):
    seen = []
    topk = torch.topk

    def spy(scores, k, dim):
        seen.append(scores.numel())
        return topk(scores, k, dim=dim)

    monkeypatch.setattr(torch, "topk", spy)
    rng = np.random.RandomState(0)
    query = torch.as_tensor(rng.normal(size=(3000, 4)))
    reference = torch.as_tensor(rng.normal(size=(5000, 4)))
    chunked = virtual_neighbourhood(query, reference, 3, chunk_size=700)
    assert max(seen) <= 700 * 5000 and len(seen) == 5
    seen.clear()
    whole = virtual_neighbourhood(query, reference, 3, chunk_size=3000)
    np.testing.assert_allclose(chunked.numpy(), whole.numpy(), rtol=1e-12)
    seen.clear()
    virtual_neighbourhood(query, reference, 3)  # default: about 4M scores a block
    assert max(seen) <= 1 << 22


def test_with_a_graph_only_edgeless_nodes_reach_the_top_k_search(planted, monkeypatch):
    from sklearn_iclr.graph import _cold_brew_base

    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    rows = []
    search = _cold_brew_base.virtual_neighbourhood

    def spy(e_hat, *args, **kwargs):
        rows.append(len(e_hat))
        return search(e_hat, *args, **kwargs)

    monkeypatch.setattr(_cold_brew_base, "virtual_neighbourhood", spy)
    clf.predict(g.data, adjacency=g.adjacency)
    isolated = int(np.sum(np.diff(sp.csr_matrix(g.adjacency).indptr) == 0))
    assert rows == [isolated]


def test_a_tiny_validation_split_is_not_made():
    # 45 labelled nodes: 10% would be 4 validation nodes, whose accuracy is so
    # coarse that early stopping would keep the first epoch's weights
    g = make_planted_graph(300, random_state=1)
    y = np.full(300, -1)
    y[:45] = g.target[:45]
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    assert len(clf.history_["teacher"]) == FAST["max_epochs"]
    assert "valid_acc" not in clf.history_["teacher"][-1]
    y[:150] = g.target[:150]  # 15 validation nodes: split and early stopping
    clf.fit(g.data, y, adjacency=g.adjacency)
    assert "valid_acc" in clf.history_["teacher"][-1]


# ------------------------------------------------- approximate top-K search


def test_candidate_search_equals_the_exact_search_when_all_rows_are_candidates():
    rng = np.random.RandomState(0)
    query = torch.as_tensor(rng.normal(size=(300, 5)))
    reference = torch.as_tensor(rng.normal(size=(40, 5)))

    def every_row(chunk, k):
        return np.tile(np.arange(40), (len(chunk), 1))

    exact = virtual_neighbourhood(query, reference, 3)
    via = virtual_neighbourhood(query, reference, 3, candidates=every_row)
    np.testing.assert_allclose(via.numpy(), exact.numpy(), rtol=1e-12)


def test_inner_product_index_finds_the_largest_inner_products():
    pytest.importorskip("pynndescent")
    from sklearn_iclr.graph._neighbors import InnerProductIndex

    # norms spread over two orders of magnitude: the nearest rows in the
    # Euclidean sense are then mostly not those of largest inner product, so
    # a plain Euclidean index would fail this test
    rng = np.random.RandomState(0)
    directions = rng.normal(size=(3000, 8))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    reference = directions * rng.uniform(0.1, 10.0, size=(3000, 1))
    queries = rng.normal(size=(200, 8))
    exact = np.argsort(-(queries @ reference.T), axis=1)[:, :3]
    euclidean = np.argsort(
        ((queries[:, None, :] - reference[None]) ** 2).sum(-1), axis=1
    )[:, :3]
    assert np.mean([len(set(a) & set(b)) for a, b in zip(exact, euclidean)]) < 1.5
    candidates = InnerProductIndex(reference, random_state=0).candidates(queries, 3)
    recall = np.mean([len(set(a) & set(b)) / 3 for a, b in zip(exact, candidates)])
    assert recall >= 0.9


def test_approximate_search_predicts_like_the_exact_one(planted):
    pytest.importorskip("pynndescent")
    g, y = planted
    fits = {
        mode: ColdBrewClassifier(neighbor_search=mode, random_state=0, **FAST).fit(
            g.data, y, adjacency=g.adjacency
        )
        for mode in ("exact", "approximate")
    }
    assert fits["exact"].neighbor_search_ == "exact"
    assert fits["approximate"].neighbor_search_ == "approximate"
    exact = fits["exact"].predict_proba(g.data)
    approximate = fits["approximate"].predict_proba(g.data)
    assert np.mean(exact.argmax(1) == approximate.argmax(1)) >= 0.98
    # the index travels with the estimator and gives the same candidates
    restored = pickle.loads(pickle.dumps(fits["approximate"]))
    np.testing.assert_array_equal(restored.predict_proba(g.data), approximate)
    # without its index the same fit searches exactly (benchmarks/scale_out.py
    # times the exact search of a 10^6-node fit this way, without refitting)
    restored._neighbor_index = None
    np.testing.assert_allclose(restored.predict_proba(g.data), exact)


def test_auto_search_switches_on_the_reference_size(planted, monkeypatch):
    from sklearn_iclr.graph import _neighbors

    g, y = planted
    clf = ColdBrewClassifier(random_state=0, **FAST).fit(
        g.data, y, adjacency=g.adjacency
    )
    assert clf.neighbor_search_ == "exact"  # 200 nodes: far below the threshold
    monkeypatch.setattr(_neighbors, "AUTO_APPROXIMATE_MIN_REFERENCE", 10)
    monkeypatch.setattr(_neighbors, "_pynndescent_available", lambda: False)
    with pytest.warns(UserWarning, match="sklearn-iclr\\[ann\\]"):
        clf.fit(g.data, y, adjacency=g.adjacency)
    assert clf.neighbor_search_ == "exact"


def test_distillation_stops_on_a_loss_plateau(planted):
    # MLP1 has no validation set: it stops when its training loss stalls,
    # and runs every epoch when early stopping is off.
    g, y = planted
    params = dict(hidden_sizes=(16,), max_epochs=20, student_max_epochs=400)
    clf = ColdBrewClassifier(random_state=0, **params).fit(
        g.data, y, adjacency=g.adjacency
    )
    losses = [epoch["train_loss"] for epoch in clf.history_["distill"]]
    assert len(losses) < 400
    assert losses[-1] < losses[0]
    clf.set_params(patience=None).fit(g.data, y, adjacency=g.adjacency)
    assert len(clf.history_["distill"]) == 400
