"""Drawing the domain graph and per-domain decision boundaries (GRDA's figures)."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
import scipy.sparse as sp

from ..utils._optional import import_optional

__all__ = ["plot_decision_boundary_per_domain", "plot_domain_graph"]


def _spectral_layout(graph):
    """2-D positions of the nodes from the Laplacian's first non-trivial vectors."""
    n = graph.shape[0]
    if n < 3:
        return np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    laplacian = np.diag(graph.sum(axis=1)) - graph
    _, vectors = np.linalg.eigh(laplacian)
    return vectors[:, 1:3]


def plot_domain_graph(
    domain_graph,
    values=None,
    *,
    positions=None,
    labels=None,
    cmap="viridis",
    vmin=None,
    vmax=None,
    colorbar_label=None,
    ax=None,
):
    """Draw the domain graph with one value per domain as the node colour.

    As in the GRDA paper's figures: edges as grey lines, each domain a disc
    coloured by ``values`` (its accuracy or error, for example).

    Parameters
    ----------
    domain_graph : array-like or sparse matrix of shape (n_domains, n_domains)
        Symmetric adjacency; an edge is drawn where the weight is positive.
    values : array-like of shape (n_domains,), default=None
        The nodes' colours; ``None`` draws every node alike.
    positions : array-like of shape (n_domains, 2), default=None
        Where to draw each domain (longitude and latitude, an angle on a
        circle); ``None`` uses a spectral layout of the graph.
    labels : sequence of str, default=None
        Text drawn on each node; ``None`` writes the domain indices.
    cmap : str, default="viridis"
        Colour map of ``values``.
    vmin, vmax : float, default=None
        Range of the colour map.
    colorbar_label : str, default=None
        Label of the colour bar (drawn when ``values`` is given).
    ax : matplotlib Axes, default=None
        Where to draw; ``None`` creates a figure.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_iclr.domain_adaptation import plot_domain_graph
    >>> chain = np.eye(4, k=1) + np.eye(4, k=-1)
    >>> ax = plot_domain_graph(chain, values=[0.9, 0.8, 0.6, 0.5])
    """
    plt = import_optional("matplotlib.pyplot", "plot")
    graph = domain_graph.toarray() if sp.issparse(domain_graph) else domain_graph
    graph = np.asarray(graph, dtype=float)
    n = graph.shape[0]
    pos = _spectral_layout(graph) if positions is None else np.asarray(positions)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    i, j = np.nonzero(np.triu(graph, 1) > 0)
    for a, b in zip(i, j):
        ax.plot(pos[[a, b], 0], pos[[a, b], 1], color="0.75", lw=0.8, zorder=1)
    colors = "tab:blue" if values is None else np.asarray(values, dtype=float)
    points = ax.scatter(
        pos[:, 0],
        pos[:, 1],
        c=colors,
        cmap=None if values is None else cmap,
        vmin=vmin,
        vmax=vmax,
        s=260,
        edgecolors="k",
        zorder=2,
    )
    text = [str(k) for k in range(n)] if labels is None else labels
    for k in range(n):
        ax.annotate(text[k], pos[k], ha="center", va="center", fontsize=7, zorder=3)
    if values is not None:
        ax.figure.colorbar(points, ax=ax, label=colorbar_label)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def plot_decision_boundary_per_domain(
    estimator,
    X,
    y,
    sample_domain,
    *,
    domains=None,
    n_cols=5,
    resolution=80,
    titles=None,
    axes=None,
):
    """Draw a fitted classifier's decision boundary in every domain of 2-D data.

    The GRDA paper's Figure 1 style: one panel per domain, the rows of the
    domain coloured by their label, and the predicted probability of the
    second class as a background with its 0.5 contour.

    Parameters
    ----------
    estimator : fitted classifier
        A binary classifier whose ``predict_proba`` takes ``sample_domain``
        (:class:`GRDAClassifier`).
    X : array-like of shape (n_samples, 2)
        Two-dimensional rows.
    y : array-like of shape (n_samples,)
        Their labels (``-1`` rows are drawn grey).
    sample_domain : array-like of shape (n_samples,)
        Each row's domain.
    domains : sequence of int, default=None
        The domains to draw; ``None`` draws every domain present.
    n_cols : int, default=5
        Panels per row.
    resolution : int, default=80
        Grid points per axis of the background.
    titles : sequence of str, default=None
        One title per drawn domain; ``None`` writes ``"domain k"``.
    axes : array of matplotlib Axes, default=None
        Where to draw (at least one per domain); ``None`` creates a figure.

    Returns
    -------
    axes : ndarray of matplotlib Axes
        The panels, flattened.
    """
    plt = import_optional("matplotlib.pyplot", "plot")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    sample_domain = np.asarray(sample_domain)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have two columns to draw; got shape {X.shape}.")
    domains = np.unique(sample_domain) if domains is None else np.asarray(domains)
    if axes is None:
        n_rows = int(np.ceil(len(domains) / n_cols))
        _, axes = plt.subplots(
            n_rows,
            min(n_cols, len(domains)),
            figsize=(2.2 * min(n_cols, len(domains)), 2.2 * n_rows),
            squeeze=False,
        )
    axes = np.asarray(axes).ravel()
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * (hi - lo)
    g0, g1 = np.meshgrid(
        np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
        np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution),
    )
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    for ax, k in zip(axes, domains):
        proba = estimator.predict_proba(grid, sample_domain=np.full(len(grid), k))
        z = proba[:, -1].reshape(g0.shape)
        ax.contourf(g0, g1, z, levels=20, cmap="RdBu_r", alpha=0.4, vmin=0, vmax=1)
        ax.contour(g0, g1, z, levels=[0.5], colors="k", linewidths=1)
        mine = sample_domain == k
        known = mine & (y != -1)
        ax.scatter(
            X[known, 0],
            X[known, 1],
            c=y[known] == estimator.classes_[-1],
            cmap="RdBu_r",
            vmin=0,
            vmax=1,
            s=6,
        )
        ax.scatter(*X[mine & (y == -1)].T, c="0.4", s=4)
        position = list(domains).index(k)
        ax.set_title(f"domain {k}" if titles is None else titles[position])
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[len(domains) :]:
        ax.set_visible(False)
    return axes
