"""The label tree of GIANT: PIFA label embeddings clustered by recursive
balanced spherical k-means, and the per-level targets it defines.

Labels are the nodes of the graph (a node's labels are its neighbours).
Level ``t`` of the tree partitions the nodes into clusters; each cluster of
level ``t`` is split into (up to) ``branching_factor`` children at level
``t + 1``, with sizes that differ by at most one, until every cluster holds
at most ``max_leaf_size`` nodes. Nothing here builds an ``n x n`` array.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize
from sklearn.utils import Bunch, check_random_state


def pifa_embeddings(Y, X):
    """Positive instance feature aggregation: L2-normalised rows of ``Y.T @ X``.

    Label ``j`` (a node) is described by the sum of the features of the
    nodes that have it as a label (its neighbours). Labels no node points
    to would get a zero row; they fall back to their own features, so that
    the clustering still places them next to similar nodes.

    Parameters
    ----------
    Y : sparse matrix of shape (n_nodes, n_nodes)
        Binary node-to-label (neighbour) matrix.
    X : {ndarray, sparse matrix} of shape (n_nodes, n_features)
        Node features.

    Returns
    -------
    Z : {ndarray, csr_matrix} of shape (n_nodes, n_features)
        Row-normalised label embeddings (sparse when ``X`` is).
    """
    Z = Y.T @ X
    if sp.issparse(Z):
        Z = sp.csr_matrix(Z, dtype=np.float64)
        empty = np.diff(Z.indptr) == 0
    else:
        Z = np.asarray(Z, dtype=np.float64)
        empty = ~np.any(Z != 0, axis=1)
    if empty.any():
        own = X[np.flatnonzero(empty)]
        if sp.issparse(Z):
            keep = sp.diags((~empty).astype(np.float64))
            fill = sp.csr_matrix(
                (
                    np.ones(empty.sum()),
                    (np.flatnonzero(empty), np.arange(empty.sum())),
                ),
                shape=(Z.shape[0], int(empty.sum())),
            )
            Z = (keep @ Z + fill @ sp.csr_matrix(own, dtype=np.float64)).tocsr()
        else:
            Z[empty] = own.toarray() if sp.issparse(own) else own
    return normalize(Z)


def balanced_sizes(n_items, n_parts):
    """Sizes of ``n_parts`` parts of ``n_items`` that differ by at most one."""
    q, r = divmod(int(n_items), int(n_parts))
    return np.array([q + 1] * r + [q] * (n_parts - r), dtype=np.int64)


def _two_means(Z, n_left, rng, max_iter):
    """Balanced spherical 2-means: a boolean mask of exactly ``n_left`` rows.

    Assigning the ``n_left`` rows with the largest ``sim(c0) - sim(c1)`` to
    the first centroid is the optimal balanced assignment for two clusters,
    so each iteration is a sort, not a matching.
    """
    m = Z.shape[0]
    seeds = rng.choice(m, 2, replace=False)
    centroids = Z[seeds]
    centroids = centroids.toarray() if sp.issparse(centroids) else centroids
    left = None
    for _ in range(max_iter):
        sims = np.asarray(Z @ centroids.T)
        gap = sims[:, 0] - sims[:, 1]
        # a stable sort on (gap, random tie-break): identical rows still split
        order = np.lexsort((rng.permutation(m), -gap))
        new_left = np.zeros(m, dtype=bool)
        new_left[order[:n_left]] = True
        if left is not None and np.array_equal(new_left, left):
            break
        left = new_left
        sums = np.vstack(
            [np.asarray(Z[left].sum(axis=0)), np.asarray(Z[~left].sum(axis=0))]
        )
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        # an all-zero cluster keeps its previous centroid
        centroids = np.where(norms > 0, sums / np.maximum(norms, 1e-12), centroids)
    return left


def balanced_kmeans(Z, n_clusters, *, max_iter=20, random_state=None):
    """Balanced spherical k-means by recursive balanced 2-means.

    The rows are split in two parts whose sizes are those of ``k1 = k // 2``
    and ``k - k1`` balanced clusters, and each part is split again, so the
    ``n_clusters`` final clusters have sizes that differ by at most one.

    Parameters
    ----------
    Z : {ndarray, sparse matrix} of shape (n_items, n_dims)
        Row-normalised points.
    n_clusters : int
        Number of clusters, at most ``n_items``.
    max_iter : int, default=20
        Iterations of each 2-means.
    random_state : int, RandomState instance or None, default=None
        Seeds the centroids and the tie-breaks.

    Returns
    -------
    labels : ndarray of int64, shape (n_items,)
        Cluster of each row, in ``0..n_clusters-1``.
    """
    rng = check_random_state(random_state)
    labels = np.zeros(Z.shape[0], dtype=np.int64)
    # (rows, first cluster id, number of clusters) still to split
    stack = [(np.arange(Z.shape[0]), 0, int(n_clusters))]
    while stack:
        rows, first, k = stack.pop()
        if k == 1:
            labels[rows] = first
            continue
        k1 = k // 2
        sizes = balanced_sizes(len(rows), k)
        # the left part takes the sizes of k1 of the k balanced clusters (a
        # random k1), so both parts split again into sizes within one
        n_left = int(sizes[rng.permutation(k)[:k1]].sum())
        left = _two_means(Z[rows], n_left, rng, max_iter)
        stack.append((rows[left], first, k1))
        stack.append((rows[~left], first + k1, k - k1))
    return labels


def build_label_tree(
    Z, *, branching_factor=16, max_leaf_size=100, max_iter=20, random_state=None
):
    """Cluster assignments of every level of the label tree.

    Level 0 splits all labels into ``min(branching_factor, n)`` clusters;
    every later level splits each cluster of the level above into
    ``min(branching_factor, size)`` children, until the clusters hold at most
    ``max_leaf_size`` labels. There is always at least one level.

    Returns
    -------
    levels : list of ndarray of int64, shape (n_labels,)
        ``levels[t][j]`` is the cluster of label ``j`` at level ``t``;
        clusters of a parent are numbered consecutively.
    """
    rng = check_random_state(random_state)
    n = Z.shape[0]
    levels = []
    parent = np.zeros(n, dtype=np.int64)
    n_parents = 1
    while True:
        labels = np.empty(n, dtype=np.int64)
        next_id = 0
        members = np.argsort(parent, kind="stable")
        bounds = np.searchsorted(parent[members], np.arange(n_parents + 1))
        for p in range(n_parents):
            rows = members[bounds[p] : bounds[p + 1]]
            k = min(branching_factor, len(rows))
            if k > 1:
                sub = balanced_kmeans(Z[rows], k, max_iter=max_iter, random_state=rng)
            else:
                sub = np.zeros(len(rows), dtype=np.int64)
            labels[rows] = next_id + sub
            next_id += k
        levels.append(labels)
        sizes = np.bincount(labels, minlength=next_id)
        if sizes.max() <= max_leaf_size or sizes.max() <= 1:
            return levels
        parent, n_parents = labels, next_id


def membership(labels, n_clusters=None):
    """One-hot ``(n_labels, n_clusters)`` CSR matrix of a level's assignment."""
    n_clusters = int(labels.max()) + 1 if n_clusters is None else n_clusters
    n = len(labels)
    return sp.csr_matrix(
        (np.ones(n), (np.arange(n), labels)), shape=(n, n_clusters), dtype=np.float64
    )


