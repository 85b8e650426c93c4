"""Quick-tour steps of the graph family: Cold Brew and GIANT on planted graphs."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._tour import TourResult


def cold_brew_step(fast=False, verbose=0):
    """Cold Brew vs logistic regression on isolated (edge-less) nodes.

    The setting is where distillation pays: few labels (3-5%) and many noisy
    features, so a model fitted to the labelled nodes alone overfits, while
    the student learns from the teacher's view of every connected node.
    """
    from sklearn.linear_model import LogisticRegression

    from ..datasets import make_planted_graph
    from ._cold_brew import ColdBrewClassifier

    n_nodes = 1000 if fast else 2000
    g = make_planted_graph(
        n_nodes,
        n_features=200,
        feature_noise=0.8,
        average_degree=10,
        isolated_fraction=0.2,
        random_state=1,
    )
    rng = np.random.RandomState(0)
    labelled = rng.rand(n_nodes) < (0.05 if fast else 0.03)
    y = np.where(labelled, g.target, -1)
    epochs = 100 if fast else 150
    clf = ColdBrewClassifier(
        hidden_sizes=(32,),
        student_hidden_sizes=(64,),
        max_epochs=epochs,
        student_max_epochs=epochs,
        random_state=0,
        verbose=verbose,
    ).fit(g.data, y, adjacency=g.adjacency)
    baseline = LogisticRegression(max_iter=1000).fit(g.data[labelled], y[labelled])
    cold = g.isolated_mask & ~labelled
    acc = np.mean(clf.predict(g.data[cold]) == g.target[cold])
    base = np.mean(baseline.predict(g.data[cold]) == g.target[cold])
    connected = ~g.isolated_mask & ~labelled
    with_graph = clf.predict(g.data, adjacency=g.adjacency)[connected]
    graph_acc = np.mean(with_graph == g.target[connected])
    return TourResult(
        estimator="ColdBrewClassifier",
        did=(
            f"GCN teacher on {n_nodes} nodes / {clf.n_edges_} edges, "
            f"{int(labelled.sum())} labelled, distilled into an MLP student; "
            f"predicted {int(cold.sum())} unlabelled isolated nodes from features "
            "only"
        ),
        headline=(
            f"isolated-node accuracy {100 * acc:.1f}% vs LogisticRegression on the "
            f"labelled nodes {100 * base:.1f}% (3 classes); with the graph at "
            f"predict time, connected nodes {100 * graph_acc:.1f}%"
        ),
    )


def giant_step(fast=False, verbose=0):
    """GIANT features vs raw features for logistic regression on few labels.

    The embedder learns, without labels, to predict each node's
    neighbourhood; a linear model on its output then sees what the graph
    knows, from each node's own features.
    """
    from sklearn.linear_model import LogisticRegression

    from ..datasets import make_planted_graph
    from ._giant import NeighborhoodPredictionEmbedder

    n_nodes = 600 if fast else 1500
    g = make_planted_graph(
        n_nodes, n_features=40, feature_noise=1.5, average_degree=10, random_state=0
    )
    rng = np.random.RandomState(0)
    labelled = rng.rand(n_nodes) < 0.1
    emb = NeighborhoodPredictionEmbedder(
        n_components=16,
        hidden_sizes=(32,),
        max_leaf_size=20,
        epochs_per_level=30,
        batch_size=64,
        lr=3e-3,
        random_state=0,
        verbose=verbose,
    )
    Z = emb.fit_transform(g.data, adjacency=g.adjacency)
    rest = ~labelled

    def accuracy(F):
        clf = LogisticRegression(max_iter=2000).fit(F[labelled], g.target[labelled])
        return np.mean(clf.predict(F[rest]) == g.target[rest])

    giant, raw = accuracy(Z), accuracy(g.data)
    return TourResult(
        estimator="NeighborhoodPredictionEmbedder",
        did=(
            f"learnt 16-d node features on {n_nodes} nodes / {emb.n_edges_} edges "
            f"by predicting neighbourhoods over a {len(emb.label_tree_)}-level "
            f"cluster tree (no labels); logistic regression on {labelled.sum()} "
            "labelled nodes"
        ),
        headline=(
            f"accuracy {100 * giant:.1f}% on GIANT features vs {100 * raw:.1f}% "
            "on the raw features (3 classes)"
        ),
    )


STEPS = [cold_brew_step, giant_step]
