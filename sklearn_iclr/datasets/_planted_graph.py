"""Seeded planted-partition graphs with node features, for graph methods."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils import Bunch, check_random_state

from ..utils._sklearn_compat import Interval, validate_params


def _sample_distinct_pairs(n_rows, n_cols, n_edges, same_block, rng):
    """Draw ``n_edges`` distinct pairs uniformly from a block, without any
    dense ``n_rows x n_cols`` array.

    In a diagonal block (``same_block``, ``n_rows == n_cols``) the pairs are
    unordered and have distinct ends; they are returned with ``i < j``.
    """
    if same_block:
        n_pairs = n_rows * (n_rows - 1) // 2
    else:
        n_pairs = n_rows * n_cols
    if n_edges == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if 2 * n_edges > n_pairs:
        # Dense block: n_pairs < 2 * n_edges, so enumerating it is cheap.
        if same_block:
            i, j = np.triu_indices(n_rows, k=1)
        else:
            i, j = np.divmod(np.arange(n_pairs, dtype=np.int64), n_cols)
        chosen = rng.permutation(n_pairs)[:n_edges]
        return i[chosen].astype(np.int64), j[chosen].astype(np.int64)
    # Sparse block: draw candidate pairs and drop duplicates until enough.
    codes = np.empty(0, dtype=np.int64)
    while len(codes) < n_edges:
        n_draw = int(1.1 * (n_edges - len(codes))) + 16
        i = rng.randint(0, n_rows, size=n_draw).astype(np.int64)
        j = rng.randint(0, n_cols, size=n_draw).astype(np.int64)
        if same_block:
            keep = i != j
            i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        codes = np.unique(np.concatenate([codes, i * n_cols + j]))
    codes = codes[rng.permutation(len(codes))[:n_edges]]
    return np.divmod(codes, n_cols)


@validate_params(
    {
        "n_nodes": [Interval(Integral, 1, None, closed="left")],
        "n_communities": [Interval(Integral, 1, None, closed="left")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "p_in": [Interval(Real, 0, 1, closed="both")],
        "p_out": [Interval(Real, 0, 1, closed="both")],
        "feature_noise": [Interval(Real, 0, None, closed="left")],
        "isolated_fraction": [Interval(Real, 0, 1, closed="both")],
        "average_degree": [Interval(Real, 0, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_planted_graph(
    n_nodes=300,
    n_communities=3,
    n_features=20,
    *,
    p_in=0.05,
    p_out=0.005,
    feature_noise=1.0,
    isolated_fraction=0.1,
    average_degree=None,
    random_state=None,
):
    """Generate a planted-partition graph with community-correlated features.

    The nodes are split into ``n_communities`` communities of (nearly) equal
    size, assigned at random. Edges follow a stochastic block model: two
    distinct nodes are linked with probability ``p_in`` within a community
    and ``p_out`` across communities. Node features are the centre of the
    node's community plus Gaussian noise, so that features alone predict the
    community only partly and neighbourhoods help. Finally a random
    ``isolated_fraction`` of the nodes lose all their edges: these model the
    cold-start (isolated) nodes of Cold Brew.

    The graph is sampled block by block without any dense ``n_nodes x
    n_nodes`` array: memory and time are linear in ``n_nodes`` plus the
    number of edges, so 100 000 nodes with an average degree of 10 take a
    fraction of a second. Keep ``p_in * n_nodes / n_communities`` moderate,
    or set ``average_degree``, for large graphs.

    Read more in the :ref:`User Guide <generators>`.

    Parameters
    ----------
    n_nodes : int, default=300
        Number of nodes.

    n_communities : int, default=3
        Number of communities (classes). Must not exceed ``n_nodes``.

    n_features : int, default=20
        Number of node features.

    p_in : float, default=0.05
        Probability of an edge between two nodes of the same community.

    p_out : float, default=0.005
        Probability of an edge between two nodes of different communities.

    feature_noise : float, default=1.0
        Standard deviation of the Gaussian noise added to each feature. The
        community centres are drawn from a normal distribution of standard
        deviation ``sqrt(2 / n_features)``, so their squared norm is about 2
        whatever ``n_features``. With the defaults, a linear model on the
        features alone recovers about 70% of the communities, and about 87%
        once each node's features are averaged with its neighbours'.

    isolated_fraction : float, default=0.1
        Fraction of nodes (rounded to the nearest integer count) whose edges
        are all removed after sampling.

    average_degree : float, default=None
        If not None, ``p_in`` and ``p_out`` are both multiplied by the factor
        that makes the expected average degree (before isolating nodes)
        equal to ``average_degree``; their ratio is kept. Use it for large
        graphs.

    random_state : int, RandomState instance or None, default=None
        Determines random number generation. Pass an int for reproducible
        output across multiple function calls.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : ndarray of shape (n_nodes, n_features)
            Node features, float64.
        target : ndarray of shape (n_nodes,)
            Community of each node, int64 in ``[0, n_communities)``.
        adjacency : scipy.sparse.csr_matrix of shape (n_nodes, n_nodes)
            Symmetric binary adjacency (float64 ones) without self-loops.
        isolated_mask : ndarray of shape (n_nodes,)
            True for the nodes whose edges were removed; they have degree 0.
            Other nodes may also have degree 0 by chance.

    Raises
    ------
    ValueError
        If ``n_communities > n_nodes``, or if ``average_degree`` asks for an
        edge probability above 1 or cannot be reached (``p_in = p_out = 0``).

    Examples
    --------
    >>> from sklearn_iclr.datasets import make_planted_graph
    >>> graph = make_planted_graph(n_nodes=100, random_state=0)
    >>> graph.data.shape, graph.adjacency.shape
    ((100, 20), (100, 100))
    >>> int(graph.isolated_mask.sum())
    10
    >>> int(abs(graph.adjacency - graph.adjacency.T).sum())
    0
    """
    if n_communities > n_nodes:
        raise ValueError(
            f"n_communities={n_communities} must not exceed n_nodes={n_nodes}."
        )
    rng = check_random_state(random_state)

    sizes = np.full(n_communities, n_nodes // n_communities, dtype=np.int64)
    sizes[: n_nodes % n_communities] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])

    if average_degree is not None:
        expected_edges = p_in * float(np.sum(sizes * (sizes - 1)) / 2) + p_out * float(
            (n_nodes**2 - np.sum(sizes**2)) / 2
        )
        expected_degree = 2.0 * expected_edges / n_nodes
        if expected_degree == 0:
            if average_degree > 0:
                raise ValueError(
                    "average_degree cannot be reached with p_in = p_out = 0."
                )
            scale = 0.0
        else:
            scale = average_degree / expected_degree
        p_in, p_out = p_in * scale, p_out * scale
        if max(p_in, p_out) > 1:
            raise ValueError(
                f"average_degree={average_degree} needs an edge probability of "
                f"{max(p_in, p_out):.3g} > 1; lower it or change p_in and p_out."
            )

    order = rng.permutation(n_nodes)
    target = np.empty(n_nodes, dtype=np.int64)
    for c in range(n_communities):
        target[order[bounds[c] : bounds[c + 1]]] = c

    rows, cols = [], []
    for a in range(n_communities):
        members_a = order[bounds[a] : bounds[a + 1]]
        for b in range(a, n_communities):
            members_b = order[bounds[b] : bounds[b + 1]]
            same = a == b
            n_pairs = sizes[a] * (sizes[a] - 1) // 2 if same else sizes[a] * sizes[b]
            n_edges = rng.binomial(int(n_pairs), p_in if same else p_out)
            i, j = _sample_distinct_pairs(sizes[a], sizes[b], n_edges, same, rng)
            rows.append(members_a[i])
            cols.append(members_b[j])
    rows = np.concatenate(rows).astype(np.int64)
    cols = np.concatenate(cols).astype(np.int64)

    n_isolated = int(round(isolated_fraction * n_nodes))
    isolated_mask = np.zeros(n_nodes, dtype=bool)
    isolated_mask[rng.choice(n_nodes, size=n_isolated, replace=False)] = True
    kept = ~(isolated_mask[rows] | isolated_mask[cols])
    rows, cols = rows[kept], cols[kept]

    adjacency = sp.csr_matrix(
        (
            np.ones(2 * len(rows)),
            (np.concatenate([rows, cols]), np.concatenate([cols, rows])),
        ),
        shape=(n_nodes, n_nodes),
    )
    adjacency.sort_indices()

    # Centres with squared norm about 2: with the default noise, features
    # alone classify about 70% of the nodes, features plus neighbours ~87%.
    centers = rng.normal(
        scale=np.sqrt(2.0 / n_features), size=(n_communities, n_features)
    )
    data = centers[target] + feature_noise * rng.normal(size=(n_nodes, n_features))

    return Bunch(
        data=data, target=target, adjacency=adjacency, isolated_mask=isolated_mask
    )
