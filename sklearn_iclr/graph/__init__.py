"""Graph methods: node representations that survive missing neighbourhoods.

Cold Brew (Zheng et al., ICLR 2022) distils a GCN teacher into an MLP student
that needs no edges at prediction time: :class:`ColdBrewEmbedder` and
:class:`ColdBrewClassifier`, with :func:`feature_contribution_ratio` to tell
whether a graph is worth distilling and :func:`head_tail_isolated_split` for
the paper's evaluation protocol.

GIANT (Chien et al., ICLR 2022) learns node features by predicting each
node's neighbourhood over a hierarchical clustering of the nodes:
:class:`NeighborhoodPredictionEmbedder`, a transformer any model can sit
behind.
"""

# Authors: sklearn-iclr developers
# SPDX-License-Identifier: BSD-3-Clause

from ._cold_brew import ColdBrewClassifier, ColdBrewEmbedder
from ._fcr import feature_contribution_ratio
from ._giant import NeighborhoodPredictionEmbedder
from ._graph_utils import head_tail_isolated_split

__all__ = [
    "ColdBrewClassifier",
    "ColdBrewEmbedder",
    "NeighborhoodPredictionEmbedder",
    "feature_contribution_ratio",
    "head_tail_isolated_split",
]
