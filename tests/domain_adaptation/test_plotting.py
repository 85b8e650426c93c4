"""The plot helpers and the DG-style generator."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from sklearn_iclr.datasets import make_graph_domains  # noqa: E402
from sklearn_iclr.domain_adaptation import (  # noqa: E402
    GRDAClassifier,
    plot_decision_boundary_per_domain,
    plot_domain_graph,
)


def test_generator_is_seeded_and_graph_is_symmetric():
    a = make_graph_domains(8, 20, n_sources=3, random_state=0)
    b = make_graph_domains(8, 20, n_sources=3, random_state=0)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.domain_graph, a.domain_graph.T)
    assert np.all(np.diag(a.domain_graph) == 0)
    assert a.data.shape == (160, 2) and len(a.source_domains) == 3
    # consecutive angles are always joined
    assert np.all(np.diag(a.domain_graph, k=1) == 1)


def test_plot_domain_graph_colours_nodes_by_value():
    chain = np.eye(4, k=1) + np.eye(4, k=-1)
    ax = plot_domain_graph(chain, values=[0.1, 0.2, 0.3, 0.9], vmin=0, vmax=1)
    points = ax.collections[0]
    np.testing.assert_allclose(points.get_array(), [0.1, 0.2, 0.3, 0.9])
    assert len(ax.lines) == 3  # one line per edge


def test_plot_decision_boundary_per_domain_draws_one_panel_per_domain():
    d = make_graph_domains(4, 20, n_sources=2, random_state=0)
    y = np.where(np.isin(d.sample_domain, d.source_domains), d.target, -1)
    clf = GRDAClassifier(d.domain_graph, max_epochs=2, random_state=0)
    clf.fit(d.data, y, sample_domain=d.sample_domain)
    axes = plot_decision_boundary_per_domain(
        clf, d.data, y, d.sample_domain, n_cols=3, resolution=10
    )
    assert sum(ax.get_visible() for ax in axes) == 4
    assert axes[0].get_title() == "domain 0"
    with pytest.raises(ValueError, match="two columns"):
        plot_decision_boundary_per_domain(
            clf, np.c_[d.data, d.data], y, d.sample_domain
        )