def level_targets(Y, levels):
    """Positive and candidate clusters of every node at every level.

    Positives at level ``t`` are ``bin(Y C_t)``: the clusters holding a
    neighbour. Candidates are the positives' siblings, the children of the
    positive clusters of level ``t - 1`` (teacher forcing: the hard
    negatives are the clusters the true path leads to); every cluster at
    level 0.

    Returns
    -------
    targets : list of Bunch
        One per level: ``signs`` (CSR, +1 positive / -1 hard negative, over
        the candidates), ``positives`` (binary CSR) and ``n_clusters``.
    """
    Y = sp.csr_matrix(Y, dtype=np.float64)
    Y.data[:] = 1.0
    out = []
    previous = None
    for t, labels in enumerate(levels):
        n_clusters = int(labels.max()) + 1
        positives = (Y @ membership(labels, n_clusters)).tocsr()
        positives.data[:] = 1.0
        if previous is None:
            candidates = sp.csr_matrix(np.ones((Y.shape[0], n_clusters)))
        else:
            # child -> parent map: every child cluster has one parent
            parent_of = np.zeros(n_clusters, dtype=np.int64)
            parent_of[labels] = levels[t - 1]
            children = membership(parent_of, previous.shape[1]).T.tocsr()
            candidates = (previous @ children).tocsr()
            candidates.data[:] = 1.0
        signs = (2.0 * positives - candidates).tocsr()
        signs.eliminate_zeros()
        signs.sort_indices()
        out.append(Bunch(signs=signs, positives=positives, n_clusters=n_clusters))
        previous = positives
    return out
