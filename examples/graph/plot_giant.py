"""
=================================================================
GIANT: node features learnt by predicting neighbourhoods
=================================================================

An MLP on node features ignores the graph, and a graph neural network needs
the graph at prediction time.
:class:`~sklearn_iclr.graph.NeighborhoodPredictionEmbedder` (GIANT, Chien
et al., ICLR 2022) sits in between: without any label, it trains an encoder
of the node features to predict each node's neighbours, posed as extreme
multi-label classification over a tree of node clusters, coarse to fine.
Its output is a new feature matrix any scikit-learn model can take; a node
needs only its own features to get one.

This example compares an MLP on the raw features with the same MLP on
GIANT's features on Cora (or, without the data set, on a planted-partition
graph), draws both feature sets in 2-D, and looks at the label tree.
"""

# %%
# The graph
# ---------
# Cora is read from ``SKLEARN_ICLR_DATA`` if it is there (its standard split:
# 140 labelled nodes); otherwise a planted graph with noisy features stands
# in, with 5% of its nodes labelled.
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.neural_network import MLPClassifier

from sklearn_iclr.datasets import load_planetoid, make_planted_graph
from sklearn_iclr.graph import NeighborhoodPredictionEmbedder

FAST = os.environ.get("SKLEARN_ICLR_FAST") == "1"

try:
    cora = load_planetoid("cora", download_if_missing=False)
    X, target, A = cora.data, cora.target, cora.adjacency
    train, test = cora.train_mask, cora.test_mask
    name = "Cora"
except (FileNotFoundError, OSError) as err:
    print("Cora not available, using a planted graph:", type(err).__name__)
    g = make_planted_graph(
        1500, n_communities=5, n_features=100, feature_noise=1.5,
        average_degree=10, random_state=0,
    )  # fmt: skip
    X, target, A = g.data, g.target, g.adjacency
    rng = np.random.RandomState(0)
    train = rng.rand(len(target)) < 0.05
    test = ~train
    name = "planted graph"
print(f"{name}: {X.shape[0]} nodes, {A.nnz // 2} edges, {train.sum()} labelled")

# %%
# Learn the features, without labels
# ----------------------------------
# ``fit`` takes the graph as ``adjacency`` (in a pipeline, route it with
# ``set_fit_request(adjacency=True)``). The nodes are clustered into a tree
# (16 children per cluster, at most 100 nodes per leaf cluster), then the
# encoder learns level by level to rank the clusters that hold a node's
# neighbours above their siblings.
embedder = NeighborhoodPredictionEmbedder(
    n_components=64, epochs_per_level=10 if FAST else 20, random_state=0
)
Z = embedder.fit_transform(X, adjacency=A)
for level in embedder.history_:
    print(
        f"level {level['level']}: {level['n_clusters']} clusters, held-out "
        f"precision@1 {level['precision_at_1']:.2f} "
        f"(chance {1 / level['n_clusters']:.3f})"
    )

# %%
# The same MLP on both feature sets
# ---------------------------------
# The labels are used only here, by the downstream model.


def mlp_accuracy(features):
    clf = MLPClassifier((64,), alpha=1e-2, max_iter=1000, random_state=0)
    clf.fit(features[train], target[train])
    return clf.score(features[test], target[test])


raw_acc = mlp_accuracy(X)
giant_acc = mlp_accuracy(Z)
print(f"MLP on raw features:   {100 * raw_acc:.1f}%")
print(f"MLP on GIANT features: {100 * giant_acc:.1f}%")

# %%
# Both feature sets in two dimensions
# -----------------------------------
# A linear projection of each, coloured by class: the GIANT features group
# the classes, because linked nodes (mostly of the same class) learnt to
# predict the same clusters.
fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
raw_2d = TruncatedSVD(2, random_state=0).fit_transform(X)
giant_2d = PCA(2, random_state=0).fit_transform(Z)
for ax, points, title in (
    (axes[0], raw_2d, f"raw features (MLP {100 * raw_acc:.0f}%)"),
    (axes[1], giant_2d, f"GIANT features (MLP {100 * giant_acc:.0f}%)"),
):
    ax.scatter(points[:, 0], points[:, 1], c=target, s=4, cmap="tab10")
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"{name}, coloured by class")
plt.tight_layout()

# %%
# The label tree
# --------------
# ``label_tree_[t]`` is every node's cluster at level ``t``. Clusters are
# balanced (sizes differ by at most one); the plot shows how pure each
# level's clusters are in classes, which is what makes "which clusters are
# my neighbours in" a useful thing to predict.
fig, ax = plt.subplots(figsize=(6, 3.5))
for t, labels in enumerate(embedder.label_tree_):
    purity = [
        np.bincount(target[labels == c]).max() / np.sum(labels == c)
        for c in range(labels.max() + 1)
    ]
    sizes = np.bincount(labels)
    label = f"level {t}: {len(sizes)} clusters of {sizes.min()}-{sizes.max()} nodes"
    ax.hist(purity, bins=20, range=(0, 1), alpha=0.6, label=label)
ax.set_xlabel("share of the cluster's most common class")
ax.set_ylabel("clusters")
ax.legend()
plt.tight_layout()

# %%
# New nodes need no edges
# -----------------------
# ``transform`` reads the features only, so a node added after ``fit``, or one
# with no edge at all, gets its features the same way. With
# ``include_input=True`` the raw features are appended, as GIANT-XRT appends
# its TF-IDF part, so that a downstream model keeps what they know.
print(embedder.transform(X[:3]).shape)
print(embedder.set_params(include_input=True).transform(X[:3]).shape)
