"""Approximate top-k inner-product search for Cold Brew's virtual neighbourhood.

The exact search scores every query against every reference node, so
predicting all nodes of a graph costs ``n_queries x n_reference`` dot
products: at 10^6 nodes, 10^12 of them, hours on two cores. Above
``AUTO_APPROXIMATE_MIN_REFERENCE`` reference nodes the classifier builds a
nearest-neighbour-descent index (pynndescent) once at fit time, and the
search then scores each query only against the index's candidates.

Maximum inner product is not a metric, so the index is built on the
standard reduction: reference rows ``r`` get one more coordinate
``sqrt(M^2 - |r|^2)`` (``M`` the largest reference norm), which puts them all
on the sphere of radius ``M``, and queries a zero there; then
``cos(q', r') = q.r / (|q| M)``, so the reference rows of smallest cosine
distance are those of largest inner product. The cosine form, rather than the
equivalent Euclidean one (``|q' - r'|^2 = |q|^2 + M^2 - 2 q.r``), matters in
practice: the Euclidean distances share the large offset ``M^2``, so the
search's relative slack (``epsilon``) then admits nearly every node, and
queries on Cold Brew's embeddings of a 10^5-node graph were slower than the
exact search (measured: 5.8 s against 1.9 s per 500 queries).
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import warnings

import numpy as np

from ..utils._optional import import_optional

__all__ = ["AUTO_APPROXIMATE_MIN_REFERENCE", "InnerProductIndex", "resolve_search"]

# Below this many reference nodes the exact search is faster than building an
# index, even to predict every node. Measured on one core: at 8 x 10^4
# reference nodes (a 10^5-node graph) the exact search of all 10^5 nodes took
# 24 s (benchmarks/scale_out.py), building the index 42 s in a fresh process
# (13 s of it once numba has compiled pynndescent) plus 0.3 ms a query; the
# exact search grows with the square of the nodes, so the index pays off
# from about 1.5 x 10^5 reference nodes, and by far at 10^6 (721 s against
# an estimated 9868 s).
AUTO_APPROXIMATE_MIN_REFERENCE = 200_000
# Candidates per query and the search's slack. On the embeddings of a
# 10^5-node planted graph these held 98 % of the exact top-3 (93 % with
# epsilon 0.2, 99.6 % with 30 candidates at 2x the time), at 0.14 ms a query;
# the attention weights are exact dot products over the candidates.
N_CANDIDATES = 15
EPSILON = 0.3
# Degree of the index's neighbour graph (pynndescent's usual default).
INDEX_DEGREE = 30


def _pynndescent_available():
    try:
        import pynndescent  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_search(neighbor_search, n_reference):
    """``"exact"`` or ``"approximate"`` for ``n_reference`` reference nodes."""
    if neighbor_search != "auto":
        return neighbor_search
    if n_reference < AUTO_APPROXIMATE_MIN_REFERENCE:
        return "exact"
    if _pynndescent_available():
        return "approximate"
    warnings.warn(
        f"neighbor_search='auto' uses the exact search for {n_reference} reference "
        "nodes because pynndescent is not installed: predicting without a graph "
        "will take time proportional to queries x reference nodes. Install "
        "'sklearn-iclr[ann]' for the approximate index, or pass "
        "neighbor_search='exact' to silence this warning.",
        UserWarning,
        stacklevel=3,
    )
    return "exact"


class InnerProductIndex:
    """Candidates for the top-k inner products with fixed reference rows.

    Parameters
    ----------
    reference : ndarray of shape (n_reference, d)
        The rows to search.
    random_state : int
        Seed of the index construction (the index, and so the candidates,
        are then the same on every fit).
    """

    def __init__(self, reference, random_state):
        pynndescent = import_optional("pynndescent", "ann")
        reference = np.asarray(reference, dtype=np.float32)
        norms = np.linalg.norm(reference, axis=1)
        lift = np.sqrt(np.maximum(norms.max() ** 2 - norms**2, 0.0))
        self.n_reference = reference.shape[0]
        # One thread: pynndescent's parallel construction is not reproducible
        # under a seed.
        self.index = pynndescent.NNDescent(
            np.hstack([reference, lift[:, None]]),
            metric="cosine",
            n_neighbors=min(INDEX_DEGREE, self.n_reference - 1),
            random_state=random_state,
            n_jobs=1,
        )
        self.index.prepare()

    def candidates(self, queries, k):
        """Reference rows, shape ``(n_queries, max(k, N_CANDIDATES))``."""
        queries = np.asarray(queries, dtype=np.float32)
        lifted = np.hstack([queries, np.zeros((len(queries), 1), np.float32)])
        n_candidates = min(max(int(k), N_CANDIDATES), self.n_reference)
        indices, _ = self.index.query(lifted, k=n_candidates, epsilon=EPSILON)
        return indices
