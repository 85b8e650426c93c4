"""A seeded generator of DG-style data: domains on a half circle, a turning boundary."""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ..utils._sklearn_compat import Interval, validate_params


@validate_params(
    {
        "n_domains": [Interval(Integral, 2, None, closed="left")],
        "n_samples_per_domain": [Interval(Integral, 1, None, closed="left")],
        "n_sources": [Interval(Integral, 1, None, closed="left")],
        "edge_scale": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_graph_domains(
    n_domains=15,
    n_samples_per_domain=100,
    *,
    n_sources=6,
    edge_scale=0.6,
    random_state=None,
):
    """Two-dimensional binary data in domains whose boundary turns with an angle.

    After the GRDA paper's DG-15 / DG-60: domain ``k`` has an angle
    ``theta_k`` on a half circle; its points are a Gaussian stretched along
    ``theta_k`` and labelled by the side of the line through the origin at
    that angle's normal, so the boundary turns with the angle and domains of
    opposite angles have opposite labels. Two domains are joined with
    probability ``exp(-(Δθ / edge_scale)²)`` (and consecutive angles always),
    so neighbours in the graph are neighbours on the circle.

    Parameters
    ----------
    n_domains : int, default=15
        Number of domains.
    n_samples_per_domain : int, default=100
        Rows per domain.
    n_sources : int, default=6
        Domains drawn as labelled sources (spread over the first half of
        the angles, as in DG-15).
    edge_scale : float, default=0.6
        Angular scale of the edge probability.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n, 2), ``target`` (n,) 0/1, ``sample_domain`` (n,),
        ``domain_graph`` (n_domains, n_domains) 0/1, ``domain_angle``,
        ``source_domains``.

    See Also
    --------
    load_grda_toy : The paper's own DG-15 and DG-60 sets.
    sklearn_iclr.domain_adaptation.GRDAClassifier : Adapts along the graph.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_iclr.datasets import make_graph_domains
    >>> d = make_graph_domains(n_domains=10, n_samples_per_domain=20, random_state=0)
    >>> d.data.shape, d.domain_graph.shape
    ((200, 2), (10, 10))
    >>> y = np.where(np.isin(d.sample_domain, d.source_domains), d.target, -1)
    """
    rng = check_random_state(random_state)
    angle = np.pi * np.arange(n_domains) / n_domains
    domain = np.repeat(np.arange(n_domains), n_samples_per_domain)
    z = rng.normal(size=(len(domain), 2)) * np.array([1.5, 0.5])
    theta = angle[domain]
    cos, sin = np.cos(theta), np.sin(theta)
    X = np.column_stack([cos * z[:, 0] - sin * z[:, 1], sin * z[:, 0] + cos * z[:, 1]])
    # The boundary: the line through the origin at 45° to the stretch.
    normal = np.column_stack([np.cos(theta + np.pi / 4), np.sin(theta + np.pi / 4)])
    target = (np.sum(X * normal, axis=1) > 0).astype(np.int64)
    delta = np.abs(angle[:, None] - angle[None, :])
    graph = rng.rand(n_domains, n_domains) < np.exp(-((delta / edge_scale) ** 2))
    graph = np.triu(graph, 1)
    graph = graph | np.eye(n_domains, k=1, dtype=bool)
    graph = (graph | graph.T).astype(np.float64)
    half = max(n_domains // 2, n_sources)
    sources = np.sort(rng.choice(half, size=min(n_sources, half), replace=False))
    return Bunch(
        data=X,
        target=target,
        sample_domain=domain,
        domain_graph=graph,
        domain_angle=angle,
        source_domains=sources,
    )
