"""Quick-tour step of the graph family: Cold Brew on a planted-partition graph."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from .._tour import TourResult


def cold_brew_step(fast=False, verbose=0):
    """Cold Brew: predict cold-start (edge-less) nodes of a planted graph."""
    from ..datasets import make_planted_graph
    from ._cold_brew import ColdBrewClassifier

    n_nodes = 400 if fast else 1500
    g = make_planted_graph(n_nodes, isolated_fraction=0.2, random_state=0)
    rng = np.random.RandomState(0)
    labelled = rng.rand(n_nodes) < 0.3
    y = np.where(labelled, g.target, -1)
    epochs = 40 if fast else 150
    clf = ColdBrewClassifier(
        hidden_sizes=(32,),
        student_hidden_sizes=(64,),
        max_epochs=epochs,
        student_max_epochs=epochs,
        random_state=0,
        verbose=verbose,
    ).fit(g.data, y, adjacency=g.adjacency)
    cold = g.isolated_mask & ~labelled
    acc = np.mean(clf.predict(g.data[cold]) == g.target[cold])
    return TourResult(
        estimator="ColdBrewClassifier",
        did=(
            f"GCN teacher on {n_nodes} nodes / {clf.n_edges_} edges distilled into "
            f"an MLP student; predicted {int(cold.sum())} unlabelled isolated nodes "
            "from features only"
        ),
        headline=(
            f"isolated-node accuracy {100 * acc:.1f}% (3 classes), FCR "
            f"{100 * clf.feature_contribution_ratio_:.0f}%"
        ),
    )


STEPS = [cold_brew_step]
