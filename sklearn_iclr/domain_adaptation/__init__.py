"""Domain adaptation: learning for unlabelled domains from labelled ones.

GRDA (Xu et al., ICLR 2022) adapts across a graph of related domains (adjacent
states, neighbouring years): :class:`GRDAClassifier` and :class:`GRDARegressor`,
whose ``discriminator`` parameter also gives the DANN and source-only
baselines with the same networks. :func:`plot_domain_graph` draws the graph
with a value per domain (its accuracy) and
:func:`plot_decision_boundary_per_domain` a classifier's boundary in every
domain of 2-D data.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._grda import GRDAClassifier, GRDARegressor
from ._plotting import plot_decision_boundary_per_domain, plot_domain_graph

__all__ = [
    "GRDAClassifier",
    "GRDARegressor",
    "plot_decision_boundary_per_domain",
    "plot_domain_graph",
]
